import {
  BENCH_METRICS,
  METRIC_INFO,
  type BenchMetric,
  type BenchReport,
  type CampaignMeta,
  type CellReport,
  type MetricInfo,
  type ProgramRef,
} from '../domain/results';
import { DEFAULT_BUILD_PROFILE } from '../../protocol/bench-catalog';
import { BASELINE_VM, type BoardFootprint, type FootprintRow } from '../domain/footprint';

/** A footprint row with its build time as ISO 8601. */
export type FootprintRowJson = Omit<FootprintRow, 'builtAt'> & { builtAt: string };

/** The report as plain data: only objects, arrays, strings, finite numbers, booleans, null. */
export interface BenchReportJson {
  campaign: {
    id: number;
    name: string | null;
    suites: string[];
    vms: string[];
    devices: string[];
    repetitions: number;
    /** The compiler profile of the C images: O2 or Os. */
    profile: string;
    createdAt: string;
    finishedAt: string | null;
  };
  metrics: (MetricInfo & { key: BenchMetric })[];
  campaignIds: number[];
  boards: string[];
  programs: ProgramRef[];
  vms: string[];
  cells: CellReport[];
  /** The VM footprint of each board shown (docs/benchmarks.md, "VM footprint"). */
  footprint: {
    baselineVm: string;
    boards: (Omit<BoardFootprint, 'rows'> & { rows: FootprintRowJson[] })[];
  };
}

/** A deep copy of the report and its metadata, timestamps as ISO 8601, ready for JSON.stringify. */
export function renderJson(
  report: BenchReport,
  meta: CampaignMeta,
  footprints: readonly BoardFootprint[] = [],
): BenchReportJson {
  const copy = structuredClone(report);
  return {
    campaign: {
      id: meta.id,
      name: meta.name ?? null,
      suites: [...meta.suites],
      vms: [...meta.vms],
      devices: [...meta.devices],
      repetitions: meta.repetitions,
      profile: meta.profile ?? DEFAULT_BUILD_PROFILE,
      createdAt: new Date(meta.createdAt).toISOString(),
      finishedAt: meta.finishedAt === null ? null : new Date(meta.finishedAt).toISOString(),
    },
    metrics: BENCH_METRICS.map((key) => ({ key, ...METRIC_INFO[key] })),
    campaignIds: copy.campaignIds,
    boards: copy.boards,
    programs: copy.programs,
    vms: copy.vms,
    cells: copy.cells,
    footprint: {
      baselineVm: BASELINE_VM,
      boards: structuredClone(footprints).map((board) => ({
        ...board,
        rows: board.rows.map((row) => ({ ...row, builtAt: new Date(row.builtAt).toISOString() })),
      })),
    },
  };
}
