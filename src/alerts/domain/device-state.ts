import type { DeviceFacts, TelemetryMetric } from './alert-rule';

/** The part of a telemetry sample the rules look at; `at` is the gateway's receive time. */
export interface TelemetryReading {
  at: number;
  ramUsed: number;
  ramTotal: number;
  flashUsed: number;
  flashTotal: number;
  /** CPU load 0..1 over the device's last interval. */
  cpu: number;
  instructions: number;
}

/** What the evaluator keeps of a device between its samples. */
export interface DeviceState {
  facts: DeviceFacts;
  lastAt: number;
  /** Gap between its last two samples: its telemetry interval as the gateway sees it. */
  intervalMs: number | null;
  instructions: number;
  values: Record<TelemetryMetric, number | null>;
}

/**
 * The device after one more sample: the metrics the rules compare, and the interval. The
 * instruction rate needs two samples, and there is none across a counter reset (a reboot).
 */
export function nextDeviceState(
  prev: DeviceState | undefined,
  facts: DeviceFacts,
  r: TelemetryReading,
): DeviceState {
  const dt = prev ? r.at - prev.lastAt : 0;
  const rate =
    prev && dt > 0 && r.instructions >= prev.instructions
      ? ((r.instructions - prev.instructions) * 1000) / dt
      : null;
  return {
    facts,
    lastAt: r.at,
    intervalMs: prev && dt > 0 ? dt : (prev?.intervalMs ?? null),
    instructions: r.instructions,
    values: {
      ram_pct: (100 * r.ramUsed) / r.ramTotal,
      flash_pct: (100 * r.flashUsed) / r.flashTotal,
      cpu_pct: 100 * r.cpu,
      instructions_per_s: rate,
    },
  };
}
