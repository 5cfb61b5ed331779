/** Summary statistics of one metric over the ok runs of a cell. */
export interface MetricSummary {
  n: number;
  mean: number;
  median: number;
  min: number;
  max: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single run. */
  stddev: number;
}

/** Summary of `values`; null when there are none. */
export function summarise(values: readonly number[]): MetricSummary | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((sum, x) => sum + x, 0) / n;
  return {
    n,
    mean,
    median: medianOfSorted(sorted),
    min: sorted[0],
    max: sorted[n - 1],
    stddev: sampleStddev(sorted, mean),
  };
}

function medianOfSorted(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function sampleStddev(values: readonly number[], mean: number): number {
  if (values.length < 2) return 0;
  const squares = values.reduce((sum, x) => sum + (x - mean) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

/** Geometric mean of the positive values; null when there are none. */
export function geomean(values: readonly number[]): number | null {
  const positive = values.filter((x) => x > 0 && Number.isFinite(x));
  if (positive.length === 0) return null;
  return Math.exp(positive.reduce((sum, x) => sum + Math.log(x), 0) / positive.length);
}

/** a / b, or null when either is missing or b is not positive. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || !(b > 0)) return null;
  return a / b;
}
