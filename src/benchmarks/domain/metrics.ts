/**
 * The five metrics of the reference VM comparison (DESIGN.md): code size, flash (ROM)
 * footprint, RAM usage, load time and execution time. Lower is better for all of them.
 */
export const BENCH_METRICS = ['codeBytes', 'flashBytes', 'ramBytes', 'loadMs', 'execMs'] as const;
export type BenchMetric = (typeof BENCH_METRICS)[number];

export type MetricUnit = 'B' | 'ms';

export interface MetricInfo {
  /** Lower-case noun phrase for prose and axis titles, e.g. "peak RAM". */
  label: string;
  unit: MetricUnit;
  lowerIsBetter: boolean;
}

export const METRIC_INFO: Readonly<Record<BenchMetric, MetricInfo>> = {
  codeBytes: { label: 'code size', unit: 'B', lowerIsBetter: true },
  flashBytes: { label: 'flash footprint', unit: 'B', lowerIsBetter: true },
  ramBytes: { label: 'peak RAM', unit: 'B', lowerIsBetter: true },
  loadMs: { label: 'load time', unit: 'ms', lowerIsBetter: true },
  execMs: { label: 'execution time', unit: 'ms', lowerIsBetter: true },
};

/** "Code size" from "code size": table and chart headings. */
export function metricTitle(metric: BenchMetric): string {
  const { label } = METRIC_INFO[metric];
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** One value per metric, e.g. a ratio or a summary. */
export type PerMetric<T> = Record<BenchMetric, T>;

export function perMetric<T>(valueOf: (metric: BenchMetric) => T): PerMetric<T> {
  return Object.fromEntries(BENCH_METRICS.map((m) => [m, valueOf(m)])) as PerMetric<T>;
}
