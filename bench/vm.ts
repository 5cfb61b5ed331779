import { Command, InvalidArgumentError, Option } from 'commander';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IN_PROCESS_ENGINES, inProcessRunner } from './engines';
import { LUA_NATIVE, luaNativeRunner } from './lua-native';
import { nativeRunner } from './native';
import type { Program, Runner } from './runner';
import { toGrid, type CellGrid, type CellSamples } from './vm-cells';
import { printLuaRatios, printWasmRatios } from './vm-ratios';
import { Footnotes, guestMips, ms, printReport, slowdowns } from './vm-report';
import { DEFAULT_WARMUP, MIN_WARMUP_RUNS, warmUpCell, type WarmupPolicy } from './vm-warmup';
import { WASM_INTERP, wasmInterpRunner } from './wasm-interp';

/** firmware/ of this checkout, from bench/ (ts-node) or dist/bench/ (built). */
function findFirmware(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'firmware');
    if (fs.existsSync(path.join(candidate, 'Makefile'))) return candidate;
  }
  throw new Error(`no firmware/ directory above ${__dirname}`);
}

const FIRMWARE = findFirmware();
/** Table order: the baseline, our engines, then the reference interpreters. */
const COLUMNS = ['native', ...IN_PROCESS_ENGINES.map((e) => e.kind), WASM_INTERP, LUA_NATIVE];
/** Columns that run whenever another does: its baseline on the same script. */
const COMPANIONS: Readonly<Record<string, string>> = { lua: LUA_NATIVE };

interface Options {
  reps: number;
  spawns: number;
  /** Most untimed runs per cell; false: --no-warmup. */
  warmup: number | false;
  /** Percent. */
  warmupTolerance: number;
  warmupMs: number;
  engines: string[];
  only?: string[];
  json?: boolean;
}

function findPrograms(only: readonly string[] | undefined): Program[] {
  const names = fs
    .readdirSync(path.join(FIRMWARE, 'expected'))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -4))
    .sort();
  const unknown = (only ?? []).filter((n) => !names.includes(n));
  if (unknown.length)
    throw new Error(`no benchmark named ${unknown.join(', ')}; there are: ${names.join(', ')}`);
  return names
    .filter((name) => !only || only.includes(name))
    .map((name) => ({
      name,
      expected: fs.readFileSync(path.join(FIRMWARE, 'expected', `${name}.txt`), 'utf8'),
    }));
}

async function createRunner(column: string, names: string[], o: Options): Promise<Runner> {
  if (column === 'native') return nativeRunner(FIRMWARE, names, o.spawns);
  if (column === WASM_INTERP) return wasmInterpRunner(FIRMWARE);
  if (column === LUA_NATIVE) return luaNativeRunner(FIRMWARE);
  const engine = IN_PROCESS_ENGINES.find((e) => e.kind === column);
  if (!engine) throw new Error(`no runner for ${column}`);
  await engine.prepare?.();
  return inProcessRunner(engine, FIRMWARE);
}

/**
 * Every cell's untimed runs, one cell after another (a compiled tier's code for a program
 * is only hot after that program ran a few times), before any timed rep.
 */
function warmUp(
  programs: Program[],
  runners: Runner[],
  cellOf: (p: Program, r: Runner) => CellSamples | undefined,
  policy: WarmupPolicy,
): void {
  for (const p of programs)
    for (const runner of runners) {
      const cell = cellOf(p, runner);
      if (cell) cell.warmup = warmUpCell(() => runner.run(p), policy);
    }
}

/**
 * Every repetition runs every program on every column; the column order rotates each
 * repetition, so drift on a shared machine (another job starting, thermal throttling)
 * lands on all engines alike instead of on whichever always runs last.
 */
