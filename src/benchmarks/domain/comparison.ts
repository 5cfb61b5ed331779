import { orderPrograms, orderVms, type ProgramRef } from '../../protocol/bench-catalog';
import { perMetric, type BenchMetric, type PerMetric } from './metrics';
import type { BenchReport, CellReport } from './results';
import { geomean, ratio } from './stats';

/** Candidate median over baseline median for one program on one VM. */
export interface RatioCell extends ProgramRef {
  vm: string;
  /** null where either campaign has no median for the metric (or the baseline's is 0). */
  ratios: PerMetric<number | null>;
}

export interface GeomeanRatio {
  /** Geometric mean of the program ratios that exist (and are > 0); null when none do. */
  geomean: number | null;
  /** How many programs it is over. */
  n: number;
}

export interface VmGeomean {
  vm: string;
  metrics: PerMetric<GeomeanRatio>;
}

/** Two reports side by side; a ratio below 1 means the candidate measured less. */
export interface Comparison {
  baseline: { campaignIds: number[] };
  candidate: { campaignIds: number[] };
  programs: ProgramRef[];
  vms: string[];
  /** Every program × VM of either report, row by row. */
  cells: RatioCell[];
  /** One per VM, in column order. */
  geomeans: VmGeomean[];
}

/** Per program × VM × metric: candidate.median / baseline.median, and a geomean per VM. */
export function compare(baseline: BenchReport, candidate: BenchReport): Comparison {
  const programs = orderPrograms([...baseline.programs, ...candidate.programs]);
  const vms = orderVms([...baseline.vms, ...candidate.vms]);
  const base = indexCells(baseline);
  const cand = indexCells(candidate);
  const cells = programs.flatMap(({ suite, program }) =>
    vms.map((vm): RatioCell => {
      const b = base.get(cellKey(program, vm));
      const c = cand.get(cellKey(program, vm));
      const ratios = perMetric((m) => ratio(c?.metrics[m]?.median, b?.metrics[m]?.median));
      return { suite, program, vm, ratios };
    }),
  );
  const geomeans = vms.map((vm) => ({
    vm,
    metrics: perMetric((m) =>
      geomeanOf(
        cells.filter((c) => c.vm === vm),
        m,
      ),
    ),
  }));
  return {
    baseline: { campaignIds: baseline.campaignIds },
    candidate: { campaignIds: candidate.campaignIds },
    programs,
    vms,
    cells,
    geomeans,
  };
}

function geomeanOf(cells: readonly RatioCell[], metric: BenchMetric): GeomeanRatio {
  const values = cells.map((c) => c.ratios[metric]).filter((x): x is number => x !== null && x > 0);
  return { geomean: geomean(values), n: values.length };
}

function indexCells(report: BenchReport): Map<string, CellReport> {
  return new Map(report.cells.map((c) => [cellKey(c.program, c.vm), c]));
}

function cellKey(program: string, vm: string): string {
  return `${program}\u0000${vm}`;
}
