import {
  NATIVE_VM,
  orderPrograms,
  orderVms,
  type BenchSuite,
  type ProgramRef,
} from '../../protocol/bench-catalog';
import { perMetric, type BenchMetric, type PerMetric } from './metrics';
import { ratio, summarise, type MetricSummary } from './stats';

export * from '../../protocol/bench-catalog';
export * from './metrics';
export * from './stats';
export * from './comparison';
export * from './campaign-meta';

/**
 * What became of one repetition of one program on one VM:
 * - `ok`: ran and passed its self-check; the only status that counts in statistics
 * - `invalid`: ran, but the self-check ("check:" line) failed
 * - `failed`: fault or timeout
 * - `missing`: never ran, e.g. the device was offline
 * - `skipped`: does not fit the VM, or there is no image for it (`reason` says which)
 */
export const RUN_STATUSES = ['ok', 'invalid', 'failed', 'missing', 'skipped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunRecord {
  campaignId: number;
  deviceId: string;
  board: string;
  program: string;
  suite: BenchSuite;
  /** A VmKind, or 'native' for the host-compiled baseline. */
  vm: string;
  engineVersion: string;
  /** 1-based. */
  repetition: number;
  status: RunStatus;
  reason: string | null;
  codeBytes: number | null;
  flashBytes: number | null;
  ramBytes: number | null;
  loadMs: number | null;
  execMs: number | null;
  instructions: number | null;
  /** Unix ms. */
  at: number;
}

/** The runs of one program on one VM, summarised. */
export interface CellReport extends ProgramRef {
  vm: string;
  /** Runs by status; their sum is every run recorded for the cell. */
  counts: Record<RunStatus, number>;
  /** Over the ok runs that reported the metric; null when none did. */
  metrics: PerMetric<MetricSummary | null>;
  instructions: MetricSummary | null;
  /** Most common "status: reason" among the runs that were not ok; null when all were. */
  issue: string | null;
  /** Why the cell has no statistics; null when at least one run was ok. */
  emptyReason: string | null;
  /** Median execution time over the native median of the same program. */
  slowdown: number | null;
  devices: string[];
  engineVersions: string[];
}

/** A campaign's (or several campaigns') runs aggregated per program × VM. */
export interface BenchReport {
  campaignIds: number[];
  boards: string[];
  devices: string[];
  /** Row order. */
  programs: ProgramRef[];
  /** Column order. */
  vms: string[];
  /** Every program × VM, row by row. */
  cells: CellReport[];
}

/** Rows and columns to report even when no run was recorded for them. */
export interface AggregatePlan {
  programs?: readonly ProgramRef[];
  vms?: readonly string[];
}

export const NO_RUNS_REASON = 'no runs recorded';

/**
 * Statistics per program × VM over the `ok` runs. The grid is complete: every program
 * and VM of the runs or the plan gets a cell, and a cell without an ok run says why.
 */
export function aggregate(runs: readonly RunRecord[], plan: AggregatePlan = {}): BenchReport {
  const programs = orderPrograms([...(plan.programs ?? []), ...runs]);
  const vms = orderVms([...(plan.vms ?? []), ...runs.map((r) => r.vm)]);
  const byCell = groupBy(runs, (r) => cellKey(r.program, r.vm));
  const cells = programs.flatMap((ref) =>
    vms.map((vm) => summariseCell(ref, vm, byCell.get(cellKey(ref.program, vm)) ?? [])),
  );
  const natives = new Map(cells.filter((c) => c.vm === NATIVE_VM).map((c) => [c.program, c]));
  for (const cell of cells) {
    const native = natives.get(cell.program);
    cell.slowdown = ratio(cell.metrics.execMs?.median, native?.metrics.execMs?.median);
  }
  return {
    campaignIds: distinct(runs.map((r) => r.campaignId)).sort((a, b) => a - b),
    boards: distinct(runs.map((r) => r.board)).sort(),
    devices: distinct(runs.map((r) => r.deviceId)).sort(),
    programs,
    vms,
    cells,
  };
}

/** The cell of `program` on `vm`, if the report has that row and column. */
export function cellOf(report: BenchReport, program: string, vm: string): CellReport | undefined {
  return report.cells.find((c) => c.program === program && c.vm === vm);
}

function summariseCell(ref: ProgramRef, vm: string, runs: readonly RunRecord[]): CellReport {
  const ok = runs.filter((r) => r.status === 'ok');
  // A device that cannot run this VM at all (a RIOT device asked for native) skips; where
  // others measured the cell, that is no caveat on its figures.
  const issue = mostCommonIssue(ok.length > 0 ? runs.filter((r) => r.status !== 'skipped') : runs);
  return {
    suite: ref.suite,
    program: ref.program,
    vm,
    counts: countStatuses(runs),
    metrics: perMetric((m: BenchMetric) => summarise(finiteValues(ok, (r) => r[m]))),
    instructions: summarise(finiteValues(ok, (r) => r.instructions)),
    issue,
    emptyReason: ok.length > 0 ? null : (issue ?? NO_RUNS_REASON),
    slowdown: null,
    devices: distinct(runs.map((r) => r.deviceId)).sort(),
    engineVersions: distinct(ok.map((r) => r.engineVersion)).sort(),
  };
}

/**
 * The "status: reason" most runs that were not ok share. Ties go to the status listed
 * first in RUN_STATUSES, then to the alphabetically first reason, so reports are stable.
 */
export function mostCommonIssue(runs: readonly RunRecord[]): string | null {
  const tally = new Map<string, { count: number; status: RunStatus }>();
  for (const run of runs) {
    if (run.status === 'ok') continue;
    const text = issueText(run);
    const entry = tally.get(text) ?? { count: 0, status: run.status };
    entry.count++;
    tally.set(text, entry);
  }
  const ranked = [...tally].sort(
    ([textA, a], [textB, b]) =>
      b.count - a.count ||
      RUN_STATUSES.indexOf(a.status) - RUN_STATUSES.indexOf(b.status) ||
      textA.localeCompare(textB),
  );
  return ranked.length > 0 ? ranked[0][0] : null;
}

function issueText(run: RunRecord): string {
  const reason = run.reason?.trim();
  return reason ? `${run.status}: ${reason}` : `${run.status} (no reason given)`;
}

function countStatuses(runs: readonly RunRecord[]): Record<RunStatus, number> {
  const counts = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>;
  for (const run of runs) counts[run.status]++;
  return counts;
}

function finiteValues(runs: readonly RunRecord[], pick: (r: RunRecord) => number | null): number[] {
  return runs.map(pick).filter((x): x is number => x !== null && Number.isFinite(x));
}

function cellKey(program: string, vm: string): string {
  return `${program}\u0000${vm}`;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function distinct<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