function measure(programs: Program[], runners: Runner[], o: Options): CellSamples[] {
  const samples: CellSamples[] = programs.flatMap((p) =>
    runners.map((r) => ({
      program: p.name,
      column: r.column,
      unavailable: r.unavailable(p.name),
      runs: [],
      warmup: null,
    })),
  );
  const byKey = new Map(
    samples.filter((s) => !s.unavailable).map((s) => [`${s.program}\n${s.column}`, s]),
  );
  const runnable = (p: Program, r: Runner) => byKey.get(`${p.name}\n${r.column}`);
  const rep = (index: number) => {
    for (const p of programs)
      for (let i = 0; i < runners.length; i++) {
        const runner = runners[(i + index) % runners.length];
        runnable(p, runner)?.runs.push(runner.run(p));
      }
  };
  const timed = (label: string, body: () => void) => {
    const started = performance.now();
    body();
    console.log(`  ${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  const policy = {
    maxRuns: o.warmup === false ? 0 : o.warmup,
    tolerance: o.warmupTolerance / 100,
    minMs: o.warmupMs,
  };
  if (policy.maxRuns > 0)
    timed('warm-up per cell (not recorded)', () => warmUp(programs, runners, runnable, policy));
  for (let r = 0; r < o.reps; r++) timed(`rep ${r + 1}/${o.reps}`, () => rep(r));
  return samples;
}

function printBaselines(grid: CellGrid): void {
  const line = (column: string, what: string) => {
    const startup = grid.startupOf(column);
    if (startup === null) return;
    const jitter = ms(grid.jitter.get(column) ?? 0);
    console.log(
      `start-up, ${column}: ${what} ${ms(startup)} ms spawn to exit; jitter ~${jitter} ms`,
    );
  };
  line('native', "an empty C program (gcc -O2, fastest of each rep's spawns)");
  line(WASM_INTERP, 'a trivial module (one page, empty _start; one spawn per program and rep)');
  line(LUA_NATIVE, 'a trivial script (`return 0`, same runner; one spawn per program and rep)');
  console.log('(jitter: 3 x MAD of the start-up runs around their median)');
  const spreads = grid.columns.map((c) => {
    const spread = grid.spreadOf(c);
    return `${c} ${spread === null ? '—' : `${(spread * 100).toFixed(1)}%`}`;
  });
  console.log(
    `run-to-run spread of exec (median over programs of MAD / median): ${spreads.join(', ')}`,
  );
}

function printJson(
  grid: CellGrid,
  samples: CellSamples[],
  o: Options,
  ratios: unknown,
  notes: Footnotes,
) {
  const mips = Object.fromEntries(grid.columns.map((c) => [c, guestMips(grid, c)]));
  const slow = Object.fromEntries([...slowdowns(grid)].map(([c, m]) => [c, Object.fromEntries(m)]));
  const cells = grid.cells.map((c) => ({
    ...c,
    samples: samples.find((s) => s.program === c.program && s.column === c.column)?.runs ?? [],
  }));
  const warmup = { maxRuns: o.warmup || 0, minMs: o.warmupMs, tolerancePercent: o.warmupTolerance };
  const { columns, programs } = grid;
  const output = { reps: o.reps, spawns: o.spawns, warmup, columns, programs };
  console.log(
    JSON.stringify(
      { ...output, cells, slowdowns: slow, guestMips: mips, ratios, notes: notes.all },
      null,
      2,
    ),
  );
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer >= 1');
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer >= 0');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

function columnList(value: string): string[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = list.filter((c) => !COLUMNS.includes(c));
  if (unknown.length)
    throw new InvalidArgumentError(`unknown ${unknown.join(', ')}; known: ${COLUMNS.join(', ')}`);
  return [...list, ...list.flatMap((c) => (COMPANIONS[c] ? [COMPANIONS[c]] : []))];
}

const nameList = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

async function main(): Promise<void> {
  const o = new Command('bench:vm')
    .description('Benchmark programs on every VM engine beside the same C built with gcc -O2')
    .option(
      '--reps <n>',
      'repetitions per program and engine (medians are reported)',
      positiveInt,
      5,
    )
    .option(
      '--spawns <n>',
      'native: spawns of the program and of the empty program per rep, fastest kept',
      positiveInt,
      10,
    )
    .option(
      '--warmup <n>',
      'most untimed runs per (engine, program) cell before its timed reps: they stop once ' +
        `two consecutive runs agree within --warmup-tolerance (after >= ${MIN_WARMUP_RUNS}); ` +
        "the cell's first run is reported as its cold (first-run) time, the reps as its " +
        'steady state, from which the slowdowns vs native are computed',
      nonNegativeInt,
      DEFAULT_WARMUP.maxRuns,
    )
    .option(
      '--warmup-ms <ms>',
      "least time a cell's warm-up runs: V8 optimises each generated region on one " +
        'background thread, 150-700 ms apiece at load 8-14, several per program',
      nonNegativeInt,
      DEFAULT_WARMUP.minMs,
    )
    .option('--no-warmup', 'no untimed runs (--warmup 0): rep 1 is then the cold run')
    .option(
      '--warmup-tolerance <percent>',
      'how close two consecutive warm-up runs must be to end the warm-up',
      positiveNumber,
      DEFAULT_WARMUP.tolerance * 100,
    )
    .addOption(
      new Option(
        '--engines <list>',
        `comma-separated columns of ${COLUMNS.join(',')}; lua brings ${LUA_NATIVE} along`,
      )
        .argParser(columnList)
        .default(COLUMNS, 'all'),
    )
    .option(
      '--only <list>',
      'comma-separated program names (firmware/expected/<name>.txt)',
      nameList,
    )
    .option('--json', 'print every cell and its samples as JSON too')
    .parse()
    .opts<Options>();
  const programs = findPrograms(o.only);
  const columns = COLUMNS.filter((c) => o.engines.includes(c));
  console.log(
    `bench:vm  ${programs.length} programs x ${columns.length} columns (${columns.join(', ')}), ` +
      `${o.reps} reps after up to ${o.warmup || 0} untimed warm-up runs per cell (>= ` +
      `${o.warmupMs} ms, until two agree within ${o.warmupTolerance}%), engine order rotated per rep; ${os.cpus().length} cores, ` +
      `load average ${os.loadavg()[0].toFixed(2)}. A shared, noisy machine: quote medians, ` +
      'and see the run-to-run spread at the end.',
  );
  const names = programs.map((p) => p.name);
  const runners: Runner[] = [];
  for (const column of columns) runners.push(await createRunner(column, names, o));
  try {
    const samples = measure(programs, runners, o);
    const grid = toGrid(names, columns, samples);
    const notes = new Footnotes();
    printReport(grid, notes);
    const ratios = { wasm: printWasmRatios(grid, notes), lua: printLuaRatios(grid, notes) };
    notes.print();
    console.log('');
    printBaselines(grid);
    console.log(`load average at the end: ${os.loadavg()[0].toFixed(2)}`);
    if (o.json) printJson(grid, samples, o, ratios, notes);
  } finally {
    runners.forEach((r) => r.cleanup?.());
  }
}

main().catch((err: unknown) => {
  console.error(`bench:vm failed: ${(err as Error).message}`);
  process.exit(1);
});
