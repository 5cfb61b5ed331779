import { z } from 'zod';
import { vmKindSchema, vmStateSchema } from './vm';

/**
 * Thing Monitor commands (downlink `cmd`) and their answers (uplink `reply`). Every
 * command carries a correlation id and gets exactly one reply with the same id.
 */
export const correlationIdSchema = z.string().min(1).max(64);

/** Binary data: a CBOR byte string, or base64 text from a JSON-speaking peer. */
export const bytesSchema = z.union([
  z.instanceof(Uint8Array),
  z
    .string()
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be bytes or base64')
    .transform((b64) => new Uint8Array(Buffer.from(b64, 'base64'))),
]);

const int = z.number().int();
const u32 = int.min(0).max(0xffffffff);

export const MAX_STEP = 100_000;
export const MAX_MEMORY_READ = 1024;

export const commandSchema = z.discriminatedUnion('op', [
  z.object({ id: correlationIdSchema, op: z.literal('status') }),
  z.object({
    id: correlationIdSchema,
    op: z.literal('load'),
    args: z.object({
      vm: vmKindSchema,
      image: bytesSchema,
      app: z
        .object({ id: z.string().min(1).max(128), version: z.string().min(1).max(64) })
        .optional(),
    }),
  }),
  z.object({ id: correlationIdSchema, op: z.literal('start') }),
  z.object({ id: correlationIdSchema, op: z.literal('stop') }),
  z.object({ id: correlationIdSchema, op: z.literal('pause') }),
  z.object({ id: correlationIdSchema, op: z.literal('resume') }),
  z.object({ id: correlationIdSchema, op: z.literal('reset') }),
  z.object({
    id: correlationIdSchema,
    op: z.literal('step'),
    args: z.object({ n: int.min(1).max(MAX_STEP) }),
  }),
  z.object({ id: correlationIdSchema, op: z.literal('registers') }),
  z.object({
    id: correlationIdSchema,
    op: z.literal('memory'),
    args: z.object({ address: u32, length: int.min(1).max(MAX_MEMORY_READ) }),
  }),
  z.object({
    id: correlationIdSchema,
    op: z.literal('inject'),
    args: z.object({
      event: int.min(0).max(0xffff),
      value: int
        .min(-(2 ** 31))
        .max(2 ** 31 - 1)
        .default(0),
    }),
  }),
  z.object({
    id: correlationIdSchema,
    op: z.literal('bench'),
    /** Without `native`: the installed app, on a fresh engine. With it: the host build. */
    args: z
      .object({
        native: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a program name')
          .optional(),
      })
      .default({}),
  }),
]);
export type Command = z.infer<typeof commandSchema>;

/** The reply to `bench`: one measured run (docs/benchmarks.md says how each is measured). */
export const benchResultSchema = z.object({
  /** VM kind, or `native`. */
  vm: z.string().min(1).max(32),
  engineVersion: z.string().max(64),
  board: z.string().max(32),
  /** The app (`id@version`) or native program that ran. */
  program: z.string().max(160),
  loadMs: z.number().nonnegative(),
  execMs: z.number().nonnegative(),
  /** The engine's own count; null where nothing counts them (native). */
  instructions: z.number().int().nonnegative().nullable(),
  /** Peak RAM of the VM: engine state + the guest memory it touched. */
  ramBytes: z.number().int().nonnegative().nullable(),
  /** The image as shipped. */
  codeBytes: z.number().int().nonnegative(),
  /** Flash the app occupies: the image in whole flash pages. */
  flashBytes: z.number().int().nonnegative(),
  /** How the run ended: exit (with exitCode), fault, or budget (stopped, too long). */
  end: z.enum(['exit', 'fault', 'budget']),
  exitCode: z.number().int().nullable(),
  fault: z.string().max(512).nullable(),
  /** The program's own self-check line (`check: ok`): ok, fail, or absent. */
  check: z.enum(['ok', 'fail', 'absent']),
  output: z.string().max(4096),
});
export type BenchResult = z.infer<typeof benchResultSchema>;
export type CommandOp = Command['op'];
export const COMMAND_OPS = commandSchema.options.map((o) => o.shape.op.value);

export const replyErrorSchema = z.object({
  code: z.string().min(1).max(64),
  message: z.string().max(1024),
});

export const replySchema = z.union([
  z.object({ id: correlationIdSchema, ok: z.literal(true), result: z.unknown().optional() }),
  z.object({ id: correlationIdSchema, ok: z.literal(false), error: replyErrorSchema }),
]);
export type ReplyMessage = z.infer<typeof replySchema>;

/** What a faulted guest reports (devices/engines/engine.ts Fault). */
export const faultSchema = z.object({
  code: z.string().min(1).max(32),
  pc: u32,
  address: u32.optional(),
  message: z.string().max(512),
});

/**
 * Uplink `event`: what the guest app publishes or emits, and VM lifecycle changes
 * (exited, faulted, stopped) that nobody asked for but everybody wants to see.
 */
export const eventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('publish'), name: z.string().min(1).max(32), value: int }),
  z.object({ kind: z.literal('emit'), event: int.min(0).max(0xffff), value: int }),
  z.object({
    kind: z.literal('vm'),
    state: vmStateSchema,
    exitCode: int.optional(),
    fault: faultSchema.optional(),
  }),
]);
export type EventMessage = z.infer<typeof eventSchema>;
