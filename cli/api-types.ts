import { z, type ZodType } from 'zod';
import {
  injectResultSchema,
  type InjectResult,
  loadResultSchema,
  type LoadResult,
  memoryResultSchema,
  type MemoryResult,
  registersResultSchema,
  type RegistersResult,
  replyFaultSchema,
  type ReplyFault,
  stateResultSchema,
  statusResultSchema,
  type StatusResult,
  stepResultSchema,
  type StepResult,
} from '../src/protocol/monitor-results';

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
  /** Absent from a gateway older than token rotation. */
  revokedAt: z.string().nullable().optional(),
  credentialsRotatedAt: z.string().nullable().optional(),
});
export type Device = z.infer<typeof deviceSchema>;

export const deviceListSchema = z.looseObject({ items: z.array(deviceSchema) });

export const createdDeviceSchema = z.looseObject({ device: deviceSchema, token: z.string() });
export type CreatedDevice = z.infer<typeof createdDeviceSchema>;

export const rotatedTokenSchema = z.looseObject({
  device: deviceSchema,
  token: z.string(),
  previousTokenValidUntil: z.string().nullable(),
});
export type RotatedToken = z.infer<typeof rotatedTokenSchema>;

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
  /** Absent from gateways before the CoAP transport. */
  coap: z.looseObject({ port: z.number().int().positive() }).optional(),
});
export type Health = z.infer<typeof healthSchema>;

/** The error body every failing endpoint returns (CONTRACT.md: `{statusCode, code, message}`). */
export const errorBodySchema = z.looseObject({
  statusCode: z.number().optional(),
  code: z.string(),
  message: z.union([z.string(), z.array(z.string())]).optional(),
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

/* Thing Monitor and events (docs/protocol.md §9; REST in docs/cli.md). */

/*
 * Thing Monitor results: the protocol's own schemas (docs/protocol.md §9.3), which the
 * gateway checks every device reply against before it answers.
 */
export const faultSchema = replyFaultSchema;
export type Fault = ReplyFault;
export const monitorStatusSchema = statusResultSchema;
export type MonitorStatus = StatusResult;
export {
  injectResultSchema,
  loadResultSchema,
  memoryResultSchema,
  registersResultSchema,
  stateResultSchema,
  stepResultSchema,
};
export type { InjectResult, LoadResult, MemoryResult, RegistersResult, StepResult };

const monitorResultSchemas = {
  status: monitorStatusSchema,
  load: loadResultSchema,
  start: stateResultSchema,
  stop: stateResultSchema,
  pause: stateResultSchema,
  resume: stateResultSchema,
  reset: stateResultSchema,
  step: stepResultSchema,
  registers: registersResultSchema,
  memory: memoryResultSchema,
  inject: injectResultSchema,
} as const;

export type MonitorOp = keyof typeof monitorResultSchemas;
export const MONITOR_OPS = Object.keys(monitorResultSchemas) as MonitorOp[];
export type MonitorResult<Op extends MonitorOp> = z.infer<(typeof monitorResultSchemas)[Op]>;

/** `POST /api/devices/:id/monitor` answers `{id, op, result}`; the result's shape depends on op. */
export interface MonitorReply<Op extends MonitorOp> {
  id: string;
  op: string;
  result: MonitorResult<Op>;
  [key: string]: unknown;
}

export function monitorReplySchema<Op extends MonitorOp>(op: Op): ZodType<MonitorReply<Op>> {
  const schema = z.looseObject({
    id: z.string(),
    op: z.string(),
    result: monitorResultSchemas[op],
  });
  // zod cannot relate the generic key to the schema picked for it; the shapes match by construction.
  return schema as unknown as ZodType<MonitorReply<Op>>;
}

export interface LoadArgs {
  vm: string;
  /** The image, base64-encoded. */
  image: string;
  app?: { id: string; version: string };
}

export type MonitorRequest =
  | { op: 'status' | 'start' | 'stop' | 'pause' | 'resume' | 'reset' | 'registers' }
  | { op: 'load'; args: LoadArgs }
  | { op: 'step'; args: { n: number } }
  | { op: 'memory'; args: { address: number; length: number } }
  | { op: 'inject'; args: { event: number; value: number } };

export const EVENT_KINDS = ['publish', 'emit', 'vm'] as const;

/** One stored device event; which optional fields are set depends on `kind`. */
export const deviceEventSchema = z.looseObject({
  id: z.union([z.string(), z.number()]),
  deviceId: z.string(),
  ts: z.string(),
  kind: z.string(),
  name: z.string().nullish(),
  event: z.number().nullish(),
  value: z.number().nullish(),
  state: z.string().nullish(),
  exitCode: z.number().nullish(),
  fault: faultSchema.nullish(),
});
export type DeviceEvent = z.infer<typeof deviceEventSchema>;

export const deviceEventListSchema = z.looseObject({ items: z.array(deviceEventSchema) });

export interface EventQuery {
  since?: string;
  limit?: number;
  kind?: string;
}

/** `'button'` is raw event 1; user events are 100..199. */
export interface EventInjection {
  event: number | 'button';
  value?: number;
}

/* App repository (docs/protocol.md §10.2; REST). */

export const appSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  vm: z.string(),
  size: z.number(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'expected 64 hex digits'),
  sequence: z.number(),
  needs: z.looseObject({ ramBytes: z.number(), flashBytes: z.number(), stackBytes: z.number() }),
  kid: z.string(),
  createdAt: z.string(),
});
export type App = z.infer<typeof appSchema>;

