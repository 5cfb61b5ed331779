/**
 * The Femto-Container application image (`.rbf`), as RIOT's `rbpf_header_t` /
 * `rbpf_function_t` define it (sys/include/bpf.h; future-proof-iot/Femto-Container
 * include/femtocontainer/femtocontainer.h). Pure, so the gateway checks uploads with the
 * code devices run. All fields little-endian:
 *
 *   off size field
 *     0    4 magic       "rBPF" (0x72425046 read as a little-endian u32 is "FPBr"; the
 *                         bytes on disk are 'r' 'B' 'P' 'F')
 *     4    4 version     of the application (not of the format: any value is accepted)
 *     8    4 flags       bit 0: compressed text (not supported here)
 *    12    4 data_len    initialised read-write data (our packer appends .bss as zeros)
 *    16    4 rodata_len  read-only data; function names live here too
 *    20    4 text_len    eBPF instructions, 8 bytes each
 *    24    4 functions   entries in the function table
 *    28      data, rodata, text, then `functions` × 6-byte entries:
 *            u16 name_offset (into rodata, NUL-terminated), u16 flags,
 *            u16 location_offset (byte offset of the function's first instruction in text)
 */
import { RbfError } from './errors';

export const RBF_MAGIC = 'rBPF';
export const RBF_HEADER_BYTES = 28;
export const RBF_FUNCTION_BYTES = 6;
/** Header flag of Femto-Container's compressed text encoding, which this runtime refuses. */
export const RBF_FLAG_COMPRESSED = 0x01;
/** Longest function name read from rodata. */
const MAX_NAME_BYTES = 64;

export interface RbfFunction {
  name: string;
  flags: number;
  /** Byte offset in text (a multiple of 8). */
  location: number;
}

export interface RbfImage {
  version: number;
  flags: number;
  data: Uint8Array;
  rodata: Uint8Array;
  text: Uint8Array;
  functions: RbfFunction[];
}

/** Splits an image into its sections and function table; throws RbfError. */
export function parseRbf(bytes: Uint8Array): RbfImage {
  if (bytes.length < RBF_HEADER_BYTES) {
    throw new RbfError(
      'image_too_small',
      `image of ${bytes.length} bytes is shorter than the ${RBF_HEADER_BYTES}-byte rBPF header`,
    );
  }
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== RBF_MAGIC) {
    throw new RbfError('bad_magic', `magic "${magic}" is not "${RBF_MAGIC}": not a .rbf image`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (off: number) => view.getUint32(off, true);
  const [version, flags, dataLen, rodataLen, textLen, count] = [4, 8, 12, 16, 20, 24].map(u32);
  if (flags & RBF_FLAG_COMPRESSED) {
    throw new RbfError('unsupported_flags', 'compressed text (flags bit 0) is not supported');
  }
  const expected = RBF_HEADER_BYTES + dataLen + rodataLen + textLen + count * RBF_FUNCTION_BYTES;
  if (expected !== bytes.length) {
    throw new RbfError(
      'size_mismatch',
      `header announces ${dataLen} data + ${rodataLen} rodata + ${textLen} text bytes and ` +
        `${count} functions (${expected} bytes in all); the image has ${bytes.length}`,
    );
  }
  let at = RBF_HEADER_BYTES;
  const take = (n: number) => bytes.subarray(at, (at += n));
  const data = take(dataLen);
  const rodata = take(rodataLen);
  const text = take(textLen);
  const functions = Array.from({ length: count }, (_, i) =>
    readFunction(view, at + i * RBF_FUNCTION_BYTES, i, rodata, textLen),
  );
  return { version, flags, data, rodata, text, functions };
}

function readFunction(
  view: DataView,
  at: number,
  index: number,
  rodata: Uint8Array,
  textLen: number,
): RbfFunction {
  const nameOffset = view.getUint16(at, true);
  const location = view.getUint16(at + 4, true);
  if (location % 8 !== 0 || location >= textLen) {
    throw new RbfError(
      'bad_function',
      `function ${index}: location_offset ${location} is not an instruction inside the ${textLen}-byte text`,
    );
  }
  const end = rodata.subarray(nameOffset, nameOffset + MAX_NAME_BYTES).indexOf(0);
  if (nameOffset >= rodata.length || end < 0) {
    throw new RbfError(
      'bad_function',
      `function ${index}: name_offset ${nameOffset} is not a NUL-terminated name (≤ ${MAX_NAME_BYTES} bytes) in the ${rodata.length}-byte rodata`,
    );
  }
  const name = String.fromCharCode(...rodata.subarray(nameOffset, nameOffset + end));
  return { name, flags: view.getUint16(at + 2, true), location };
}

/** Builds an image (packer and tests); function names must already be in rodata. */
export function buildRbf(parts: {
  version?: number;
  data?: Uint8Array;
  rodata?: Uint8Array;
  text: Uint8Array;
  functions?: ReadonlyArray<{ nameOffset: number; flags?: number; location: number }>;
}): Uint8Array {
  const data = parts.data ?? new Uint8Array(0);
  const rodata = parts.rodata ?? new Uint8Array(0);
  const functions = parts.functions ?? [];
  const out = new Uint8Array(
    RBF_HEADER_BYTES +
      data.length +
      rodata.length +
      parts.text.length +
      functions.length * RBF_FUNCTION_BYTES,
  );
  const view = new DataView(out.buffer);
  out.set([0x72, 0x42, 0x50, 0x46], 0); // "rBPF"
  const header = [parts.version ?? 0, 0, data.length, rodata.length, parts.text.length];
  header.forEach((value, i) => view.setUint32(4 + 4 * i, value, true));
  view.setUint32(24, functions.length, true);
  let at = RBF_HEADER_BYTES;
  for (const section of [data, rodata, parts.text]) {
    out.set(section, at);
    at += section.length;
  }
  for (const f of functions) {
    view.setUint16(at, f.nameOffset, true);
    view.setUint16(at + 2, f.flags ?? 0, true);
    view.setUint16(at + 4, f.location, true);
    at += RBF_FUNCTION_BYTES;
  }
  return out;
}
