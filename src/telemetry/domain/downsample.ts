import type { TelemetryPoint, TelemetrySample } from './sample';

/**
 * Buckets samples (sorted by ts) into windows of `stepMs` aligned to the epoch. Levels
 * (RAM used, flash used, CPU) are averaged; peaks and monotonic counters (RAM peak,
 * uptime, instructions) take the maximum; the VM state and app take the last value,
 * because a mean of states means nothing.
 */
export function downsample(samples: readonly TelemetrySample[], stepMs: number): TelemetryPoint[] {
  const points: TelemetryPoint[] = [];
  let bucket: TelemetrySample[] = [];
  let bucketStart = Number.NaN;
  for (const s of samples) {
    const start = Math.floor(s.ts / stepMs) * stepMs;
    if (start !== bucketStart && bucket.length) {
      points.push(summarise(bucketStart, bucket));
      bucket = [];
    }
    bucketStart = start;
    bucket.push(s);
  }
  if (bucket.length) points.push(summarise(bucketStart, bucket));
  return points;
}

/** One sample as a point of its own (the live stream sends these, shaped like a series' points). */
export function pointOfSample(s: TelemetrySample): TelemetryPoint {
  return summarise(s.ts, [s]);
}

function summarise(ts: number, bucket: TelemetrySample[]): TelemetryPoint {
  const last = bucket[bucket.length - 1];
  const mean = (f: (s: TelemetrySample) => number) =>
    bucket.reduce((sum, s) => sum + f(s), 0) / bucket.length;
  const max = (f: (s: TelemetrySample) => number) =>
    bucket.reduce((m, s) => Math.max(m, f(s)), -Infinity);
  /** The OS figures are optional per sample: over the samples that have them, else null. */
  const some = (f: (s: TelemetrySample) => number | null, how: 'mean' | 'max') => {
    const values = bucket.map(f).filter((v): v is number => v !== null);
    if (!values.length) return null;
    return how === 'max'
      ? Math.max(...values)
      : Math.round(values.reduce((a, b) => a + b, 0) / values.length);
  };
  return {
    ts,
    samples: bucket.length,
    uptimeMs: max((s) => s.uptimeMs),
    ramUsed: Math.round(mean((s) => s.ramUsed)),
    ramPeak: max((s) => s.ramPeak),
    ramTotal: last.ramTotal,
    flashUsed: Math.round(mean((s) => s.flashUsed)),
    flashTotal: last.flashTotal,
    cpuLoad: Math.round(mean((s) => s.cpuLoad) * 10000) / 10000,
    instructions: max((s) => s.instructions),
    vmState: last.vmState,
    app: last.appId && last.appVersion ? { id: last.appId, version: last.appVersion } : null,
    heapUsed: some((s) => s.heapUsed, 'mean'),
    heapPeak: some((s) => s.heapPeak, 'max'),
    stackUsed: some((s) => s.stackUsed, 'max'),
    stackBytes: some((s) => s.stackBytes, 'max'),
  };
}
