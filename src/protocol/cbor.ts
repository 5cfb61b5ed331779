import { Decoder, Encoder, Tag } from 'cbor-x';

/**
 * The one CBOR configuration of the protocol: plain RFC 8949, so any encoder on a device
 * produces what we read and what we write any decoder reads (docs/protocol.md §1.1).
 *
 * - useRecords/variableMapSize: no cbor-x record extensions, definite-length maps.
 * - tagUint8Array false: byte strings go out as major type 2 alone. cbor-x would otherwise
 *   put tag 64 (RFC 8746 typed array) in front of every Uint8Array, which made the COSE
 *   Sig_structure's empty external_aad `d8 40 40` instead of `40` (RFC 9052 §4.4).
 * - useTag259ForMaps false: COSE headers are Maps with integer labels, written as plain maps.
 * - int64AsNumber: a C encoder (nanocbor, tinycbor) writes integers >= 2^32 with an 8-byte
 *   argument (RFC 8949 §3.1, additional info 27); our counters stay below 2^53.
 */
const options = {
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  int64AsNumber: true,
  useTag259ForMaps: false,
  tagUint8Array: false,
} as const;
const encoder = new Encoder(options);
const decoder = new Decoder(options);

/** Encodes `value` as plain CBOR: integers as integers at any size, bytes untagged. */
export function encodeCbor(value: unknown): Buffer {
  return encoder.encode(integersAsIntegers(value));
}

export function decodeCbor(bytes: Uint8Array): unknown {
  const value: unknown = decoder.decode(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  );
  refuseCycles(value, new Set());
  return value;
}

/**
 * cbor-x reads the value-sharing tags 28/29 (not RFC 8949, not the protocol) into objects
 * that contain themselves, which no encoder can write back (JSON.stringify throws, cbor-x
 * overflows its stack): a device's `reply.result` of `28([29(0)])` was accepted. Throws on
 * a cycle; a value shared twice without one is harmless.
 */
function refuseCycles(value: unknown, ancestors: Set<object>): void {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
  if (ancestors.has(value)) throw new Error('a value that contains itself (CBOR tags 28/29)');
  ancestors.add(value);
  const children =
    value instanceof Map
      ? [...value.keys(), ...value.values()]
      : value instanceof Set
        ? [...value]
        : value instanceof Tag
          ? [value.value]
          : Object.values(value);
  for (const child of children) refuseCycles(child, ancestors);
  ancestors.delete(value);
}

/**
 * cbor-x writes an integer outside the 32-bit range as a float64 (`createdAt`, `ts`), but
 * RFC 8949 §3.1 has integers up to 2^64 and our schemas say uint. A BigInt is written as
 * an integer, so safe integers beyond 32 bits become BigInts on the way out. Byte strings
 * are not walked into.
 */
function integersAsIntegers(value: unknown): unknown {
  if (typeof value === 'number') {
    const wide = Number.isSafeInteger(value) && (value > 0xffffffff || value < -0x100000000);
    return wide ? BigInt(value) : value;
  }
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map(integersAsIntegers);
  if (value instanceof Tag) return new Tag(integersAsIntegers(value.value), value.tag);
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [k, integersAsIntegers(v)] as const));
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = integersAsIntegers(v);
  return out;
}
