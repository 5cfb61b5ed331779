import { z } from 'zod';
import { appRefSchema } from './app-ref';
import { bytesSchema } from './monitor';
import { appSlotsSchema } from './slots';

/**
 * Over-the-air app updates (docs/protocol.md §10.1). The gateway offers a signed manifest
 * on downlink `update`; the device checks it, then pulls the payload chunk by chunk with
 * `fetch` at its own pace and reports every step of its state machine with `report`.
 * A re-offer of the same update resumes where the device's verified bytes end.
 */
export const deploymentIdSchema = z
  .number()
  .int()
  .positive()
  .max(2 ** 31);

const offset = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 32);

/** Most bytes one `fetch` may ask for: the board's buffer decides below that. */
export const MAX_OTA_CHUNK_BYTES = 65536;
/** Longest health window a deployment may ask for. */
export const MAX_HEALTH_WINDOW_MS = 3_600_000;

/** Downlink `update`: offers, chunks and cancels. */
export const otaDownSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('offer'),
    deployment: deploymentIdSchema,
    /** COSE_Sign1 over the CBOR manifest (manifest.ts). */
    manifest: bytesSchema,
    /** The new app must run this long without a fault to count as healthy. */
    healthWindowMs: z.number().int().nonnegative().max(MAX_HEALTH_WINDOW_MS),
  }),
  z.object({
    op: z.literal('chunk'),
    deployment: deploymentIdSchema,
    offset,
    data: bytesSchema,
  }),
  z.object({ op: z.literal('cancel'), deployment: deploymentIdSchema }),
]);
export type OtaDown = z.infer<typeof otaDownSchema>;

/** States a device reports, in the order they happen (the gateway adds pending and offered). */
export const OTA_DEVICE_STATES = [
  'transferring',
  'verifying',
  'installed',
  'running',
  'healthy',
  'failed',
  'rolled-back',
] as const;
export type OtaDeviceState = (typeof OTA_DEVICE_STATES)[number];

/** Why a device refused or gave up an update: stable codes. */
export const OTA_FAILURE_CODES = [
  'no_key', // the device has no gateway key to verify with
  'bad_signature',
  'malformed_manifest',
  'downgrade', // sequence not above the running app's
  'wrong_vm',
  'does_not_fit',
  'digest_mismatch', // payload SHA-256 differs from the signed manifest
  'image_rejected', // the engine refused to load the verified payload
  'app_fault', // the new app faulted inside the health window
  'app_exit', // the new app exited with a non-zero code inside the health window
  'no_previous', // nothing to roll back to
  'bad_offset', // a chunk outside the app (device-side check)
  'incomplete', // verification started before every byte arrived
  'no_update', // a chunk for an update the device is not receiving
  'cancelled',
  'busy', // another update is being installed
] as const;
export type OtaFailureCode = (typeof OTA_FAILURE_CODES)[number];

/** Uplink `ota`: fetches and state reports. */
export const otaUpSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('fetch'),
    deployment: deploymentIdSchema,
    offset,
    length: z.number().int().min(1).max(MAX_OTA_CHUNK_BYTES),
  }),
  z.object({
    kind: z.literal('report'),
    deployment: deploymentIdSchema,
    state: z.enum(OTA_DEVICE_STATES),
    /** transferring: where the transfer continues (bytes already verified in place). */
    offset: offset.optional(),
    code: z.enum(OTA_FAILURE_CODES).optional(),
    reason: z.string().max(512).optional(),
    /** The app the device runs after this step. */
    app: appRefSchema.nullable().optional(),
    /** Both slots after this step (§10.1): how the gateway learns of writes, swaps and reverts. */
    slots: appSlotsSchema.optional(),
  }),
]);
export type OtaUp = z.infer<typeof otaUpSchema>;
export type OtaReport = Extract<OtaUp, { kind: 'report' }>;
export type OtaFetch = Extract<OtaUp, { kind: 'fetch' }>;
