import { METRIC_INFO, type BenchMetric } from '../domain/results';

/** Numbered footnotes, one per distinct text, in order of first use. */
export class Footnotes {
  private readonly texts: string[] = [];

  /** The marker for `text`, e.g. "[2]"; the same text always gets the same number. */
  mark(text: string): string {
    let index = this.texts.indexOf(text);
    if (index < 0) index = this.texts.push(text) - 1;
    return `[${index + 1}]`;
  }

  get entries(): readonly string[] {
    return this.texts;
  }
}

/** Formats a value and its spread on the same scale, so they line up in a column. */
export interface ValueFormat {
  unit: string;
  format: (value: number, like?: number) => string;
}

const KIB = 1024;
/** Byte columns switch to KiB once a value would take more than 5 digits. */
const KIB_FROM = 10 * KIB;

/** The format of one metric's table: B or KiB for sizes, 2–3 significant digits for times. */
export function metricFormat(metric: BenchMetric, values: readonly number[]): ValueFormat {
  if (METRIC_INFO[metric].unit === 'ms') {
    return { unit: 'ms', format: (x, like = x) => x.toFixed(decimalsFor(like)) };
  }
  return bytesFormat(values);
}

/** B, or KiB with one decimal once the largest of `values` (by magnitude) would take 5+ digits. */
export function bytesFormat(values: readonly number[]): ValueFormat {
  if (Math.max(0, ...values.map(Math.abs)) < KIB_FROM) {
    return { unit: 'B', format: (x) => Math.round(x).toString() };
  }
  return { unit: 'KiB', format: (x) => (x / KIB).toFixed(1) };
}

/**
 * Decimals that show `x` with about three significant digits (never fewer than needed to
 * see that it is not 0), and none above 100.
 */
export function decimalsFor(x: number): number {
  const magnitude = Math.abs(x);
  if (magnitude >= 100 || magnitude === 0 || !Number.isFinite(magnitude)) return 0;
  if (magnitude >= 10) return 1;
  if (magnitude >= 1) return 2;
  return Math.min(6, Math.ceil(-Math.log10(magnitude)) + 2);
}

/** "12.3×", "0.953×". */
export function formatRatio(x: number): string {
  return `${x.toFixed(decimalsFor(x))}×`;
}

/** A GitHub-flavoured Markdown table: `labels` left-aligned columns, then right-aligned ones. */
export function markdownTable(
  header: readonly string[],
  rows: readonly string[][],
  labels = 1,
): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const rule = `|${header.map((_, i) => (i < labels ? ' --- ' : ' ---: ')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** "2025-05-01 10:00 UTC". */
export function formatTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "42 min 13 s", "1 h 5 min", "8 s". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${min} min`;
  if (min > 0) return `${min} min ${s} s`;
  return `${s} s`;
}

/** "a", "a and b", "a, b and c". */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
