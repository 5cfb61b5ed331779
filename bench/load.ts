import { Command, InvalidArgumentError } from 'commander';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { ensureOpenFiles } from './load-proc';
import { runSide, type LoadOptions, type SideResult } from './load-run';
import { startAedesSide, startGatewaySide, startMosquittoSide, type Side } from './load-sides';
import { percentile, printTable } from './stats';

type Baseline = 'aedes' | 'mosquitto';

const TARGET_P99_MS = 50;
const TARGET_KB_OVER_AEDES = 20;

function positive(what: string, integer = true) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(
        `${what} must be a positive ${integer ? 'integer' : 'number'}`,
      );
    return n;
  };
}

function baselines(v: string): Baseline[] {
  const names = v.split(',').map((s) => s.trim());
  if (names.length === 1 && names[0] === 'none') return [];
  for (const n of names) {
    if (n !== 'aedes' && n !== 'mosquitto')
      throw new InvalidArgumentError(`--baseline takes aedes, mosquitto or none, not "${n}"`);
  }
  return names as Baseline[];
}

const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const kbPer = (r: SideResult) => (r.rssSteady - r.rssIdle) / 1024 / r.devices;
const fmt = (ms: number) => (Number.isNaN(ms) ? '-' : ms.toFixed(1));

function report(results: SideResult[], o: LoadOptions): void {
  const rows = [
    [
      'side',
      'connect/s',
      'held',
      'dropped',
      'sent/s',
      'taken/s',
      'RSS idle MB',
      'RSS load MB',
      'KB/device',
      'heap KB/dev',
      'CPU %',
      'sim CPU %',
      'RTT p50 ms',
      'p99',
      'max',
      'n',
      'errors',
    ],
  ];
  for (const r of results) {
    rows.push([
      r.name,
      (r.devices / r.connectSeconds).toFixed(0),
      `${r.heldAtEnd}/${r.devices}`,
      String(r.dropped),
      r.sentPerSecond.toFixed(0),
      r.takenPerSecond === undefined ? '-' : r.takenPerSecond.toFixed(0),
      mb(r.rssIdle),
      mb(r.rssSteady),
      kbPer(r).toFixed(1),
      r.heapIdle === undefined || r.heapLoad === undefined
        ? '-'
        : ((r.heapLoad - r.heapIdle) / 1024 / r.devices).toFixed(1),
      (r.cpu * 100).toFixed(1),
      (r.simCpu * 100).toFixed(1),
      fmt(percentile(r.rtt, 50)),
      fmt(percentile(r.rtt, 99)),
      fmt(Math.max(...r.rtt)),
      String(r.rtt.length),
      String(r.rttErrors.length),
    ]);
  }
  console.log('');
  printTable(rows);
  console.log(
    [
      `connect/s: devices / time until every birth (CONNECT, retained status, SUBSCRIBE, hello) was acknowledged, ${o.connectConcurrency} births in flight`,
      `sent/s: telemetry the simulator published in steady state (${o.rate}/device/s); taken/s: the gateway's stored samples (its vmfleet_telemetry_samples_ingested_total), bare aedes' PUBLISHes received`,
      'KB/device: (median RSS over the steady window - RSS of the idle process) / devices; heap KB/dev: the same for V8 heap in use (its own report); CPU %: of one core over the steady window',
      'RTT: gateway = REST POST /api/devices/:id/monitor {op: status} -> MQTT cmd -> device reply -> REST answer;',
      '     bare brokers = an MQTT client publishes the cmd and waits for the reply (the broker alone)',
    ].join('\n'),
  );
  verdict(results);
  for (const r of results.filter((x) => x.rttErrors.length > 0)) {
    console.log(`${r.name}: first round-trip error: ${r.rttErrors[0]}`);
  }
}

