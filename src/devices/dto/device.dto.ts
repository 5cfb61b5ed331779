import { z } from 'zod';
import { boardSchema, deviceIdSchema, tagSchema, vmKindSchema } from '../../protocol';
import type { Device as ApiDevice } from '../../protocol/api';
import type { Device } from '../domain/device';

export const provisionDeviceSchema = z.object({
  id: deviceIdSchema,
  board: boardSchema,
  vm: vmKindSchema,
  tags: z.array(tagSchema).max(32).default([]),
});
export type ProvisionDeviceInput = z.infer<typeof provisionDeviceSchema>;

export const listDevicesQuerySchema = z.object({
  tag: tagSchema.optional(),
  vm: vmKindSchema.optional(),
  online: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  /** What online devices are connected over (offline ones have none). */
  transport: z.enum(['mqtt', 'mqtt-ws', 'coap']).optional(),
});

export const editTagsSchema = z
  .object({
    add: z.array(tagSchema).max(32).default([]),
    remove: z.array(tagSchema).max(32).default([]),
  })
  .refine((b) => b.add.length + b.remove.length > 0, { message: 'give tags to add or remove' });

/** `POST /api/devices/:id/token`: how long the old token is still accepted (default 0). */
export const rotateTokenSchema = z
  .object({
    graceSeconds: z
      .number()
      .int('graceSeconds must be whole seconds')
      .min(0, 'graceSeconds must be >= 0')
      .max(7 * 24 * 3600, 'graceSeconds must be at most 604800 (a week)')
      .default(0),
  })
  .strict()
  .default({ graceSeconds: 0 });

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The device as the API shows it: times as ISO strings, never the token hash (nor a field
 * named after the token: a view that says "token" is read as one that holds it).
 */
export function deviceView(device: Device) {
  const { tokenRotatedAt, ...d } = device;
  return {
    ...d,
    lastSeenAt: iso(d.lastSeenAt),
    connectedAt: iso(d.connectedAt),
    createdAt: iso(d.createdAt)!,
    credentialsRotatedAt: iso(tokenRotatedAt),
    revokedAt: iso(d.revokedAt),
    latest: d.latest ? { ...d.latest, at: iso(d.latest.at)! } : null,
    slotsAt: iso(d.slotsAt),
  } satisfies ApiDevice;
}
export type DeviceView = ReturnType<typeof deviceView>;
