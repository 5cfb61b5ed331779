import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_BOUND_MS, saveToCorpus } from './harness';
import { TARGETS } from './targets';
import { INPUT_OFFSET, type WorkerJob, type WorkerReport } from './worker';

/**
 * `npm run fuzz`: the long run. Each target runs in a worker thread, one after the other
 * (the machine is shared), with a watchdog: an input that does not return within
 * --hang-ms is a hang even when it never yields (an endless loop), and the worker is
 * replaced. Crashing and slow inputs are saved to test/fuzz/corpus/<target>/, which
 * `npm test` replays.
 *
 *   npm run fuzz -- [--runs 100000] [--target wasm,rbf] [--seed 42] [--bound-ms 1000]
 *                   [--hang-ms 10000] [--jobs 1] [--json]
 */
interface Options {
  runs: number;
  targets: string[];
  seed: number;
  boundMs: number;
  hangMs: number;
  /** Targets fuzzed at the same time (one worker each). */
  jobs: number;
  json: boolean;
}

interface TargetReport {
  target: string;
  inputs: number;
  inputsPerSecond: number;
  accepted: number;
  crashes: number;
  hangs: number;
  open: number;
  saved: string[];
  findings: string[];
}

const USAGE =
  'usage: npm run fuzz -- [--runs N] [--target a,b] [--seed N] [--bound-ms N] [--hang-ms N] [--jobs N] [--json]';

function parseOptions(argv: string[]): Options {
  const o: Options = {
    runs: Number(process.env.FUZZ_RUNS ?? 100_000),
    targets: TARGETS.map((t) => t.name),
    seed: Date.now() % 2 ** 31,
    boundMs: DEFAULT_BOUND_MS,
    hangMs: 10_000,
    jobs: 1,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    const number = () => {
      const n = Number(value());
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} takes a whole number`);
      return n;
    };
    if (flag === '--runs') o.runs = number();
    else if (flag === '--target') o.targets = value().split(',');
    else if (flag === '--seed') o.seed = number();
    else if (flag === '--bound-ms') o.boundMs = number();
    else if (flag === '--hang-ms') o.hangMs = number();
    else if (flag === '--jobs') o.jobs = Math.max(1, number());
    else if (flag === '--json') o.json = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(`${USAGE}\ntargets: ${TARGETS.map((t) => t.name).join(', ')}`);
      process.exit(0);
    } else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  const unknown = o.targets.filter((t) => !TARGETS.some((x) => x.name === t));
  if (unknown.length) throw new Error(`no fuzz target ${unknown.join(', ')}`);
  return o;
}

/** One signature per distinct failure, so a bug hit 500 times is saved once. */
function signature(verdict: string, detail: string): string {
  if (verdict === 'open') return `open: ${detail.split(':')[0]}`; // one input per open finding
  return `${verdict}: ${detail.replace(/\d+/g, 'N').slice(0, 160)}`;
}

async function fuzzTarget(name: string, o: Options): Promise<TargetReport> {
  const report: TargetReport = {
    target: name,
    inputs: 0,
    inputsPerSecond: 0,
    accepted: 0,
    crashes: 0,
    hangs: 0,
    open: 0,
    saved: [],
    findings: [],
  };
  const seen = new Set<string>();
  const record = (
    verdict: 'crash' | 'slow' | 'open' | 'hang',
    input: Uint8Array,
    detail: string,
  ) => {
    if (verdict === 'open') report.open++;
    else if (verdict === 'crash') report.crashes++;
    else report.hangs++;
    const sig = signature(verdict, detail);
    if (seen.has(sig)) return;
    seen.add(sig);
    const file = saveToCorpus(name, input, verdict === 'open');
    report.saved.push(path.relative(process.cwd(), file));
    report.findings.push(`${verdict} ${path.basename(file)}: ${detail}`);
    if (!o.json) console.log(`  ${name}: ${verdict}: ${detail.slice(0, 300)}\n    saved ${file}`);
  };
  let fuzzMs = 0;
  let left = o.runs;
  let seed = o.seed;
  while (left > 0) {
    const result = await runWorker(name, left, seed, o, record);
    fuzzMs += result.ms;
    report.accepted += result.accepted;
    report.inputs += result.started;
    left -= result.started;
    seed += result.started + 1;
  }
  report.inputsPerSecond = Math.round(report.inputs / (fuzzMs / 1000));
  return report;
}

/** Runs one worker until it is done or hangs; returns how many inputs it started. */
function runWorker(
  name: string,
  runs: number,
  seed: number,
  o: Options,
  record: (verdict: 'crash' | 'slow' | 'open' | 'hang', input: Uint8Array, detail: string) => void,
): Promise<{ started: number; accepted: number; ms: number }> {
  const progress = new SharedArrayBuffer(INPUT_OFFSET + (1 << 20));
  const counter = new Int32Array(progress, 0, 2);
  const job: WorkerJob = { target: name, runs, seed, boundMs: o.boundMs, progress };
  const worker = new Worker(path.join(__dirname, 'worker.ts'), { workerData: job });
  return new Promise((resolve, reject) => {
    let readyAt = 0;
    let last = 0;
    let lastChange = 0;
    const watchdog = setInterval(() => {
      if (!readyAt) return;
      const started = Atomics.load(counter, 0);
      const now = performance.now();
      if (started !== last) {
        last = started;
        lastChange = now;
      } else if (now - lastChange > o.hangMs) {
        clearInterval(watchdog);
        const input = new Uint8Array(progress, INPUT_OFFSET, Atomics.load(counter, 1)).slice();
        record('hang', input, `no return within ${o.hangMs} ms (watchdog)`);
        void worker.terminate();
        resolve({ started, accepted: 0, ms: now - readyAt });
      }
    }, 100);
    worker.on('message', (r: WorkerReport) => {
      if (r.kind === 'ready') {
        readyAt = performance.now();
        lastChange = readyAt;
      } else if (r.kind === 'finding') record(r.verdict, r.input, r.detail);
      else {
        clearInterval(watchdog);
        void worker.terminate();
        resolve({ started: runs, accepted: r.accepted, ms: r.ms });
      }
    });
    worker.on('error', (err) => {
      clearInterval(watchdog);
      reject(err);
    });
  });
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  if (!o.json)
    console.log(`fuzz: ${o.runs} inputs per target, seed ${o.seed}, bound ${o.boundMs} ms`);
  const reports = new Map<string, TargetReport>();
  const queue = [...o.targets];
  const lane = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      if (!o.json) console.log(`${name}: running`);
      const r = await fuzzTarget(name, o);
      reports.set(name, r);
      if (!o.json) {
        console.log(
          `${name}: ${r.inputs} inputs, ${r.inputsPerSecond} inputs/s, ${r.accepted} accepted, ` +
            `${r.crashes} crashes, ${r.hangs} hangs, ${r.open} open`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: o.jobs }, lane));
  summarize(
    o,
    o.targets.map((t) => reports.get(t) as TargetReport),
  );
}

function summarize(o: Options, reports: TargetReport[]): void {
  if (o.json) console.log(JSON.stringify({ seed: o.seed, runs: o.runs, reports }, null, 2));
  else {
    console.table(
      reports.map((r) => ({
        target: r.target,
        inputs: r.inputs,
        'inputs/s': r.inputsPerSecond,
        accepted: r.accepted,
        crashes: r.crashes,
        hangs: r.hangs,
        open: r.open,
      })),
    );
  }
  process.exitCode = reports.some((r) => r.crashes || r.hangs) ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(2);
});
