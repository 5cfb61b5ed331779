/**
 * Steady-state speed of the eBPF tiers beside gcc -O2, per benchmark program: each program
 * runs `--runs` times in this process, one after another, and only the last `--keep` runs
 * count (V8 has tiered the generated code up by then). Native times are the gcc -O2 builds'
 * main-to-exit, timed as bench:vm times them (devices/runtime/native-timer.ts). Also prints the load (compile) time per image.
 *
 *   npm run build && node dist/devices/engines/ebpf/jit/bench/steady.js --help
 */
import { Command, InvalidArgumentError } from 'commander';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { VmKind } from '../../../../../src/protocol';
import { runGuest } from '../../../../runtime/guest-bench';
import { nativeTimerPreload, TIMER_LINE } from '../../../../runtime/native-timer';

/** firmware/ of this checkout, from the source (ts-node) or dist/ (built). */
function findFirmware(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'firmware');
    if (fs.existsSync(path.join(candidate, 'Makefile'))) return candidate;
  }
  throw new Error(`no firmware/ directory above ${__dirname}`);
}

const FIRMWARE = findFirmware();
const GUEST_BYTES = 64 * 1024;

interface Options {
  runs: number;
  keep: number;
  engines: VmKind[];
  only?: string[];
  spawns: number;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const geomean = (xs: readonly number[]) =>
  Math.exp(xs.reduce((sum, x) => sum + Math.log(x), 0) / xs.length);

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer >= 1');
  return n;
}

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function engineList(value: string): VmKind[] {
  const engines = list(value);
  const unknown = engines.filter((e) => e !== 'ebpf' && e !== 'ebpf-jit');
  if (unknown.length) throw new InvalidArgumentError(`unknown ${unknown.join(', ')}`);
  return engines as VmKind[];
}

interface EngineCell {
  execMs: number;
  /** The fastest counted run: on a loaded machine, the least disturbed. */
  bestMs: number;
  loadMs: number;
  firstLoadMs: number;
}

/** `runs` runs of one image on one engine; the output must match the native build's. */
function measureEngine(kind: VmKind, name: string, expected: string, o: Options): EngineCell {
  const image = new Uint8Array(fs.readFileSync(path.join(FIRMWARE, 'build/ebpf', `${name}.rbf`)));
  const exec: number[] = [];
  const load: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const run = runGuest(kind, image, GUEST_BYTES);
    if (run.end.kind !== 'exited' || run.output !== expected)
      throw new Error(`${kind} ${name}: ended ${run.end.kind} or printed other output`);
    exec.push(run.execMs);
    load.push(run.loadMs);
  }
  return {
    execMs: median(exec.slice(-o.keep)),
    bestMs: Math.min(...exec.slice(-o.keep)),
    loadMs: median(load.slice(-o.keep)),
    firstLoadMs: load[0],
  };
}

/**
 * The gcc -O2 build's main-to-exit time (the timer preload), fastest of `spawns`; the
 * binaries are `make -C firmware native`'s, as bench:vm's.
 */
function nativeMs(name: string, expected: string, spawns: number): number {
  const binary = path.join(FIRMWARE, 'build/native', name);
  const timer = nativeTimerPreload();
  if (timer === null || !fs.existsSync(binary))
    throw new Error(`no ${binary} or no gcc: run make -C firmware native first`);
  let best = Infinity;
  for (let i = 0; i < spawns; i++) {
    const run = spawnSync(binary, [], {
      encoding: 'utf8',
      env: { ...process.env, LD_PRELOAD: timer },
    });
    const ns = TIMER_LINE.exec(run.stderr)?.[1];
    if (run.status !== 0 || run.stdout !== expected || ns === undefined)
      throw new Error(`native ${name}: exited ${run.status} or printed other output`);
    best = Math.min(best, Number(ns) / 1e6);
  }
  return best;
}

function main(): void {
  const o = new Command('ebpf-jit-steady')
    .description('Steady-state slowdown of ebpf / ebpf-jit vs gcc -O2 (last runs of many)')
    .option('--runs <n>', 'runs per program and engine, in one process', positiveInt, 25)
    .option('--keep <n>', 'the last <n> runs count (median)', positiveInt, 15)
    .option('--engines <list>', 'ebpf, ebpf-jit (comma-separated)', engineList, ['ebpf-jit'])
    .option('--only <list>', 'comma-separated program names', list)
    .option('--spawns <n>', 'native spawns per program, fastest kept', positiveInt, 10)
    .parse()
    .opts<Options>();
  if (o.keep > o.runs) throw new InvalidArgumentError('--keep must not exceed --runs');
  const names = fs
    .readdirSync(path.join(FIRMWARE, 'expected'))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -4))
    .filter((n) => !o.only || o.only.includes(n))
    .sort();
  console.log(`load average ${os.loadavg().join(' ')}; runs ${o.runs}, last ${o.keep} count`);
  const slow = new Map<VmKind, number[]>(o.engines.map((e) => [e, []]));
  const best = new Map<VmKind, number[]>(o.engines.map((e) => [e, []]));
  for (const name of names) {
    const expected = fs.readFileSync(path.join(FIRMWARE, 'expected', `${name}.txt`), 'utf8');
    const native = nativeMs(name, expected, o.spawns);
    const cells = o.engines.map((kind) => {
      const cell = measureEngine(kind, name, expected, o);
      slow.get(kind)!.push(cell.execMs / native);
      best.get(kind)!.push(cell.bestMs / native);
      return (
        `${kind} ${cell.execMs.toFixed(2)} ms ${(cell.execMs / native).toFixed(1)}x ` +
        `(best ${(cell.bestMs / native).toFixed(1)}x) ` +
        `(load ${cell.loadMs.toFixed(2)} ms, first ${cell.firstLoadMs.toFixed(2)} ms)`
      );
    });
    console.log(`${name.padEnd(10)} native ${native.toFixed(3)} ms  ${cells.join('  ')}`);
  }
  for (const [kind, xs] of slow) {
    const fastest = geomean(best.get(kind)!);
    console.log(
      `geomean ${kind}: ${geomean(xs).toFixed(2)}x (of the best runs ${fastest.toFixed(2)}x)`,
    );
  }
  console.log(`load average at the end ${os.loadavg().join(' ')}`);
}

main();
