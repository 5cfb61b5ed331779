import { BENCH_METRICS, metricTitle, type BenchMetric, type Comparison } from '../domain/results';
import { formatRatio, markdownTable } from './format';

const EMPTY = '—';

/**
 * One table per metric of candidate median ÷ baseline median (below 1: the candidate
 * measured less, which is better for every metric), with a geomean row per VM.
 */
export function renderComparisonMarkdown(comparison: Comparison): string {
  const base = campaigns(comparison.baseline.campaignIds);
  const cand = campaigns(comparison.candidate.campaignIds);
  const intro =
    `Each cell is the median of ${cand} divided by the median of ${base} for the same ` +
    'program and VM; below 1 means the candidate measured less, which is better for every ' +
    `metric. ${EMPTY}: one of the campaigns has no median there. The geomean row is over the ` +
    'programs that have a ratio.';
  const sections = [`# Comparison: ${cand} vs ${base}`, intro];
  for (const metric of BENCH_METRICS) sections.push(metricSection(comparison, metric));
  return `${sections.join('\n\n')}\n`;
}

function metricSection(comparison: Comparison, metric: BenchMetric): string {
  const rows = comparison.programs.map(({ suite, program }) => [
    suite,
    program,
    ...comparison.vms.map((vm) => {
      const cell = comparison.cells.find((c) => c.program === program && c.vm === vm);
      const value = cell?.ratios[metric] ?? null;
      return value === null ? EMPTY : formatRatio(value);
    }),
  ]);
  rows.push([
    '',
    'geomean',
    ...comparison.geomeans.map(({ metrics }) => {
      const { geomean, n } = metrics[metric];
      return geomean === null ? EMPTY : `${formatRatio(geomean)} (n=${n})`;
    }),
  ]);
  const table = markdownTable(['suite', 'program', ...comparison.vms], rows, 2);
  return [`## ${metricTitle(metric)}`, table].join('\n\n');
}

function campaigns(ids: readonly number[]): string {
  if (ids.length === 0) return 'an empty campaign';
  return ids.length === 1 ? `campaign ${ids[0]}` : `campaigns ${ids.join('+')}`;
}
