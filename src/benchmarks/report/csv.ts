import {
  BENCH_METRICS,
  METRIC_INFO,
  RUN_STATUSES,
  type BenchReport,
  type MetricSummary,
} from '../domain/results';

const STAT_COLUMNS = [
  'n',
  'mean',
  'median',
  'min',
  'max',
  'stddev',
] as const satisfies readonly (keyof MetricSummary)[];

export const CSV_HEADER: readonly string[] = [
  'suite',
  'program',
  'vm',
  'metric',
  'unit',
  ...STAT_COLUMNS,
  ...RUN_STATUSES,
  'emptyReason',
];

/**
 * One row per program × VM × metric with the statistics (empty where the cell has none),
 * the run counts by status and why the cell is empty. RFC 4180: CRLF line ends, fields
 * quoted when they hold a comma, quote or line break, quotes doubled.
 */
export function renderCsv(report: BenchReport): string {
  const rows: string[][] = [[...CSV_HEADER]];
  for (const cell of report.cells) {
    for (const metric of BENCH_METRICS) {
      const summary = cell.metrics[metric];
      rows.push([
        cell.suite,
        cell.program,
        cell.vm,
        metric,
        METRIC_INFO[metric].unit,
        ...STAT_COLUMNS.map((k) => (summary === null ? '' : String(summary[k]))),
        ...RUN_STATUSES.map((s) => String(cell.counts[s])),
        cell.emptyReason ?? '',
      ]);
    }
  }
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/** RFC 4180 §2.6–2.7. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
