import { decodeCbor, encodeCbor } from './cbor';

/** Payload encodings: CBOR (RFC 8949) normally, JSON while debugging. */
export type Encoding = 'cbor' | 'json';

export class CodecError extends Error {
  constructor(
    readonly code: 'empty_payload' | 'malformed_cbor' | 'malformed_json' | 'not_a_map',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A JSON object starts with `{` (0x7B). In CBOR 0x7B opens a text string with an
 * 8-byte length (RFC 8949 §3.1, major type 3, additional info 27), never a map, so
 * the first byte tells the two apart for every valid message.
 */
export function detectEncoding(payload: Uint8Array): Encoding {
  let i = 0;
  while (i < payload.length && isJsonWhitespace(payload[i])) i++;
  return payload[i] === 0x7b ? 'json' : 'cbor';
}

function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/** Decodes a payload into a plain object. Throws CodecError only. */
export function decodePayload(payload: Uint8Array): {
  encoding: Encoding;
  value: Record<string, unknown>;
} {
  if (payload.length === 0) throw new CodecError('empty_payload', 'payload is empty');
  const encoding = detectEncoding(payload);
  let value: unknown;
  try {
    value =
      encoding === 'json'
        ? JSON.parse(
            Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('utf8'),
          )
        : decodeCbor(payload);
  } catch (err) {
    const code = encoding === 'json' ? 'malformed_json' : 'malformed_cbor';
    throw new CodecError(code, `${code.replace('_', ' ')}: ${(err as Error).message}`);
  }
  // Only a plain object is a map: cbor-x builds arrays, Maps, Buffers, Dates, Sets and
  // Tags for other top-level items.
  if (
    value === null ||
    typeof value !== 'object' ||
    Object.getPrototypeOf(value) !== Object.prototype
  ) {
    throw new CodecError('not_a_map', 'payload must be a CBOR map or JSON object');
  }
  return { encoding, value: value as Record<string, unknown> };
}

export function encodePayload(value: object, encoding: Encoding): Buffer {
  return encoding === 'json'
    ? Buffer.from(JSON.stringify(value, bytesAsBase64), 'utf8')
    : encodeCbor(value);
}

/** JSON has no byte strings: bytes travel as base64 text (docs/protocol.md §1.2). */
function bytesAsBase64(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  const node = value as { type?: unknown; data?: unknown } | null;
  if (node && node.type === 'Buffer' && Array.isArray(node.data)) {
    return Buffer.from(node.data as number[]).toString('base64');
  }
  return value;
}
