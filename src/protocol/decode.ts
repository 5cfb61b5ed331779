import { describeIssues } from './zod-issues';
import { CodecError, decodePayload, detectEncoding, Encoding } from './codec';
import { upSchemas, UplinkMessage } from './messages';
import { isUpChannel } from './topics';

/** Why an uplink frame was refused; stable codes, also sent to the device on `error`. */
export type RejectCode =
  CodecError['code'] | 'unknown_channel' | 'invalid_message' | 'payload_too_large';

export type DecodeResult =
  | { ok: true; encoding: Encoding; message: UplinkMessage }
  | { ok: false; encoding: Encoding; code: RejectCode; reason: string };

/**
 * Decodes and validates one uplink payload. Never throws: every failure comes back as
 * a code and a reason the device's developer can act on.
 */
export function decodeUplink(channel: string, payload: Uint8Array, maxBytes: number): DecodeResult {
  const fallback = detectEncoding(payload);
  if (payload.length > maxBytes) {
    const reason = `payload of ${payload.length} bytes exceeds the limit of ${maxBytes}`;
    return { ok: false, encoding: fallback, code: 'payload_too_large', reason };
  }
  if (!isUpChannel(channel)) {
    return {
      ok: false,
      encoding: fallback,
      code: 'unknown_channel',
      reason: `no uplink channel "${channel}"`,
    };
  }
  let decoded;
  try {
    decoded = decodePayload(payload);
  } catch (err) {
    if (err instanceof CodecError)
      return { ok: false, encoding: fallback, code: err.code, reason: err.message };
    throw err;
  }
  const parsed = upSchemas[channel].safeParse(decoded.value);
  if (!parsed.success) {
    return {
      ok: false,
      encoding: decoded.encoding,
      code: 'invalid_message',
      reason: describeIssues(parsed.error.issues),
    };
  }
  return {
    ok: true,
    encoding: decoded.encoding,
    message: { channel, body: parsed.data } as UplinkMessage,
  };
}
