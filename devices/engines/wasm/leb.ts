/**
 * Run-time LEB128 decoding for the classic interpreter (WebAssembly Core Spec §5.2.2),
 * on bytes the validator already accepted. One-byte values are decoded inline by the
 * loop; these are the multi-byte slow paths. `lebEnd` gives the offset after a value.
 */
export function lebEnd(code: Uint8Array, at: number): number {
  while (code[at] & 0x80) at++;
  return at + 1;
}

export function readU32(code: Uint8Array, at: number): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = code[at++];
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return result >>> 0;
    shift += 7;
  }
}

export function readS32(code: Uint8Array, at: number): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = code[at++];
    result |= (byte & 0x7f) << shift;
    shift += 7;
    if ((byte & 0x80) === 0) return shift < 32 ? (result << (32 - shift)) >> (32 - shift) : result;
  }
}

/** An i64 immediate into words `w` and `w + 1` of `s` (low first). */
export function readS64Into(code: Uint8Array, at: number, s: Int32Array, w: number): void {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const byte = code[at++];
    result |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if ((byte & 0x80) === 0) break;
  }
  const value = BigInt.asIntN(64, shift < 64n ? BigInt.asIntN(Number(shift), result) : result);
  s[w] = Number(BigInt.asIntN(32, value));
  s[w + 1] = Number(value >> 32n);
}

/** Four raw little-endian bytes as an int32 (f32 constants keep their bits). */
export function readI32Bits(code: Uint8Array, at: number): number {
  return code[at] | (code[at + 1] << 8) | (code[at + 2] << 16) | (code[at + 3] << 24);
}
