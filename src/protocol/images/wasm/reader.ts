import { hexOffset, WasmImageError } from './errors';

/**
 * Cursor over a module's bytes with the LEB128 and IEEE decoders of the binary format
 * (WebAssembly Core Spec §5.2). Every read past `end` or an over-long/overflowing LEB is
 * a `malformed` WasmImageError naming the offset.
 */
export class ByteReader {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    public offset = 0,
    public end = bytes.length,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get atEnd(): boolean {
    return this.offset >= this.end;
  }

  fail(message: string, at = this.offset): never {
    throw new WasmImageError('malformed', `${message} at ${hexOffset(at)}`, at);
  }

  u8(): number {
    if (this.offset >= this.end) this.fail('unexpected end');
    return this.bytes[this.offset++];
  }

  /** §5.2.2 unsigned LEB128 of at most 32 bits (at most 5 bytes, unused high bits zero). */
  u32(): number {
    const start = this.offset;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.u8();
      if (shift === 28 && byte & 0x70) this.fail('integer too large', start);
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
    }
    return this.fail('integer representation too long', start);
  }

  /** §5.2.2 signed LEB128 of at most 32 bits; the unused bits of the last byte extend the sign. */
  s32(): number {
    const start = this.offset;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.u8();
      if (shift === 28) {
        const high = byte & 0x78;
        if (byte & 0x80 || (high !== 0 && high !== 0x78)) this.fail('integer too large', start);
        return result | ((byte & 0x7f) << 28) | 0;
      }
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0)
        return shift + 7 < 32 ? (result << (25 - shift)) >> (25 - shift) : result;
    }
    return this.fail('integer representation too long', start);
  }

  /** §5.2.2 signed LEB128 of at most 64 bits, as a BigInt in [-2^63, 2^63). */
  s64(): bigint {
    const start = this.offset;
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.u8();
      if (shift === 63n) {
        if (byte & 0x80 || (byte !== 0 && byte !== 0x7f)) this.fail('integer too large', start);
        return BigInt.asIntN(64, result | (BigInt(byte & 0x7f) << shift));
      }
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asIntN(64, BigInt.asIntN(Number(shift) + 7, result));
    }
    return this.fail('integer representation too long', start);
  }

  /** Raw little-endian bits of an f32 (NaN payloads kept). */
  f32Bits(): number {
    this.need(4);
    const bits = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return bits;
  }

  /** Raw little-endian bits of an f64 as [lo, hi]. */
  f64Bits(): [number, number] {
    this.need(8);
    const lo = this.view.getInt32(this.offset, true);
    const hi = this.view.getInt32(this.offset + 4, true);
    this.offset += 8;
    return [lo, hi];
  }

  take(length: number): Uint8Array {
    this.need(length);
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  /**
   * §5.2.4 a name: length-prefixed UTF-8, every code point kept (ignoreBOM: a leading
   * U+FEFF is part of the name, not a byte order mark; names.wast exports both "" and it).
   */
  name(): string {
    const start = this.offset;
    const bytes = this.take(this.u32());
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return this.fail('name is not valid UTF-8', start);
    }
  }

  private need(length: number): void {
    if (length > this.end - this.offset)
      this.fail(`${length} bytes needed, ${this.end - this.offset} left`);
  }
}
