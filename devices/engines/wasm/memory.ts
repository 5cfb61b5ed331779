import type { GuestMemoryView } from '../engine';
import { PAGE_BYTES } from '../../../src/protocol/images/wasm';
import { hex, outOfBounds, Trap } from './trap';

const utf8 = new TextDecoder('utf-8');

/**
 * The module's linear memory (WebAssembly Core Spec §4.2.8) capped by the board: the
 * declared pages exist (memory.size reports them), but only `[0, cap)` is accessible,
 * `cap` = min(declared bytes, limits.memoryBytes); any access at or past it traps
 * `bad_address` (docs/guest-abi.md, "wasm images"). Only the accessible part is allocated.
 * The interpreters check `ea + width <= cap` (`ea` < 2^33, exact in a double) and index
 * the typed views directly: `i32[ea >> 2]` when aligned, the DataView otherwise.
 */
export class LinearMemory implements GuestMemoryView {
  pages = 0;
  maxPages = 0;
  cap = 0;
  u8 = new Uint8Array(0);
  i32 = new Int32Array(0);
  f32 = new Float32Array(0);
  f64 = new Float64Array(0);
  dv = new DataView(this.u8.buffer);
  /**
   * One byte per TOUCH_BLOCK bytes of memory, set by every store (both interpreters and
   * syscall writes): what the program really wrote, for the peak-RAM figure. Zeroed
   * with the memory; a store marks the block of its first and of its last byte.
   */
  touched = new Uint8Array(0);

  constructor(private readonly capBytes: number) {}

  /** Fresh zeroed memory of `pages` pages, growable to `maxPages`. */
  reset(pages: number, maxPages: number): void {
    this.pages = pages;
    this.maxPages = maxPages;
    this.allocate(Math.min(pages * PAGE_BYTES, this.capBytes));
  }

  /**
   * §4.4.7.5 memory.grow: the old size in pages, or -1. Growth past the cap rounded up to
   * whole pages fails: those pages could never be touched.
   */
  grow(delta: number): number {
    const old = this.pages;
    const wanted = old + delta;
    if (wanted > this.maxPages || wanted * PAGE_BYTES > roundUpToPage(this.capBytes)) return -1;
    this.pages = wanted;
    const bytes = Math.min(wanted * PAGE_BYTES, this.capBytes);
    if (bytes > this.cap) {
      const before = this.u8;
      const touched = this.touched;
      this.allocate(bytes);
      this.u8.set(before);
      this.touched.set(touched);
    }
    return old;
  }

  /** Bytes in use: the declared pages, within the cap. */
  get size(): number {
    return this.cap;
  }

  // GuestMemoryView for syscall handlers: pointers arrive as i32 and are read unsigned.

  readBytes(address: number, length: number): Uint8Array {
    const start = address >>> 0;
    this.check(start, length);
    return this.u8.slice(start, start + length);
  }

  readCString(address: number, maxBytes: number): string {
    const start = address >>> 0;
    this.check(start, 1);
    const limit = Math.min(start + maxBytes, this.cap);
    const nul = this.u8.subarray(start, limit).indexOf(0);
    if (nul >= 0) return utf8.decode(this.u8.subarray(start, start + nul));
    if (start + maxBytes > this.cap) {
      throw new Trap(
        'bad_address',
        `string at ${hex(start)} runs past the end of linear memory`,
        this.cap,
      );
    }
    throw new Trap(
      'bad_syscall',
      `string at ${hex(start)} has no NUL terminator within ${maxBytes} bytes`,
      start,
    );
  }

  writeBytes(address: number, bytes: Uint8Array): void {
    const start = address >>> 0;
    this.check(start, bytes.length);
    this.u8.set(bytes, start);
    if (bytes.length > 0)
      this.touched.fill(1, start >> TOUCH_SHIFT, ((start + bytes.length - 1) >> TOUCH_SHIFT) + 1);
  }

  /** Bytes of the blocks any store touched, leaving out the given disjoint ranges. */
  touchedBytes(exclude: ReadonlyArray<readonly [number, number]>): number {
    let total = 0;
    const t = this.touched;
    for (let block = 0; block < t.length; block++) {
      if (t[block] === 0) continue;
      const start = block << TOUCH_SHIFT;
      const end = Math.min(start + TOUCH_BLOCK, this.cap);
      let bytes = end - start;
      for (const [from, to] of exclude)
        bytes -= Math.max(0, Math.min(end, to) - Math.max(start, from));
      total += bytes;
    }
    return total;
  }

  check(start: number, length: number): void {
    if (!Number.isInteger(length) || length < 0 || start + length > this.cap) {
      throw outOfBounds(start, length, this.cap);
    }
  }

  private allocate(bytes: number): void {
    // Whole 8-byte elements for the f64 view; the rounding bytes are past cap, never reached.
    const buffer = new ArrayBuffer(Math.ceil(bytes / 8) * 8);
    this.cap = bytes;
    this.u8 = new Uint8Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.dv = new DataView(buffer);
    this.touched = new Uint8Array((bytes >> TOUCH_SHIFT) + 1);
  }
}

/** Granularity of LinearMemory.touched: 64 bytes (log2 6). */
export const TOUCH_SHIFT = 6;
const TOUCH_BLOCK = 1 << TOUCH_SHIFT;

const roundUpToPage = (bytes: number) => Math.ceil(bytes / PAGE_BYTES) * PAGE_BYTES;
