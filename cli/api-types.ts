import { z } from 'zod';

/**
 * Response shapes of the REST API (CONTRACT.md, REST). Objects are loose so `--json` prints
 * what the gateway sent, fields this CLI does not know included. VM kinds and states are
 * plain strings here: the CLI only displays them, and a newer gateway may know more kinds.
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
});
export type TelemetryPoint = z.infer<typeof telemetryPointSchema>;

/**
 * `Device.latest` is "TelemetryPoint-like": every field may be missing, and the gateway
 * stamps it with `at` (the time of the sample) where a point has `ts` (its bucket start).
 */
export const latestSampleSchema = telemetryPointSchema
  .partial()
  .extend({ at: z.string().optional() });
export type LatestSample = z.infer<typeof latestSampleSchema>;

export const deviceSchema = z.looseObject({
  id: z.string(),
  board: z.string(),
  vm: z.looseObject({ kind: z.string(), version: z.string().nullable() }),
  tags: z.array(z.string()),
  online: z.boolean(),
  firmware: z.string().nullable(),
  limits: z
    .looseObject({
      ramBytes: z.number(),
      flashBytes: z.number(),
      clockHz: z.number(),
      maxChunkBytes: z.number().optional(),
    })
    .nullable(),
  lastSeenAt: z.string().nullable(),
  connectedAt: z.string().nullable(),
  createdAt: z.string(),
  latest: latestSampleSchema.nullable(),
});
export type Device = z.infer<typeof deviceSchema>;

export const deviceListSchema = z.looseObject({ items: z.array(deviceSchema) });

export const createdDeviceSchema = z.looseObject({ device: deviceSchema, token: z.string() });
export type CreatedDevice = z.infer<typeof createdDeviceSchema>;

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

export const healthSchema = z.looseObject({
  status: z.string(),
  version: z.string(),
  uptimeS: z.number(),
  database: z.string(),
  mqtt: z.looseObject({ port: z.number().int().positive(), wsPath: z.string() }),
});
export type Health = z.infer<typeof healthSchema>;

/** The error body every failing endpoint returns (CONTRACT.md: `{statusCode, code, message}`). */
export const errorBodySchema = z.looseObject({
  statusCode: z.number().optional(),
  code: z.string(),
  message: z.union([z.string(), z.array(z.string())]),
});

export interface DeviceFilter {
  tag?: string;
  vm?: string;
  online?: boolean;
}

export interface NewDevice {
  id: string;
  board: string;
  vm: string;
  tags?: string[];
}

export interface TagChange {
  add?: string[];
  remove?: string[];
}

export interface TelemetryQuery {
  from?: string;
  to?: string;
  step?: string;
}