export const appListSchema = z.looseObject({ items: z.array(appSchema) });

export const signingKeySchema = z.looseObject({
  alg: z.string(),
  crv: z.string(),
  kid: z.string(),
  /** Base64 of the raw public key (32 bytes for Ed25519). */
  publicKey: z.string(),
});
export type SigningKey = z.infer<typeof signingKeySchema>;

export interface AppFilter {
  name?: string;
  vm?: string;
  /** The gateway's benchmark images (`bench-*`) too; left out by default. */
  all?: boolean;
}

/** What `POST /api/apps` takes; the sizes override what the gateway derives, never below it. */
export interface NewApp {
  name: string;
  version: string;
  vm: string;
  payload: Uint8Array;
  /** The file name the multipart part carries; the gateway does not rely on it. */
  fileName: string;
  ramBytes?: number;
  flashBytes?: number;
}

const rolloutCountsSchema = z.record(z.string(), z.number());

export const deploymentSchema = z.looseObject({
  id: z.number(),
  app: z.looseObject({ name: z.string(), version: z.string(), vm: z.string() }),
  strategy: z.looseObject({ kind: z.string() }),
  failureThreshold: z.number(),
  healthWindowMs: z.number(),
  status: z.string(),
  currentWave: z.number(),
  waveCount: z.number(),
  reason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  devices: z.number(),
  counts: rolloutCountsSchema,
});
export type Deployment = z.infer<typeof deploymentSchema>;

export const deploymentTargetSchema = z.looseObject({
  deviceId: z.string(),
  wave: z.number(),
  state: z.string(),
  code: z.string().nullable(),
  reason: z.string().nullable(),
  updatedAt: z.string(),
  bytesSent: z.number(),
});

export const deploymentDetailSchema = deploymentSchema.extend({
  targets: z.array(deploymentTargetSchema),
});
export type DeploymentDetail = z.infer<typeof deploymentDetailSchema>;

export const deploymentListSchema = z.looseObject({ items: z.array(deploymentSchema) });

export interface CreateDeployment {
  app: { name: string; version: string };
  target: { devices: string[] } | { tag: string };
  strategy?:
    | { kind: 'all-at-once' }
    | { kind: 'canary'; count: number }
    | { kind: 'waves'; percents: number[] };
  failureThreshold?: number;
  healthWindowMs?: number;
}
