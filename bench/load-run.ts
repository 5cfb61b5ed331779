import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { cpuShare, sampleProc, type ProcSample } from './load-proc';
import { brokerProbe, monitorProbe, provisionAll, sampleRoundTrips } from './load-probe';
import type { Side } from './load-sides';
import { median } from './stats';
import type { SimCommand, SimJob, SimMessage, SimStats } from './load-sim-worker';

export interface LoadOptions {
  devices: number;
  rate: number;
  duration: number;
  workers: number;
  connectConcurrency: number;
  probeIntervalMs: number;
  warmupSeconds: number;
}

/** What one side gave: the figures of one row of the table. */
export interface SideResult {
  name: string;
  devices: number;
  provisionSeconds?: number;
  connectSeconds: number;
  retries: number;
  heldAtEnd: number;
  dropped: number;
  sentPerSecond: number;
  /** Gateway: samples stored per second (its own counter); aedes: PUBLISHes received. */
  takenPerSecond?: number;
  rssIdle: number;
  rssSteady: number;
  /** V8 heap in use, idle and at the end of the steady window (not for Mosquitto). */
  heapIdle?: number;
  heapLoad?: number;
  /** Gateway: its event-loop delay over the steady window, seconds (prom-client). */
  loopP99?: number;
  loopMax?: number;
  cpu: number;
  simCpu: number;
  rtt: number[];
  rttErrors: string[];
}

/** The simulator threads: start, wait for their births, ask, stop. */
class Simulator {
  private readonly workers: Worker[];
  private readonly inbox: SimMessage[][];
  private readonly waiters: (() => void)[] = [];
  private failure?: Error;

  constructor(job: Omit<SimJob, 'devices'>, devices: SimJob['devices'], count: number) {
    const share = Math.ceil(devices.length / count);
    const slices = Array.from({ length: count }, (_, i) =>
      devices.slice(i * share, (i + 1) * share),
    ).filter((s) => s.length > 0);
    this.inbox = slices.map(() => []);
    this.workers = slices.map((slice, i) => {
      const w = new Worker(path.join(__dirname, 'load-sim-worker.js'), {
        workerData: { ...job, devices: slice } satisfies SimJob,
      });
      w.on('message', (m: SimMessage) => {
        if (m.type === 'failed') this.failure = new Error(`simulator: ${m.message}`);
        else if (m.type !== 'progress') this.inbox[i].push(m);
        this.waiters.splice(0).forEach((wake) => wake());
      });
      w.on('error', (err) => {
        this.failure = err;
        this.waiters.splice(0).forEach((wake) => wake());
      });
      return w;
    });
  }

  /** The next message of `type` from every thread. */
  async all<T extends SimMessage['type']>(type: T): Promise<Extract<SimMessage, { type: T }>[]> {
    for (;;) {
      if (this.failure) throw this.failure;
      const found = this.inbox.map((box) => box.findIndex((m) => m.type === type));
      if (found.every((i) => i >= 0)) {
        return found.map((at, w) => this.inbox[w].splice(at, 1)[0]) as Extract<
          SimMessage,
          { type: T }
        >[];
      }
      await new Promise<void>((wake) => this.waiters.push(wake));
    }
  }

  send(command: SimCommand): void {
    this.workers.forEach((w) => w.postMessage(command));
  }

  async stats(): Promise<SimStats> {
    this.send('stats');
    const all = await this.all('stats');
    const sum = (k: keyof SimStats) => all.reduce((n, s) => n + s[k], 0);
    return {
      ready: sum('ready'),
      dropped: sum('dropped'),
      sent: sum('sent'),
      replies: sum('replies'),
    };
  }

