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
}
