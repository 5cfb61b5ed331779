import type { LatestSample } from '../../devices/domain/device';
import type { TelemetryMessage } from '../../protocol';

/** One stored resource sample; `ts` is the gateway's receive time in Unix ms. */
export interface TelemetrySample {
  deviceId: string;
  ts: number;
  deviceTs: number | null;
  uptimeMs: number;
  ramUsed: number;
  ramPeak: number;
  ramTotal: number;
  flashUsed: number;
  flashTotal: number;
  cpuLoad: number;
  vmState: string;
  instructions: number;
  appId: string | null;
  appVersion: string | null;
  /** The OS's heap and stacks (telemetry `os`), null where the device does not report them. */
  heapUsed: number | null;
  heapPeak: number | null;
  stackUsed: number | null;
  stackBytes: number | null;
  /** Not stored per sample: only the device's latest snapshot keeps it. */
  actuators?: { led: number[]; gpio: number[] };
}

/** A downsampled bucket: means for levels, maxima for peaks, the last value for states. */
export interface TelemetryPoint {
  ts: number;
  samples: number;
  uptimeMs: number;
  ramUsed: number;
  ramPeak: number;
  ramTotal: number;
  flashUsed: number;
  flashTotal: number;
  cpuLoad: number;
  instructions: number;
  vmState: string;
  app: { id: string; version: string } | null;
  heapUsed: number | null;
  heapPeak: number | null;
  stackUsed: number | null;
  stackBytes: number | null;
}

export function sampleFromMessage(
  deviceId: string,
  t: TelemetryMessage,
  ts: number,
): TelemetrySample {
  return {
    deviceId,
    ts,
    deviceTs: t.ts ?? null,
    uptimeMs: t.uptimeMs,
    ramUsed: t.ram.used,
    ramPeak: t.ram.peak,
    ramTotal: t.ram.total,
    flashUsed: t.flash.used,
    flashTotal: t.flash.total,
    cpuLoad: t.cpu,
    vmState: t.vm.state,
    instructions: t.vm.instructions,
    appId: t.app?.id ?? null,
    appVersion: t.app?.version ?? null,
    heapUsed: t.os?.heapUsed ?? null,
    heapPeak: t.os?.heapPeak ?? null,
    stackUsed: t.os?.stackUsed ?? null,
    stackBytes: t.os?.stackBytes ?? null,
    ...(t.actuators ? { actuators: t.actuators } : {}),
  };
}

/** What the device record keeps of its newest sample, for the fleet view. */
export function latestOf(s: TelemetrySample): LatestSample {
  return {
    at: s.ts,
    uptimeMs: s.uptimeMs,
    ramUsed: s.ramUsed,
    ramPeak: s.ramPeak,
    ramTotal: s.ramTotal,
    flashUsed: s.flashUsed,
    flashTotal: s.flashTotal,
    cpuLoad: s.cpuLoad,
    vmState: s.vmState,
    instructions: s.instructions,
    app: s.appId && s.appVersion ? { id: s.appId, version: s.appVersion } : null,
    actuators: s.actuators ?? null,
  };
}
