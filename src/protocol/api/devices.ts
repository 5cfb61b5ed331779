import { z } from 'zod';
import { signingKeySchema } from './apps';
import { latestSampleSchema } from './telemetry';

/*
 * Device responses (REST /api/devices, /api/enroll). VM kinds are plain strings: a client
 * only displays them, and a newer gateway may know more kinds.
 */

/** One app slot; `state` a plain string like VM kinds (a newer gateway may know more). */
export const deviceSlotSchema = z.looseObject({
  slot: z.number(),
  active: z.boolean(),
  state: z.string(),
  app: z.looseObject({ id: z.string(), version: z.string() }).nullable(),
  bytes: z.number(),
});

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
      /** Guest memory the VM grants an app, and flash of one app slot; devices may not say. */
      appRamBytes: z.number().optional(),
      appFlashBytes: z.number().optional(),
    })
    .nullable(),
  lastSeenAt: z.string().nullable(),
  connectedAt: z.string().nullable(),
  createdAt: z.string(),
  latest: latestSampleSchema.nullable(),
  /** Absent from a gateway older than token rotation. */
  revokedAt: z.string().nullable().optional(),
  credentialsRotatedAt: z.string().nullable().optional(),
  /**
   * What it is connected over while online (`mqtt`, `mqtt-ws`, `coap`; a newer gateway may
   * know more) and the gateway instance holding the connection (null behind an external
   * broker); both null offline, absent from gateways before they were recorded.
   */
  transport: z.string().nullable().optional(),
  instance: z.string().nullable().optional(),
  /**
   * Both app slots as the device's last hello or OTA report said (docs/protocol.md §5.2),
   * and when; null: the device never reported them; absent from gateways before them.
   */
  slots: z.array(deviceSlotSchema).nullable().optional(),
  slotsAt: z.string().nullable().optional(),
});
export type Device = z.infer<typeof deviceSchema>;

export const deviceListSchema = z.looseObject({ items: z.array(deviceSchema) });
export type DeviceList = z.infer<typeof deviceListSchema>;

/** `POST /api/devices` and `/api/enroll`: the token is shown only here. */
export const createdDeviceSchema = z.looseObject({
  device: deviceSchema,
  token: z.string(),
  /** The key the device checks app manifests with; older gateways leave it out. */
  signingKey: signingKeySchema.optional(),
});
export type CreatedDevice = z.infer<typeof createdDeviceSchema>;

export const rotatedTokenSchema = z.looseObject({
  device: deviceSchema,
  token: z.string(),
  previousTokenValidUntil: z.string().nullable(),
});
export type RotatedToken = z.infer<typeof rotatedTokenSchema>;

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
export type ErrorBody = z.infer<typeof errorBodySchema>;