  async stop(): Promise<void> {
    this.send('stop');
    await this.all('stopped').catch(() => undefined);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * What the side says of itself: what it took in (gateway: stored samples, its own counter;
 * aedes: PUBLISHes received) and its V8 heap in use. Mosquitto says nothing (no IPC).
 */
async function selfReport(
  side: Side,
): Promise<{ taken?: number; heapUsed?: number; loopP99?: number; loopMax?: number }> {
  if (side.http) {
    const res = await fetch(`${side.http.url}/metrics`, {
      headers: { authorization: `Bearer ${side.http.token}` },
    });
    const text = await res.text();
    const value = (name: string) => {
      const m = new RegExp(`^${name} ([0-9.e+-]+)`, 'm').exec(text);
      return m ? Number(m[1]) : undefined;
    };
    return {
      taken: value('vmfleet_telemetry_samples_ingested_total'),
      heapUsed: value('nodejs_heap_size_used_bytes'),
      // prom-client resets its event-loop delay histogram on every scrape: since the last one.
      loopP99: value('nodejs_eventloop_lag_p99_seconds'),
      loopMax: value('nodejs_eventloop_lag_max_seconds'),
    };
  }
  if (!side.child.send) return {};
  return new Promise((resolve) => {
    side.child.once('message', (m: { received: number; heapUsed: number }) =>
      resolve({ taken: m.received, heapUsed: m.heapUsed }),
    );
    side.child.send({});
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One side under load: provision (gateway), connect every device, telemetry for a warm-up
 * and then `duration` seconds of steady state, sampling round trips to random devices.
 */
export async function runSide(
  side: Side,
  o: LoadOptions,
  log: (line: string) => void,
): Promise<SideResult> {
  const pid = side.child.pid!;
  const idle = sampleProc(pid);
  const idleHeap = (await selfReport(side)).heapUsed;
  const ids = Array.from({ length: o.devices }, (_, i) => `load-${i}`);
  let tokens: (string | undefined)[] = ids.map(() => undefined);
  let provisionSeconds: number | undefined;
  if (side.http) {
    const started = performance.now();
    tokens = await provisionAll(side.http, ids, 8);
    provisionSeconds = (performance.now() - started) / 1000;
    log(`  provisioned ${o.devices} devices through REST in ${provisionSeconds.toFixed(1)} s`);
  }
  const sim = new Simulator(
    {
      host: side.host,
      port: side.mqttPort,
      rate: o.rate,
      keepaliveSeconds: 60,
      connectConcurrency: Math.max(1, Math.ceil(o.connectConcurrency / o.workers)),
    },
    ids.map((id, i) => ({ id, token: tokens[i] })),
    o.workers,
  );
  try {
    const births = await sim.all('connected');
    const connectSeconds = Math.max(...births.map((b) => b.ms)) / 1000;
    const retries = births.reduce((n, b) => n + b.retries, 0);
    log(`  ${o.devices} connected in ${connectSeconds.toFixed(1)} s (${retries} retries)`);
    sim.send('telemetry');
    await sleep(o.warmupSeconds * 1000);
    return await steadyState(side, sim, ids, o, {
      idle,
      idleHeap,
      provisionSeconds,
      connectSeconds,
      retries,
    });
  } finally {
    await sim.stop();
  }
}

async function steadyState(
  side: Side,
  sim: Simulator,
  ids: string[],
  o: LoadOptions,
  before: {
    idle: ProcSample;
    idleHeap?: number;
    provisionSeconds?: number;
    connectSeconds: number;
    retries: number;
  },
): Promise<SideResult> {
  const pid = side.child.pid!;
  const from = { side: sampleProc(pid), sim: sampleProc(process.pid), stats: await sim.stats() };
  const takenFrom = (await selfReport(side)).taken;
  const probe = side.http ? undefined : await brokerProbe(side.host, side.mqttPort);
  // RSS once a second through the window, the median reported: one sample would say more
  // about where the garbage collector happened to be than about the devices.
  const rss: number[] = [];
  const rssTimer = setInterval(() => {
    if (side.child.exitCode === null && side.child.signalCode === null)
      rss.push(sampleProc(pid).rssBytes);
  }, 1000);
  const rtt = await sampleRoundTrips(
    probe?.probe ?? monitorProbe(side.http!),
    ids,
    o.duration * 1000,
    o.probeIntervalMs,
  ).finally(() => clearInterval(rssTimer));
  await probe?.close();
  if (side.child.exitCode !== null || side.child.signalCode !== null)
    throw new Error(
      `${side.name} exited (${side.child.signalCode ?? side.child.exitCode}) under load`,
    );
  const to = { side: sampleProc(pid), sim: sampleProc(process.pid), stats: await sim.stats() };
  const end = await selfReport(side);
  const takenTo = end.taken;
  const seconds = (to.side.at - from.side.at) / 1000;
  return {
    name: side.name,
    devices: o.devices,
    provisionSeconds: before.provisionSeconds,
    connectSeconds: before.connectSeconds,
    retries: before.retries,
    heldAtEnd: to.stats.ready,
    dropped: to.stats.dropped,
    sentPerSecond: (to.stats.sent - from.stats.sent) / seconds,
    takenPerSecond:
      takenFrom === undefined || takenTo === undefined
        ? undefined
        : (takenTo - takenFrom) / seconds,
    loopP99: end.loopP99,
    loopMax: end.loopMax,
    heapIdle: before.idleHeap,
    heapLoad: end.heapUsed,
    rssIdle: before.idle.rssBytes,
    rssSteady: rss.length > 0 ? median(rss) : to.side.rssBytes,
    cpu: cpuShare(from.side, to.side),
    simCpu: cpuShare(from.sim, to.sim),
    rtt: rtt.ms,
    rttErrors: rtt.errors,
  };
}
