import { z } from 'zod';
import { appRefSchema } from './app-ref';
import { eventSchema, EventMessage, replySchema, ReplyMessage } from './monitor';
import { otaUpSchema, OtaUp } from './ota';
import { appSlotsSchema } from './slots';
import { boardSchema, vmKindSchema, vmStateSchema } from './vm';

const count = z.number().int().nonnegative();
const bytes = count.max(2 ** 40);

/** Uplink `hello`: the device's birth message, sent after every (re)connect. */
export const helloSchema = z.object({
  board: boardSchema,
  vm: z.object({ kind: vmKindSchema, version: z.string().min(1).max(64) }),
  firmware: z.string().min(1).max(64).optional(),
  limits: z.object({
    ramBytes: bytes.min(1),
    flashBytes: bytes.min(1),
    clockHz: count.min(1),
    /** Largest chunk the device can buffer for downlink transfers. */
    maxChunkBytes: count.min(16).max(65536).optional(),
    /** Guest memory the VM grants an app: what an app's RAM needs are checked against. */
    appRamBytes: bytes.optional(),
    /** Flash of one app slot: an app's payload must fit it. */
    appFlashBytes: bytes.optional(),
  }),
  /** What both app slots hold; absent on devices that do not say (§5.2). */
  slots: appSlotsSchema.optional(),
});
export type HelloMessage = z.infer<typeof helloSchema>;

/** Uplink `telemetry`: one resource sample. `ts` is the device clock in Unix ms, if it has one. */
export const telemetrySchema = z
  .object({
    ts: count.optional(),
    uptimeMs: count,
    ram: z.object({ used: bytes, peak: bytes, total: bytes.min(1) }),
    flash: z.object({ used: bytes, total: bytes.min(1) }),
    cpu: z.number().min(0).max(1),
    vm: z.object({ state: vmStateSchema, instructions: count }),
    app: appRefSchema.nullable().optional(),
    /** Actuator outputs the guest set through the HAL (LEDs, GPIO pins), by index. */
    actuators: z
      .object({ led: z.array(z.number().int()).max(16), gpio: z.array(z.number().int()).max(64) })
      .optional(),
    /** The OS's own accounting, where the device has it (a RIOT device: malloc_monitor, stack painting). */
    os: z
      .object({ heapUsed: bytes, heapPeak: bytes, stackUsed: bytes, stackBytes: bytes })
      .partial()
      .optional(),
  })
  .refine((s) => s.ram.used <= s.ram.total && s.ram.peak <= s.ram.total, {
    message: 'ram.used and ram.peak must not exceed ram.total',
    path: ['ram'],
  })
  .refine((s) => s.flash.used <= s.flash.total, {
    message: 'flash.used must not exceed flash.total',
    path: ['flash'],
  });
export type TelemetryMessage = z.infer<typeof telemetrySchema>;

/** Uplink `status`: retained; `online` on connect, `offline` as the last will. */
export const statusSchema = z.object({ state: z.enum(['online', 'offline']) });
export type StatusMessage = z.infer<typeof statusSchema>;

/** Downlink `error`: the gateway could not accept something the device sent. */
export const errorSchema = z.object({
  code: z.string(),
  message: z.string(),
  channel: z.string().optional(),
});
export type ErrorMessage = z.infer<typeof errorSchema>;

export const upSchemas = {
  hello: helloSchema,
  telemetry: telemetrySchema,
  status: statusSchema,
  event: eventSchema,
  reply: replySchema,
  ota: otaUpSchema,
} as const;

/** A decoded uplink message, discriminated by channel. */
export type UplinkMessage =
  | { channel: 'hello'; body: HelloMessage }
  | { channel: 'telemetry'; body: TelemetryMessage }
  | { channel: 'status'; body: StatusMessage }
  | { channel: 'event'; body: EventMessage }
  | { channel: 'reply'; body: ReplyMessage }
  | { channel: 'ota'; body: OtaUp };

export { appSlotSchema, appSlotsSchema, SLOT_STATES } from './slots';
export type { AppSlotReport, AppSlotsReport, SlotState } from './slots';
