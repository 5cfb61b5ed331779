import { z } from 'zod';
import { injectResultSchema } from '../monitor-results';
import { faultSchema } from './monitor';

/* Device events (docs/protocol.md §9; REST /api/devices/:id/events). */

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

/** `POST /api/devices/:id/events` (202): whether the device queued the event. */
export const injectedEventSchema = injectResultSchema;
