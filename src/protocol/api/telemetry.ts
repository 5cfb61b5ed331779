import { z } from 'zod';

/*
 * Telemetry responses (REST: GET /api/devices/:id/telemetry, GET /api/fleet/summary).
 * Loose objects: a client passes on fields it does not know, so a newer gateway may add some.
 */

const nullableNumber = z.number().nullable();

export const telemetryPointSchema = z.looseObject({
  ts: z.string(),
  samples: z.number(),
  uptimeMs: z.number(),
  ramUsed: z.number(),
  ramPeak: z.number(),
  ramTotal: z.number(),
  flashUsed: z.number(),
  flashTotal: z.number(),
  cpuLoad: z.number(),
  instructions: z.number(),
  vmState: z.string(),
  app: z.looseObject({ id: z.string(), version: z.string() }).nullable(),
  heapUsed: nullableNumber.optional(),
  heapPeak: nullableNumber.optional(),
  stackUsed: nullableNumber.optional(),
  stackBytes: nullableNumber.optional(),
});
export type TelemetryPoint = z.infer<typeof telemetryPointSchema>;

/**
 * `Device.latest` is "TelemetryPoint-like": every field may be missing, and the gateway
 * stamps it with `at` (the time of the sample) where a point has `ts` (its bucket start).
 */
export const latestSampleSchema = telemetryPointSchema.partial().extend({
  at: z.string().optional(),
  /** Actuator outputs the guest set through the HAL (LEDs, GPIO pins), by index. */
  actuators: z.looseObject({ led: z.array(z.number()), gpio: z.array(z.number()) }).nullish(),
});
export type LatestSample = z.infer<typeof latestSampleSchema>;

export const telemetrySeriesSchema = z.looseObject({
  deviceId: z.string(),
  from: z.string(),
  to: z.string(),
  stepMs: z.number(),
  points: z.array(telemetryPointSchema),
});
export type TelemetrySeries = z.infer<typeof telemetrySeriesSchema>;

export const fleetGroupSchema = z.looseObject({
  key: z.string(),
  total: z.number(),
  online: z.number(),
  ramUsed: z.number(),
  ramTotal: z.number(),
  flashUsed: z.number(),
  flashTotal: z.number(),
  cpuLoad: nullableNumber,
});
export type FleetGroup = z.infer<typeof fleetGroupSchema>;

export const fleetSummarySchema = z.looseObject({
  devices: z.looseObject({ total: z.number(), online: z.number() }),
  byVm: z.array(fleetGroupSchema),
  byBoard: z.array(fleetGroupSchema),
});
export type FleetSummary = z.infer<typeof fleetSummarySchema>;
