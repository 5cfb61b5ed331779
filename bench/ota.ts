import 'reflect-metadata';
import { Aedes } from 'aedes';
import { Command, InvalidArgumentError } from 'commander';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BOARD_NAMES, getBoard, isBoardName, type BoardName } from '../devices/boards';
import { mulberry32 } from '../devices/prng';
import type { DeviceCredentials } from '../devices/virtual-device';
import { type Gateway } from '../src/gateway';
import { MIPS1_HEADER_BYTES, parseMips1Image } from '../src/protocol/images/mips1-image';
import type { OtaWorkerJob, OtaWorkerMessage } from './ota-worker';
import { median, percentile, printTable } from './stats';
import { startBenchGateway } from './gateway';
import { pollUntil, profiled, watchStalls, type PollLog, type Stalls } from './ota-probes';

interface Options {
  devices: number;
  kib: number;
  board: BoardName;
  rounds: number;
  pollMs: number;
  cpuProf?: string;
}

interface Round {
  seconds: number;
  wireBytes: number;
  /** Payload bytes the gateway sent (vmfleet side): more than devices × size means re-sends. */
  sentBytes?: number;
  /** The gateway's event loop during the rollout (vmfleet side). */
  stalls?: Stalls;
  /** GET /api/deployments/:id during the rollout (vmfleet side). */
  polls?: PollLog;
}

const APP = { name: 'ota-bench', version: '1.0.0' };

/**
 * A runnable image of exactly `total` bytes: blink with its .bss turned into initialised
 * zeros and pseudo-random data appended after it, which the program never touches. Random
 * so nothing on the path could shrink it; seeded so every run sends the same bytes.
 */
export function paddedImage(base: Uint8Array, total: number): Uint8Array {
  const image = parseMips1Image(base);
  const grown = image.bssBytes + (total - base.length);
  if (grown < image.bssBytes) throw new Error(`${total} bytes is smaller than the base image`);
  const out = new Uint8Array(total);
  out.set(base);
  const view = new DataView(out.buffer);
  view.setUint32(20, image.dataBytes + grown, true);
  view.setUint32(24, 0, true);
  const random = mulberry32(0x07a);
  const start = MIPS1_HEADER_BYTES + image.textBytes + image.dataBytes + image.bssBytes;
  for (let i = start; i < total; i++) out[i] = Math.floor(random() * 256);
  parseMips1Image(out); // still a valid image
  return out;
}

function startWorker(job: OtaWorkerJob) {
  const worker = new Worker(path.join(__dirname, 'ota-worker.js'), { workerData: job });
  let failure: Error | undefined;
  const waiters: { type: string; resolve: (m: OtaWorkerMessage) => void }[] = [];
  const fail = (err: Error) => {
    failure = err;
    waiters.splice(0).forEach((w) => w.resolve({ type: 'failed', message: err.message }));
  };
  worker.on('error', fail);
  worker.on('message', (m: OtaWorkerMessage) => {
    if (m.type === 'failed') return fail(new Error(m.message));
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0].resolve(m);
  });
  const next = async <T extends OtaWorkerMessage['type']>(type: T) => {
    if (failure) throw failure;
    const m = await new Promise<OtaWorkerMessage>((resolve) => waiters.push({ type, resolve }));
    if (m.type === 'failed') throw new Error(`device worker: ${m.message}`);
    return m as Extract<OtaWorkerMessage, { type: T }>;
  };
  return {
    next,
    async bytes(): Promise<number> {
      const reply = next('bytes');
      worker.postMessage('bytes');
      const m = await reply;
      return m.read + m.written;
    },
    async stop(): Promise<void> {
      const done = next('done').catch(() => undefined);
      worker.postMessage('stop');
      await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
      await worker.terminate();
    },
  };
}

const now = () => performance.timeOrigin + performance.now();

