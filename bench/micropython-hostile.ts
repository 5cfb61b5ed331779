import { spawnSync } from 'node:child_process';
import { createEngine, prepareEngines } from '../devices/engines';
import { BOARDS } from '../devices/boards';
import { DeviceGuestHost } from '../devices/runtime/guest-host';
import { SimulatedHal } from '../devices/hal/hal';
import { EventHandler } from '../devices/runtime/event-handler';
import type { RunOutcome } from '../devices/engines/engine';
import { median, printTable } from './stats';

/**
 * Hostile MicroPython guests (issue 15): time to fault and the host's RSS growth over the
 * run (measured as it ends), one child process per run (so every run starts from the same
 * RSS), the median of --runs.
 *
 *   npx ts-node --transpile-only bench/micropython-hostile.ts [--runs N] [--timeout-s S]
 *
 * The guest runs as `vmfleet run` runs it: one run() with the default budget (2e9), the
 * engine's 60 s wall-time cap, the nrf52840's grant. A child still running after the
 * timeout is killed and counted as "no fault".
 */
const GUESTS: Record<string, string> = {
  'alloc-bomb': 'a = []\nwhile True: a.append(bytearray(1000))',
  'bomb, catches MemoryError':
    'a = []\nwhile True:\n try:\n  a.append(bytearray(1000))\n except BaseException:\n  pass',
  'one huge allocation': 'x = bytearray(100_000_000)',
  'recursion, catches RuntimeError':
    'def f(n):\n try:\n  return f(n + 1)\n except RuntimeError:\n  return f(n + 1)\nf(0)',
  'recursion, bare except':
    'def f(n):\n try:\n  return f(n + 1)\n except:\n  return f(n + 1)\nf(0)',
  'loop after a caught recursion':
    'def f(n):\n try:\n  f(n + 1)\n except RuntimeError:\n  pass\nf(0)\nwhile True: pass',
  'plain recursion': 'def f(n):\n return 1 + f(n + 1)\nf(0)',
};
const BUDGET = 2e9;

interface Sample {
  ms: number;
  peakMiB: number;
  outcome: string;
  stderrLines: number;
}

/** In the child: runs one guest, prints a Sample as JSON. */
async function child(name: string): Promise<void> {
  await prepareEngines(['micropython']);
  const board = BOARDS.nrf52840;
  const memoryBytes = Math.floor((board.ramBytes - board.osRamBytes) / 1024) * 1024;
  const out = { print: () => {}, publish: () => {}, emit: () => {} };
  const host = new DeviceGuestHost(new SimulatedHal(board, 1), new EventHandler(), out, () => 0);
  const engine = createEngine('micropython', { memoryBytes }, host);
  engine.load(new TextEncoder().encode(GUESTS[name]));
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  let outcome: RunOutcome;
  do outcome = engine.run(BUDGET);
  while (outcome.kind === 'yielded');
  const ms = performance.now() - started;
  // The interpreter's memory never shrinks while it lives (it does until dispose): what it
  // grew to is still resident here, which is the run's peak.
  const grown = process.memoryUsage().rss - rssBefore;
  const described = outcome.kind === 'fault' ? outcome.fault.code : outcome.kind;
  const sample = { ms, peakMiB: grown / 2 ** 20, outcome: described };
  process.stdout.write(JSON.stringify(sample) + '\n');
}

function measure(name: string, timeoutS: number): Sample {
  const run = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', __filename, '--child', name],
    { encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 64 * 1024 * 1024 },
  );
  const stderrLines = run.stderr ? run.stderr.split('\n').filter(Boolean).length : 0;
  const line = run.stdout?.trim().split('\n').pop();
  if (run.error || !line) {
    const outcome = `no fault in ${timeoutS} s`;
    return { ms: timeoutS * 1000, peakMiB: NaN, outcome, stderrLines };
  }
  return { ...(JSON.parse(line) as Omit<Sample, 'stderrLines'>), stderrLines };
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (flag: string, fallback: number) => {
    const at = args.indexOf(flag);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const runs = option('--runs', 3);
  const timeoutS = option('--timeout-s', 90);
  const rows = [['guest', 'outcome', 'time to fault (ms)', 'RSS growth (MiB)', 'stderr lines']];
  for (const name of Object.keys(GUESTS)) {
    const samples = Array.from({ length: runs }, () => measure(name, timeoutS));
    const outcomes = [...new Set(samples.map((s) => s.outcome))].join(' / ');
    rows.push([
      name,
      outcomes,
      median(samples.map((s) => s.ms)).toFixed(0),
      median(samples.map((s) => s.peakMiB)).toFixed(1),
      median(samples.map((s) => s.stderrLines)).toFixed(0),
    ]);
  }
  console.log(`MicroPython hostile guests, median of ${runs} runs (one process each)`);
  printTable(rows);
}

if (process.argv[2] === '--child') void child(process.argv[3]);
else main();
