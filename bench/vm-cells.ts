import type { Measurement } from './runner';
import { median } from './stats';
import type { Warmup } from './vm-warmup';

/** Every timed run of one program on one column. */
export interface CellSamples {
  program: string;
  column: string;
  /** Why the column cannot run this program; then `runs` is empty. */
  unavailable: string | null;
  runs: Measurement[];
  /** The untimed runs before the reps (vm-warmup.ts); null when there were none. */
  warmup: Warmup | null;
}

/** One cell of the tables: medians over the repetitions. */
export interface Cell {
  program: string;
  column: string;
  unavailable: string | null;
  /** The first reason a run did not count; the cell's numbers are then not quoted. */
  invalid: string | null;
  /** In-process: the run() loop. native: main to exit. wasm-interp: raw minus start-up. */
  execMs: number | null;
  /** Spawned only: spawn to exit, and the start-up baseline timed beside it. */
  rawMs: number | null;
  startupMs: number | null;
  /** Median absolute deviation of the exec times over their median: how much reps varied. */
  spread: number | null;
  /** The fastest and slowest timed rep. */
  minMs: number | null;
  maxMs: number | null;
  /** The cell's first run (warm-up's first, else rep 1's): compile and V8 tier-up included. */
  coldMs: number | null;
  coldLoadMs: number | null;
  /** Untimed runs before the reps, and whether the last two agreed (vm-warmup.ts). */
  warmupRuns: number;
  settled: boolean;
  loadMs: number | null;
  imageBytes: number | null;
  instructions: number | null;
  peakGuestBytes: number | null;
}

const numbers = (runs: readonly Measurement[], pick: (m: Measurement) => number | undefined) =>
  runs.flatMap((m) => {
    const value = pick(m);
    return value === undefined ? [] : [value];
  });
const medianOrNull = (xs: readonly number[]) => (xs.length ? median(xs) : null);

/**
 * The start-up jitter of each spawned column: 3 × the median absolute deviation of its
 * start-up runs from their own program's median; how finely a start-up correction can time.
 */
export function startupJitter(samples: readonly CellSamples[]): Map<string, number> {
  const deviations = new Map<string, number[]>();
  for (const s of samples) {
    const startups = numbers(s.runs, (m) => m.startupMs);
    if (!startups.length) continue;
    const own = median(startups);
    const list = deviations.get(s.column) ?? [];
    list.push(...startups.map((x) => Math.abs(x - own)));
    deviations.set(s.column, list);
  }
  return new Map([...deviations].map(([column, xs]) => [column, 3 * median(xs)]));
}

export function toCell(s: CellSamples): Cell {
  const instructions = numbers(s.runs, (m) => m.instructions);
  // A deterministic program runs the same instructions every time; a change is a bug.
  const varying = new Set(instructions).size > 1 ? 'instruction count differs between runs' : null;
  const invalid = s.runs.find((m) => m.invalid)?.invalid ?? varying;
  const times = numbers(s.runs, (m) => m.ms);
  const execMs = medianOrNull(times);
  const peaks = numbers(s.runs, (m) => m.peakGuestBytes);
  const cold = s.warmup?.cold ?? s.runs[0];
  const coldInvalid = !cold || cold.invalid !== undefined || Number.isNaN(cold.ms);
  return {
    program: s.program,
    column: s.column,
    unavailable: s.unavailable,
    invalid,
    execMs: invalid ? null : execMs,
    rawMs: invalid ? null : medianOrNull(numbers(s.runs, (m) => m.rawMs)),
    startupMs: medianOrNull(numbers(s.runs, (m) => m.startupMs)),
    spread: execMs ? median(times.map((x) => Math.abs(x - execMs))) / execMs : null,
    minMs: invalid || !times.length ? null : Math.min(...times),
    maxMs: invalid || !times.length ? null : Math.max(...times),
    coldMs: invalid || coldInvalid ? null : cold.ms,
    coldLoadMs: invalid || coldInvalid ? null : (cold.loadMs ?? null),
    warmupRuns: s.warmup?.runs ?? 0,
    settled: s.warmup?.settled ?? true,
    loadMs: medianOrNull(numbers(s.runs, (m) => m.loadMs)),
    imageBytes: s.runs.find((m) => m.imageBytes !== undefined)?.imageBytes ?? null,
    instructions: instructions.length ? instructions[0] : null,
    peakGuestBytes: peaks.length ? Math.max(...peaks) : null,
  };
}

/** Cells by program, then column. */
export class CellGrid {
  private readonly byKey = new Map<string, Cell>();

  constructor(
    readonly programs: readonly string[],
    readonly columns: readonly string[],
    readonly cells: readonly Cell[],
    readonly jitter: ReadonlyMap<string, number>,
  ) {
    for (const c of cells) this.byKey.set(`${c.program}\n${c.column}`, c);
  }

  get(program: string, column: string): Cell | undefined {
    return this.byKey.get(`${program}\n${column}`);
  }

  has(column: string): boolean {
    return this.columns.includes(column);
  }

  /** Median over programs of the cells' spread. */
  spreadOf(column: string): number | null {
    return medianOrNull(
      this.cells.flatMap((c) => (c.column === column && c.spread !== null ? [c.spread] : [])),
    );
  }

  /** Median start-up over every program's runs of a spawned column. */
  startupOf(column: string): number | null {
    return medianOrNull(
      this.cells.flatMap((c) => (c.column === column && c.startupMs !== null ? [c.startupMs] : [])),
    );
  }
}

export function toGrid(
  programs: readonly string[],
  columns: readonly string[],
  samples: readonly CellSamples[],
): CellGrid {
  return new CellGrid(programs, columns, samples.map(toCell), startupJitter(samples));
}