async function api<T>(gw: Gateway, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(gw.httpUrl + url, {
    method,
    headers: { authorization: `Bearer ${gw.apiToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function vmfleetRound(o: Options, image: Uint8Array, round: number): Promise<Round> {
  const gw = await startBenchGateway('ota');
  let worker: ReturnType<typeof startWorker> | undefined;
  try {
    const form = new FormData();
    form.append('name', APP.name);
    form.append('version', APP.version);
    form.append('vm', 'mips1');
    form.append('file', new Blob([Buffer.from(image)]), 'ota-bench.m1');
    const up = await fetch(`${gw.httpUrl}/api/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.apiToken}` },
      body: form,
    });
    if (up.status !== 201) throw new Error(`upload refused: ${await up.text()}`);

    const devices: DeviceCredentials[] = [];
    for (let i = 0; i < o.devices; i++) {
      const id = `ota-${round}-${String(i).padStart(3, '0')}`;
      const res = await api<{ token: string; signingKey: { publicKey: string } }>(
        gw,
        'POST',
        '/api/devices',
        { id, board: o.board, vm: 'mips1', tags: ['bench'] },
      );
      devices.push({
        id,
        token: res.token,
        board: o.board,
        vm: 'mips1',
        signingKey: res.signingKey.publicKey,
      });
    }
    worker = startWorker({ mode: 'vmfleet', mqttUrl: `mqtt://127.0.0.1:${gw.mqttPort}`, devices });
    await worker.next('ready');

    const before = await worker.bytes();
    type View = {
      status: string;
      counts: Record<string, number>;
      finishedAt: string | null;
      targets: { bytesSent: number }[];
    };
    const started = Date.now();
    const rollout = async () => {
      const { id } = await api<{ id: number }>(gw, 'POST', '/api/deployments', {
        app: APP,
        target: { tag: 'bench' },
        failureThreshold: 0,
        healthWindowMs: 0,
      });
      // Every poll is timed; one that fails counts (the API stopped answering) and polling goes on.
      return pollUntil(
        async () => {
          const view = await api<View>(gw, 'GET', `/api/deployments/${id}`);
          return view.status === 'running' ? undefined : view;
        },
        o.pollMs,
        600_000,
      );
    };
    const { result, stalls } = await profiled(
      o.cpuProf,
      `vmfleet-${o.devices}-round${round + 1}`,
      () => watchStalls(rollout),
    );
    const { value: view, log: polls } = result;
    if (view.status !== 'completed') {
      throw new Error(`deployment ${view.status}: ${JSON.stringify(view.counts)}`);
    }
    // The gateway's own finishing time: the poll interval does not round it up.
    const seconds = (Date.parse(view.finishedAt!) - started) / 1000;
    if (view.counts.healthy !== o.devices) {
      throw new Error(`completed with ${JSON.stringify(view.counts)}`);
    }
    const wireBytes = (await worker.bytes()) - before;
    const sentBytes = view.targets.reduce((a, t) => a + t.bytesSent, 0);
    return { seconds, wireBytes, sentBytes, stalls, polls };
  } finally {
    await worker?.stop();
    await gw.close();
  }
}

/** The same bytes as one QoS 1 publish per device through a bare aedes: no manifest, no pull. */
async function bareRound(o: Options, image: Uint8Array, round: number): Promise<Round> {
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const ids = Array.from({ length: o.devices }, (_, i) => `bare-${round}-${i}`);
  const worker = startWorker({
    mode: 'bare',
    mqttUrl: `mqtt://127.0.0.1:${port}`,
    devices: ids,
    payloadBytes: image.length,
  });
  try {
    await worker.next('ready');
    const before = await worker.bytes();
    const received = worker.next('received');
    const started = now();
    const payload = Buffer.from(image);
    for (const id of ids) {
      broker.publish(
        { cmd: 'publish', topic: `bench/${id}`, payload, qos: 1, retain: false, dup: false },
        () => undefined,
      );
    }
    const { at } = await received;
    const seconds = (at - started) / 1000;
    // Let the last PUBACKs reach the broker so both sides count a finished exchange.
    await new Promise((r) => setTimeout(r, 200));
    return { seconds, wireBytes: (await worker.bytes()) - before };
  } finally {
    await worker.stop();
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => broker.close(() => r()));
  }
}

