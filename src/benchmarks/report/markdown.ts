import {
  BENCH_METRICS,
  METRIC_INFO,
  NATIVE_VM,
  geomean,
  metricTitle,
  type BenchMetric,
  type BenchReport,
  type CampaignMeta,
  type CellReport,
} from '../domain/results';
import { DEFAULT_BUILD_PROFILE } from '../../protocol/bench-catalog';
import type { BoardFootprint } from '../domain/footprint';
import { footprintSection } from './footprint-markdown';
import {
  Footnotes,
  formatDuration,
  formatRatio,
  formatTimestamp,
  listText,
  markdownTable,
  metricFormat,
} from './format';

const EMPTY = '—';

/**
 * The campaign as a paper would print it: metadata, one table per metric (programs ×
 * VMs, "median ± stddev"), slowdown against native, the VM footprint of each board's
 * firmware builds, and footnotes saying why a cell is empty or rests on fewer runs than planned.
 */
export function renderMarkdown(
  report: BenchReport,
  meta: CampaignMeta,
  footprints: readonly BoardFootprint[] = [],
): string {
  const notes = new Footnotes();
  const sections = [
    `# ${campaignTitle(meta)}`,
    describeCampaign(report, meta),
    ...BENCH_METRICS.map((metric) => metricSection(report, metric, notes)),
    slowdownSection(report, notes),
    footprintSection(footprints, notes),
  ];
  if (notes.entries.length > 0) {
    sections.push(
      ['## Notes', notes.entries.map((t, i) => `- [${i + 1}] ${t}`).join('\n')].join('\n\n'),
    );
  }
  return `${sections.join('\n\n')}\n`;
}

export function campaignTitle(meta: CampaignMeta): string {
  const name = meta.name?.trim();
  return `Benchmark campaign ${meta.id}${name ? `: ${name}` : ''}`;
}

function describeCampaign(report: BenchReport, meta: CampaignMeta): string {
  const boards =
    report.boards.length > 0
      ? `; ${report.boards.length === 1 ? 'board' : 'boards'} ${report.boards.join(', ')}`
      : '';
  const finished =
    meta.finishedAt === null
      ? 'still running'
      : `finished ${formatTimestamp(meta.finishedAt)} (${formatDuration(meta.finishedAt - meta.createdAt)})`;
  const builtWith =
    meta.profile && meta.profile !== DEFAULT_BUILD_PROFILE
      ? `, C images built -${meta.profile}`
      : '';
  const scope =
    `Suites ${listText(meta.suites)}: ${plural(report.programs.length, 'program')} on ` +
    `${plural(report.vms.length, 'VM')} (${report.vms.join(', ')}), ` +
    `${plural(meta.devices.length, 'device')} (${meta.devices.join(', ')}${boards}), ` +
    `${plural(meta.repetitions, 'repetition')} each${builtWith}. ` +
    `Created ${formatTimestamp(meta.createdAt)}, ${finished}.`;
  const method =
    'Each cell is the median ± sample standard deviation over the runs that passed their ' +
    'self-check; lower is better for every metric.';
  const engines = engineVersions(report);
  return [scope, method, ...(engines ? [`Engines: ${engines}.`] : [])].join(' ');
}

function engineVersions(report: BenchReport): string {
  return report.vms
    .map((vm) => {
      const versions = new Set(
        report.cells.filter((c) => c.vm === vm).flatMap((c) => c.engineVersions),
      );
      return versions.size > 0 ? `${vm} ${[...versions].join('/')}` : null;
    })
    .filter((text): text is string => text !== null)
    .join(', ');
}

function metricSection(report: BenchReport, metric: BenchMetric, notes: Footnotes): string {
  const medians = report.cells.flatMap((c) =>
    c.metrics[metric] ? [c.metrics[metric].median] : [],
  );
  const fmt = metricFormat(metric, medians);
  const rows = report.programs.map(({ suite, program }) => [
    suite,
    program,
    ...rowCells(report, program).map((cell) => metricCell(cell, metric, fmt.format, notes)),
  ]);
  const heading = `## ${metricTitle(metric)} (${fmt.unit})`;
  return [heading, markdownTable(['suite', 'program', ...report.vms], rows, 2)].join('\n\n');
}

function metricCell(
  cell: CellReport,
  metric: BenchMetric,
  format: (x: number, like?: number) => string,
  notes: Footnotes,
): string {
  if (cell.emptyReason !== null) return `${EMPTY}${notes.mark(cell.emptyReason)}`;
  const summary = cell.metrics[metric];
  if (summary === null) {
    return `${EMPTY}${notes.mark(`${cell.vm} does not report ${METRIC_INFO[metric].label}`)}`;
  }
  const text = `${format(summary.median)} ± ${format(summary.stddev, summary.median)}`;
  return cell.issue === null ? text : `${text}${notes.mark(partialNote(cell))}`;
}

/** Why a cell's statistics rest on fewer runs than were planned. */
function partialNote(cell: CellReport): string {
  const total = Object.values(cell.counts).reduce((sum, n) => sum + n, 0);
  return `${cell.counts.ok} of ${total} runs ok, statistics over those; most common problem: ${cell.issue}`;
}

function slowdownSection(report: BenchReport, notes: Footnotes): string {
  const heading = '## Slowdown vs native (median execution time ÷ native median)';
  const vms = report.vms.filter((vm) => vm !== NATIVE_VM);
  if (!report.vms.includes(NATIVE_VM)) {
    return `${heading}\n\nNo native baseline in this campaign, so no slowdown.`;
  }
  const rows = report.programs.map(({ suite, program }) => [
    suite,
    program,
    ...vms.map((vm) => slowdownCell(report, program, vm, notes)),
  ]);
  const geomeans = vms.map((vm) => {
    const value = geomean(
      report.cells.flatMap((c) => (c.vm === vm && c.slowdown !== null ? [c.slowdown] : [])),
    );
    return value === null ? EMPTY : formatRatio(value);
  });
  rows.push(['', 'geomean', ...geomeans]);
  return [heading, markdownTable(['suite', 'program', ...vms], rows, 2)].join('\n\n');
}

function slowdownCell(report: BenchReport, program: string, vm: string, notes: Footnotes): string {
  const cells = rowCells(report, program);
  const cell = cells.find((c) => c.vm === vm);
  const native = cells.find((c) => c.vm === NATIVE_VM);
  if (!cell || !native) return EMPTY;
  if (cell.slowdown !== null) return formatRatio(cell.slowdown);
  if (cell.emptyReason !== null) return `${EMPTY}${notes.mark(cell.emptyReason)}`;
  if (cell.metrics.execMs === null) {
    return `${EMPTY}${notes.mark(`${vm} does not report ${METRIC_INFO.execMs.label}`)}`;
  }
  const why = native.emptyReason ?? `native reports no ${METRIC_INFO.execMs.label}`;
  return `${EMPTY}${notes.mark(`no native baseline: ${why}`)}`;
}

function rowCells(report: BenchReport, program: string): CellReport[] {
  return report.cells.filter((c) => c.program === program);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
