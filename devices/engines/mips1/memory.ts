import { GuestAccessError, hex } from '../core';
import type { GuestMemoryView } from '../engine';

/** Largest guest memory this engine maps; keeps every span below 2^30 (see `spanCheck`). */
export const MAX_MEMORY_BYTES = 256 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8');

/**
 * The guest's flat little-endian address space `[0, size)` in one buffer, with typed views
 * the interpreter indexes directly. Mapped for loads: `[loadLo, size)`; for stores:
 * `[storeLo, size)`, where `storeLo` is the end of text, so text (code and read-only data)
 * cannot be written and self-modifying code faults instead of running stale decodes.
 *
 * The interpreter checks an access of n bytes at `a` with one unsigned compare:
 * `((a - lo) | ((a & (n - 1)) << 30)) >>> 0 < span_n`, where `span_n = size - lo - (n - 1)`.
 * A misaligned address sets bit 30 or 31, which no span (< 2^30) reaches.
 */
export class GuestMemory implements GuestMemoryView {
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  loadLo = 0;
  storeLo = 0;

  constructor(readonly size: number) {
    // Typed views need whole elements; the rounding bytes are never reachable (spans stop at size).
    const buffer = new ArrayBuffer(Math.ceil(size / 4) * 4);
    this.u8 = new Uint8Array(buffer);
    this.i8 = new Int8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.i16 = new Int16Array(buffer);
    this.i32 = new Int32Array(buffer);
  }

  /** Zeroes memory and maps `payload` at `loadLo`, its first `textBytes` read-only. */
  map(loadLo: number, textBytes: number, payload: Uint8Array): void {
    this.u8.fill(0);
    this.u8.set(payload, loadLo);
    this.loadLo = loadLo;
    this.storeLo = loadLo + textBytes;
  }

  /** Unsigned bound for `spanCheck` of an n-byte load. */
  loadSpan(bytes: 1 | 2 | 4): number {
    return this.size - this.loadLo - (bytes - 1);
  }

  /** Unsigned bound for `spanCheck` of an n-byte store. */
  storeSpan(bytes: 1 | 2 | 4): number {
    return this.size - this.storeLo - (bytes - 1);
  }

  isLoadable(address: number, length: number): boolean {
    return address >= this.loadLo && length >= 0 && address + length <= this.size;
  }

  isStorable(address: number, length: number): boolean {
    return address >= this.storeLo && length >= 0 && address + length <= this.size;
  }

  // GuestMemoryView: what syscall handlers may touch. Addresses arrive as the guest's
  // register values, possibly negative int32s, so they are read as unsigned first.

  readBytes(address: number, length: number): Uint8Array {
    const start = address >>> 0;
    if (!Number.isInteger(length) || !this.isLoadable(start, length)) {
      throw this.outside('read', start, length);
    }
    return this.u8.slice(start, start + length);
  }

  readCString(address: number, maxBytes: number): string {
    const start = address >>> 0;
    if (!this.isLoadable(start, 1)) throw this.outside('read', start, 1);
    const limit = Math.min(start + maxBytes, this.size);
    const nul = this.u8.subarray(start, limit).indexOf(0);
    if (nul >= 0) return utf8.decode(this.u8.subarray(start, start + nul));
    if (limit === this.size && start + maxBytes > this.size) {
      throw new GuestAccessError(
        'bad_address',
        `string at ${hex(start)} runs past the end of guest memory`,
        this.size,
      );
    }
    throw new GuestAccessError(
      'bad_syscall',
      `string at ${hex(start)} has no NUL terminator within ${maxBytes} bytes`,
      start,
    );
  }

  writeBytes(address: number, bytes: Uint8Array): void {
    const start = address >>> 0;
    if (!this.isStorable(start, bytes.length)) throw this.outside('write', start, bytes.length);
    this.u8.set(bytes, start);
  }

  private outside(what: 'read' | 'write', address: number, length: number): GuestAccessError {
    const lo = what === 'read' ? this.loadLo : this.storeLo;
    return new GuestAccessError(
      'bad_address',
      `${what} of ${length} bytes at ${hex(address)} is outside [${hex(lo)}, ${hex(this.size)})`,
      address,
    );
  }
}
