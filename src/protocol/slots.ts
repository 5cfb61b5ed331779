import { z } from 'zod';
import { appRefSchema } from './app-ref';

/**
 * What a device's two app slots hold (docs/protocol.md §5.2 `slots`, §10.1): sent in
 * `hello` and in every OTA `report`, the only times the slots change. Kept apart from
 * messages.ts because ota.ts needs it and messages.ts imports ota.ts.
 */
export const SLOT_STATES = ['empty', 'partial', 'complete'] as const;
export type SlotState = (typeof SLOT_STATES)[number];

export const appSlotSchema = z
  .object({
    /** 0 or 1: the slot's place in flash. */
    slot: z.union([z.literal(0), z.literal(1)]),
    /** The slot the device runs its app from (and boots it from). */
    active: z.boolean(),
    /** empty; partial: an update still arriving or not yet verified; complete: verified. */
    state: z.enum(SLOT_STATES),
    /** The app of the slot's manifest; null when empty. */
    app: appRefSchema.nullable(),
    /** Payload bytes the slot holds (for a partial one, how far the transfer got). */
    bytes: z
      .number()
      .int()
      .nonnegative()
      .max(2 ** 40),
  })
  .superRefine((s, ctx) => {
    if (s.state === 'empty' && (s.app !== null || s.bytes !== 0)) {
      ctx.addIssue({ code: 'custom', message: 'an empty slot has app null and bytes 0' });
    }
    if (s.state !== 'empty' && s.app === null) {
      ctx.addIssue({ code: 'custom', message: `a ${s.state} slot names its app`, path: ['app'] });
    }
    if (s.active && s.state !== 'complete') {
      ctx.addIssue({
        code: 'custom',
        message: `the active slot must be complete, not ${s.state}`,
        path: ['state'],
      });
    }
  });
export type AppSlotReport = z.infer<typeof appSlotSchema>;

/** Both slots (or one, on a device that reports only what it has), each at most once. */
export const appSlotsSchema = z
  .array(appSlotSchema)
  .min(1)
  .max(2)
  .superRefine((slots, ctx) => {
    if (slots.length === 2 && slots[0].slot === slots[1].slot) {
      ctx.addIssue({ code: 'custom', message: `slot ${slots[0].slot} is listed twice` });
    }
    if (slots.filter((s) => s.active).length > 1) {
      ctx.addIssue({ code: 'custom', message: 'at most one slot is active' });
    }
  });
export type AppSlotsReport = z.infer<typeof appSlotsSchema>;
