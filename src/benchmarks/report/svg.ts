import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import {
  BENCH_METRICS,
  METRIC_INFO,
  metricTitle,
  type BenchMetric,
  type BenchReport,
  type CampaignMeta,
} from '../domain/results';
import { campaignTitle } from './markdown';

/** A metric switches to a log axis once its largest median is this many times its smallest. */
export const LOG_SCALE_RATIO = 100;

/** Fixed colours, so a VM looks the same in every report (Tableau-like palette). */
const VM_COLOURS: Readonly<Record<string, string>> = {
  native: '#7f7f7f',
  mips1: '#1f77b4',
  ebpf: '#ff7f0e',
  wasm: '#2ca02c',
  'wasm-fast': '#98df8a',
  'mips1-jit': '#aec7e8',
  'ebpf-jit': '#ffbb78',
  'wasm-aot': '#17becf',
  lua: '#9467bd',
  micropython: '#d62728',
  js: '#e7ba52',
};
const SPARE_COLOURS = ['#8c564b', '#e377c2', '#bcbd22', '#393b79', '#637939', '#843c39'];

const CHART_HEIGHT = 200;
/** Width per bar; a program's group is as wide as all its VMs' bars plus a gap. */
const BAR_WIDTH = 9;

interface BarDatum {
  program: string;
  vm: string;
  median: number;
  min: number;
  max: number;
}

/** Grouped bar charts, one per metric, stacked vertically, as one standalone SVG document. */
export async function renderSvg(report: BenchReport, meta: CampaignMeta): Promise<string> {
  const { spec } = compile(chartSpec(report, meta));
  const view = new View(parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The vega-lite specification renderSvg draws; exported so tests can check its scales. */
export function chartSpec(report: BenchReport, meta: CampaignMeta): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: campaignTitle(meta),
      subtitle: 'bars: median over the runs that passed their self-check; whiskers: min–max',
      anchor: 'start',
    },
    background: 'white',
    padding: 12,
    vconcat: BENCH_METRICS.map((metric) => metricChart(report, metric)),
    resolve: { scale: { color: 'shared' } },
    config: { view: { stroke: null }, axis: { labelFontSize: 10, titleFontSize: 11 } },
  };
}

/** True when the metric's medians span more than LOG_SCALE_RATIO (zeros cannot be drawn on it). */
export function needsLogScale(report: BenchReport, metric: BenchMetric): boolean {
  const medians = barData(report, metric, false).map((d) => d.median);
  const positive = medians.filter((x) => x > 0);
  if (positive.length < 2) return false;
  return Math.max(...positive) / Math.min(...positive) > LOG_SCALE_RATIO;
}

function metricChart(report: BenchReport, metric: BenchMetric) {
  const log = needsLogScale(report, metric);
  const unit = METRIC_INFO[metric].unit;
  const y = {
    type: 'quantitative' as const,
    scale: log ? { type: 'log' as const } : { zero: true },
    // Grouped, not stacked: a stack starts at 0, which a log scale cannot show.
    stack: null,
    axis: { format: unit === 'ms' ? '~g' : log ? '~s' : ',d' },
  };
  return {
    title: `${metricTitle(metric)} (${unit})${log ? ', log scale' : ''}`,
    width: report.programs.length * (report.vms.length + 1) * BAR_WIDTH,
    height: CHART_HEIGHT,
    data: { values: barData(report, metric, log) },
    encoding: {
      x: {
        field: 'program',
        type: 'nominal' as const,
        scale: { domain: report.programs.map((p) => p.program), paddingInner: 0.15 },
        axis: { labelAngle: -30, title: null },
      },
      xOffset: { field: 'vm', type: 'nominal' as const, scale: { domain: report.vms } },
      color: {
        field: 'vm',
        type: 'nominal' as const,
        scale: { domain: report.vms, range: vmColours(report.vms) },
        title: 'VM',
      },
    },
    layer: [
      { mark: { type: 'bar' as const }, encoding: { y: { ...y, field: 'median', title: unit } } },
      {
        mark: { type: 'rule' as const, color: '#333333', strokeWidth: 1 },
        encoding: { y: { ...y, field: 'min' }, y2: { field: 'max' } },
      },
    ],
  };
}

/** One bar per cell that has the metric; on a log axis only positive values can be drawn. */
function barData(report: BenchReport, metric: BenchMetric, positiveOnly: boolean): BarDatum[] {
  return report.cells.flatMap((cell) => {
    const s = cell.metrics[metric];
    if (s === null || (positiveOnly && !(s.min > 0))) return [];
    return [{ program: cell.program, vm: cell.vm, median: s.median, min: s.min, max: s.max }];
  });
}

function vmColours(vms: readonly string[]): string[] {
  let spare = 0;
  return vms.map((vm) => VM_COLOURS[vm] ?? SPARE_COLOURS[spare++ % SPARE_COLOURS.length]);
}
