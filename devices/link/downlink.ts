import type { z } from 'zod';
import {
  CodecError,
  commandSchema,
  decodePayload,
  DownChannel,
  errorSchema,
  otaDownSchema,
} from '../../src/protocol';

// `satisfies` makes tsc fail here when src/protocol adds a downlink channel (cmd, update)
// that the device does not decode yet.
const downSchemas = {
  error: errorSchema,
  cmd: commandSchema,
  update: otaDownSchema,
} satisfies Record<DownChannel, z.ZodType>;

/** A decoded downlink message, discriminated by channel. */
export type DownlinkMessage = {
  [C in DownChannel]: { channel: C; body: z.infer<(typeof downSchemas)[C]> };
}[DownChannel];

export type DownlinkResult = { ok: true; message: DownlinkMessage } | { ok: false; reason: string };

/** Decodes and validates one downlink payload with the protocol's schemas. Never throws. */
export function decodeDownlink(channel: DownChannel, payload: Uint8Array): DownlinkResult {
  let value: Record<string, unknown>;
  try {
    value = decodePayload(payload).value;
  } catch (err) {
    if (err instanceof CodecError) return { ok: false, reason: err.message };
    throw err;
  }
  return validateDownlink(channel, value);
}

/**
 * Validates a body that is already decoded, e.g. the `body` of a CoAP `/v1/down`
 * notification (docs/protocol.md §11.1). Never throws.
 */
export function validateDownlink(channel: DownChannel, value: unknown): DownlinkResult {
  const parsed = downSchemas[channel].safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, reason: `invalid ${channel} message: ${issues.join('; ')}` };
  }
  return { ok: true, message: { channel, body: parsed.data } as DownlinkMessage };
}