function verdict(results: SideResult[]): void {
  const gw = results.find((r) => r.name === 'vmfleet gateway');
  const aedes = results.find((r) => r.name === 'bare aedes');
  if (!gw) return;
  const p99 = percentile(gw.rtt, 99);
  const held = gw.heldAtEnd === gw.devices && gw.dropped === 0;
  console.log('');
  console.log(
    `held every device: ${held ? 'yes' : 'NO'} (${gw.heldAtEnd}/${gw.devices}, ${gw.dropped} dropped)`,
  );
  console.log(
    `Thing Monitor p99 ${fmt(p99)} ms: ${p99 < TARGET_P99_MS ? 'within' : 'OVER'} the ${TARGET_P99_MS} ms target`,
  );
  if (aedes) {
    const over = kbPer(gw) - kbPer(aedes);
    console.log(
      `gateway RSS per device over bare aedes per connection: ${kbPer(gw).toFixed(1)} - ${kbPer(aedes).toFixed(1)} = ${over.toFixed(1)} KB: ${over <= TARGET_KB_OVER_AEDES ? 'within' : 'OVER'} the ${TARGET_KB_OVER_AEDES} KB target`,
    );
  }
  if (gw.loopP99 !== undefined && gw.loopMax !== undefined) {
    console.log(
      `gateway event-loop delay over the steady window: p99 ${(gw.loopP99 * 1000).toFixed(1)} ms, max ${(gw.loopMax * 1000).toFixed(1)} ms`,
    );
  }
  if (gw.provisionSeconds !== undefined) {
    console.log(
      `provisioning through REST: ${(gw.devices / gw.provisionSeconds).toFixed(0)} devices/s (8 requests in flight)`,
    );
  }
}

async function startSide(kind: 'gateway' | Baseline, nodeArgs: string[]): Promise<Side> {
  switch (kind) {
    case 'gateway':
      return startGatewaySide(nodeArgs);
    case 'aedes':
      return startAedesSide();
    case 'mosquitto':
      return startMosquittoSide();
  }
}

async function main(): Promise<void> {
  const program = new Command('bench:load')
    .description(
      'N simulated devices (protocol v1 over MQTT, own tokens) against one gateway process on loopback, beside bare aedes and Mosquitto holding the same connections',
    )
    .option('--devices <n>', 'simulated devices', positive('--devices'), 1000)
    .option(
      '--rate <n>',
      'telemetry samples per device per second',
      positive('--rate', false),
      1 / 30,
    )
    .option(
      '--duration <s>',
      'steady-state seconds (round trips sampled)',
      positive('--duration'),
      60,
    )
    .option('--workers <n>', 'simulator threads', positive('--workers'), 2)
    .option('--baseline <list>', 'aedes,mosquitto | aedes | mosquitto | none', baselines, [
      'aedes',
      'mosquitto',
    ])
    .option(
      '--connect-concurrency <n>',
      'births in flight at once',
      positive('--connect-concurrency'),
      64,
    )
    .option(
      '--probe-interval <ms>',
      'one round trip started every ms',
      positive('--probe-interval'),
      50,
    )
    .option(
      '--warmup <s>',
      'seconds of telemetry before the steady window',
      positive('--warmup'),
      5,
    )
    .option(
      '--gateway-node-args <args>',
      'node flags for the gateway, e.g. "--heapsnapshot-signal=SIGUSR2"',
      '',
    )
    .addHelpText(
      'after',
      '\nEach side runs in its own child process (gateway: node dist/src/main.js with a temp data dir), ' +
        'one after the other in one run.\nNeeds RLIMIT_NOFILE >= devices + 1000 (raised up to the hard limit with prlimit) ' +
        'and one loopback ephemeral port per device (fine up to ~28k).',
    )
    .parse();
  const opts = program.opts<{
    devices: number;
    rate: number;
    duration: number;
    workers: number;
    baseline: Baseline[];
    connectConcurrency: number;
    probeInterval: number;
    warmup: number;
    gatewayNodeArgs: string;
  }>();
  const o: LoadOptions = {
    devices: opts.devices,
    rate: opts.rate,
    duration: opts.duration,
    workers: opts.workers,
    connectConcurrency: opts.connectConcurrency,
    probeIntervalMs: opts.probeInterval,
    warmupSeconds: opts.warmup,
  };
  const limit = ensureOpenFiles(o.devices + 1000);
  console.log(
    `bench:load  ${o.devices} devices, ${o.rate.toPrecision(3)} samples/device/s, ${o.duration} s steady, ${o.workers} simulator threads, ${os.cpus().length} cores; ${limit}`,
  );
  const nodeArgs = opts.gatewayNodeArgs.split(' ').filter(Boolean);
  const results: SideResult[] = [];
  for (const kind of [...opts.baseline, 'gateway' as const]) {
    const side = await startSide(kind, nodeArgs);
    console.log(`${side.name} (pid ${side.child.pid}), load average ${loadavg()}`);
    try {
      results.push(await runSide(side, o, (line) => console.log(line)));
    } finally {
      await side.close();
    }
    console.log(`  done, load average ${loadavg()}`);
  }
  report(results, o);
  console.log(`load average at the end: ${loadavg()}`);
}

main().catch((err: Error) => {
  console.error(`bench:load failed: ${err.message}`);
  process.exit(1);
});