function report(o: Options, imageBytes: number, bare: Round[], fleet: Round[]): void {
  const payload = imageBytes * o.devices;
  const row = (side: string, rs: Round[], base?: number) => {
    const s = median(rs.map((r) => r.seconds));
    return [
      side,
      s.toFixed(2),
      (o.devices / s).toFixed(1),
      ((payload / s) * 8e-6).toFixed(1),
      median(rs.map((r) => r.wireBytes / payload)).toFixed(3),
      `${Math.min(...rs.map((r) => r.seconds)).toFixed(2)}–${Math.max(...rs.map((r) => r.seconds)).toFixed(2)}`,
      base === undefined ? '1.00' : (s / base).toFixed(2),
    ];
  };
  const baseSeconds = median(bare.map((r) => r.seconds));
  console.log('');
  printTable([
    ['side', 'median s', 'devices/s', 'payload Mbit/s', 'wire/payload', 'range s', 'time ratio'],
    row('bare aedes (one QoS 1 publish each)', bare),
    row('vmfleet OTA (signed, pulled, verified)', fleet, baseSeconds),
  ]);
  const resent = fleet.map((r) => (r.sentBytes ?? 0) - payload);
  console.log(
    `\nwire/payload = bytes on every device socket (both directions) ÷ (${o.devices} × ${imageBytes}); aim ≤ 1.05`,
  );
  console.log(`payload bytes re-sent by the gateway: ${resent.join(', ')} (per round)`);
  console.log(
    'vmfleet time = deployment created → every device healthy (health window 0), incl. verify and swap',
  );
  const ms = (v: number) => v.toFixed(1);
  const stat = (pick: (r: Round) => number) => ms(median(fleet.map(pick)));
  const polls = (r: Round) => r.polls?.latenciesMs ?? [];
  console.log(
    `gateway event loop during the rollout: longest stall ${stat((r) => r.stalls?.maxMs ?? NaN)} ms, ` +
      `p99 ${stat((r) => r.stalls?.p99Ms ?? NaN)} ms (median of rounds; per round max ` +
      `${fleet.map((r) => ms(r.stalls?.maxMs ?? NaN)).join(', ')} ms)`,
  );
  console.log(
    `GET /api/deployments/:id every ${o.pollMs} ms during the rollout: ${fleet.map((r) => polls(r).length).join(', ')} polls, ` +
      `p50 ${stat((r) => percentile(polls(r), 50))} ms, p99 ${stat((r) => percentile(polls(r), 99))} ms, ` +
      `max ${stat((r) => Math.max(...polls(r)))} ms (median of rounds), ` +
      `failed ${fleet.map((r) => r.polls?.failures.length ?? 0).join(', ')}`,
  );
}

/** Failed polls make the run fail: the REST API has to answer throughout a rollout. */
function failedPolls(fleet: Round[]): string[] {
  return fleet.flatMap((r, i) => (r.polls?.failures ?? []).map((f) => `round ${i + 1}: ${f}`));
}

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
  return n;
}

async function main(): Promise<void> {
  const program = new Command('bench:ota')
    .description(
      'Pushes one image to many virtual devices through a real rollout, beside a bare aedes publishing the same bytes',
    )
    .option('--devices <n>', 'virtual devices', positive, 200)
    .option('--kib <n>', 'image size in KiB', positive, 64)
    .option(
      '--board <name>',
      `board profile; its buffer sets the chunk size (${BOARD_NAMES.join(', ')})`,
      (v) => {
        if (!isBoardName(v)) throw new InvalidArgumentError(`one of ${BOARD_NAMES.join(', ')}`);
        return v;
      },
      'esp32',
    )
    .option('--rounds <n>', 'rounds per side (the median is reported)', positive, 3)
    .option(
      '--poll-ms <n>',
      'GET /api/deployments/:id (every device, with history) this often during the rollout',
      positive,
      250,
    )
    .option(
      '--cpu-prof <dir>',
      "write a CPU profile of the gateway's thread during each vmfleet rollout to <dir>",
    )
    .parse();
  const o = program.opts<Options>();
  const base = fs.readFileSync(
    path.join(__dirname, '..', '..', 'firmware', 'build', 'mips1', 'blink.m1'),
  );
  const image = paddedImage(new Uint8Array(base), o.kib * 1024);
  const chunk = getBoard(o.board).maxChunkBytes;
  console.log(
    `bench:ota  ${o.devices} × ${o.board} devices (chunk ${chunk} B), image ${image.length} B ` +
      `(blink.m1 + seeded random data), ${o.rounds} rounds per side, ${os.cpus().length} cores`,
  );
  const bare: Round[] = [];
  const fleet: Round[] = [];
  for (let r = 0; r < o.rounds; r++) {
    // Alternate sides so drift on a shared machine hits both alike.
    bare.push(await bareRound(o, image, r));
    fleet.push(await vmfleetRound(o, image, r));
    console.log(
      `  round ${r + 1}: bare ${bare[r].seconds.toFixed(2)} s (wire ${(bare[r].wireBytes / (image.length * o.devices)).toFixed(3)}), ` +
        `vmfleet ${fleet[r].seconds.toFixed(2)} s (wire ${(fleet[r].wireBytes / (image.length * o.devices)).toFixed(3)}, ` +
        `longest stall ${fleet[r].stalls?.maxMs.toFixed(0)} ms, poll p99 ${percentile(fleet[r].polls?.latenciesMs ?? [], 99).toFixed(0)} ms, ` +
        `${fleet[r].polls?.failures.length} failed polls)`,
    );
  }
  report(o, image.length, bare, fleet);
  const failed = failedPolls(fleet);
  if (failed.length > 0) {
    throw new Error(
      `${failed.length} REST polls failed during the rollout:\n  ${failed.slice(0, 10).join('\n  ')}`,
    );
  }
}

if (require.main === module) {
  main()
    .then(() => process.exit(0))
    .catch((err: Error) => {
      console.error(`bench:ota failed: ${err.message}`);
      process.exit(1);
    });
}
