import { InvalidInputError } from '../../common/domain-error';

export interface TimeRange {
  from: number;
  to: number;
  stepMs: number;
}

export interface RangeQuery {
  from?: string;
  to?: string;
  step?: string;
}

export const DEFAULT_WINDOW_MS = 60 * 60 * 1000;
export const MAX_POINTS = 2000;
const AUTO_POINTS = 360;
const NICE_STEPS_MS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400,
].map((s) => s * 1000);
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `2026-11-21T10:00:00Z` or Unix ms. */
export function parseInstant(value: string, name: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new InvalidInputError(`${name}: "${value}" is neither an ISO date nor Unix milliseconds`);
  return ms;
}

/** `500ms`, `10s`, `5m`, `1h`, `1d`, or a bare number of milliseconds. */
export function parseDuration(value: string, name: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m)
    throw new InvalidInputError(
      `${name}: "${value}" is not a duration like 10s, 5m, 1h or a number of ms`,
    );
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'ms']);
  if (ms < 1) throw new InvalidInputError(`${name}: must be at least 1 ms`);
  return ms;
}

/** Resolves a query into a bounded range: the last hour by default, at most MAX_POINTS buckets. */
export function resolveRange(q: RangeQuery, now: number): TimeRange {
  const to = q.to ? parseInstant(q.to, 'to') : now;
  const from = q.from ? parseInstant(q.from, 'from') : to - DEFAULT_WINDOW_MS;
  if (from >= to) throw new InvalidInputError('from must be before to');
  const span = to - from;
  const stepMs = q.step ? parseDuration(q.step, 'step') : autoStep(span);
  if (span / stepMs > MAX_POINTS) {
    throw new InvalidInputError(
      `step ${stepMs} ms gives ${Math.ceil(span / stepMs)} points; at most ${MAX_POINTS}: use step >= ${Math.ceil(span / MAX_POINTS)}ms`,
    );
  }
  return { from, to, stepMs };
}

function autoStep(span: number): number {
  const wanted = span / AUTO_POINTS;
  return NICE_STEPS_MS.find((s) => s >= wanted) ?? Math.ceil(wanted / 86_400_000) * 86_400_000;
}
