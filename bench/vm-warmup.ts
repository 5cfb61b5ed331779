import type { Measurement } from './runner';

/** How long each (engine, program) cell is run untimed before its timed reps. */
export interface WarmupPolicy {
  /** Most untimed runs per cell, the cold one included; 0: none (rep 1 is then the cold run). */
  maxRuns: number;
  /** Two consecutive runs whose exec times differ by at most this fraction end the warm-up. */
  tolerance: number;
  /**
   * Least time spent in a cell's warm-up (its runs' wall time): V8 optimises a compiled
   * tier's generated function on a background thread, and on a loaded machine that takes
   * hundreds of ms, during which two runs in its unoptimised tiers agree just as well.
   */
  minMs: number;
}

/** Fewest untimed runs before two may agree: V8 often needs a few entries to tier up at all. */
export const MIN_WARMUP_RUNS = 3;

export const DEFAULT_WARMUP: WarmupPolicy = { maxRuns: 200, tolerance: 0.1, minMs: 3000 };

/** What a cell's warm-up gave: its first run and how many runs it took to settle. */
export interface Warmup {
  /** The cell's first run in this process: for a compiled tier, translation and V8's tier-up. */
  cold: Measurement;
  runs: number;
  /** False when maxRuns ran out before two consecutive runs agreed. */
  settled: boolean;
}

const agree = (a: number, b: number, tolerance: number) =>
  Math.abs(a - b) <= tolerance * Math.min(a, b);

/**
 * Runs one cell until two consecutive runs agree within the tolerance, after at least
 * MIN_WARMUP_RUNS (or fewer when maxRuns is smaller) and policy.minMs, or until maxRuns;
 * a run that does not count (wrong output, fault) ends it, the timed reps then say why.
 */
export function warmUpCell(run: () => Measurement, policy: WarmupPolicy): Warmup | null {
  if (policy.maxRuns < 1) return null;
  const started = performance.now();
  const cold = run();
  let previous = cold;
  let runs = 1;
  while (runs < policy.maxRuns && !previous.invalid) {
    const current = run();
    runs++;
    const enough =
      runs >= Math.min(MIN_WARMUP_RUNS, policy.maxRuns) &&
      performance.now() - started >= policy.minMs;
    if (enough && agree(current.ms, previous.ms, policy.tolerance))
      return { cold, runs, settled: true };
    previous = current;
  }
  return { cold, runs, settled: runs < policy.maxRuns || policy.maxRuns === 1 };
}
