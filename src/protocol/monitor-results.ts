import { z } from 'zod';
import { benchResultSchema, type CommandOp } from './monitor';

/**
 * The `result` of a successful `reply`, per command (docs/protocol.md §9.3): the one
 * contract the gateway checks device replies against and the CLI reads REST answers with.
 * Loose objects: a result MAY carry further fields, which receivers pass on.
 */
const uint = z.number().int().nonnegative();

export const replyFaultSchema = z.looseObject({
  code: z.string(),
  pc: uint,
  address: uint.nullish(),
  message: z.string(),
});
export type ReplyFault = z.infer<typeof replyFaultSchema>;

const appRefSchema = z.looseObject({ id: z.string(), version: z.string() });

export const statusResultSchema = z.looseObject({
  state: z.string(),
  vm: z.string(),
  app: appRefSchema.nullable(),
  phase: z.string().nullable(),
  pc: uint,
  instructions: uint,
  pendingEvents: uint,
  guestMemoryBytes: uint,
  peakGuestBytes: uint,
  /** {kind: exited, code} | {kind: fault, fault} | {kind: stopped} | null. */
  lastEnd: z.looseObject({ kind: z.string() }).nullable(),
  console: z.string().optional(),
});
export type StatusResult = z.infer<typeof statusResultSchema>;

export const loadResultSchema = z.looseObject({
  loadTimeMs: z.number().nonnegative(),
  imageBytes: uint,
  guestMemoryBytes: uint,
  state: z.string(),
});
export type LoadResult = z.infer<typeof loadResultSchema>;

export const stateResultSchema = z.looseObject({ state: z.string() });

export const stepResultSchema = z.looseObject({
  pc: uint,
  instructions: uint,
  executed: uint,
  outcome: z.string(),
  fault: replyFaultSchema.nullish(),
});
export type StepResult = z.infer<typeof stepResultSchema>;

export const registersResultSchema = z.looseObject({
  pc: uint,
  instructions: uint,
  registers: z.record(z.string(), z.number()),
});
export type RegistersResult = z.infer<typeof registersResultSchema>;

export const memoryResultSchema = z.looseObject({
  address: uint,
  length: uint,
  hex: z.string().regex(/^(?:[0-9a-fA-F]{2})*$/, 'expected hex digits, two per byte'),
});
export type MemoryResult = z.infer<typeof memoryResultSchema>;

export const injectResultSchema = z.looseObject({ queued: z.boolean() });
export type InjectResult = z.infer<typeof injectResultSchema>;

export const REPLY_RESULT_SCHEMAS = {
  status: statusResultSchema,
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
  bench: benchResultSchema,
} as const satisfies Record<CommandOp, z.ZodType>;

export type ReplyResult<Op extends CommandOp> = z.infer<(typeof REPLY_RESULT_SCHEMAS)[Op]>;
