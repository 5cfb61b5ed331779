import {
  HELPER_BUFFER_BYTES,
  MAX_REGION_BYTES,
  REGION,
  STACK_BYTES,
} from '../../../src/protocol/images/rbf/layout';
import { GuestAccessError, hex } from '../core';
import type { GuestMemoryView } from '../engine';

const utf8 = new TextDecoder('utf-8');

/** One guest memory region (layout.ts): where it sits for the guest and in the buffer. */
interface Region {
  readonly name: 'stack' | 'data' | 'rodata' | 'helper';
  readonly base: number;
  readonly bytes: number;
  readonly offset: number;
  readonly writable: boolean;
}

/**
 * The guest's regions in one buffer: stack | data | rodata | helper buffer. Every access
 * goes through loadOffset/storeOffset, which map a guest address to a buffer offset or -1.
 * Addresses are 64-bit: (hi, lo) with lo as a non-negative double; every region lies
 * below 2^31, so an address is mapped only when hi is 0.
 */
export class EbpfMemory implements GuestMemoryView {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly regions: readonly Region[];
  private readonly stack: Region;
  private readonly data: Region;
  private readonly rodata: Region;
  private readonly helper: Region;

  constructor(
    private readonly initialData: Uint8Array,
    rodata: Uint8Array,
  ) {
    for (const [name, length] of [
      ['data', initialData.length],
      ['rodata', rodata.length],
    ] as const) {
      if (length > MAX_REGION_BYTES)
        throw new RangeError(`${name} of ${length} bytes exceeds ${MAX_REGION_BYTES}`);
    }
    let offset = 0;
    const region = (name: Region['name'], bytes: number, writable: boolean): Region => {
      const r = { name, base: REGION[name], bytes, offset, writable };
      offset += bytes;
      return r;
    };
    this.stack = region('stack', STACK_BYTES, true);
    this.data = region('data', initialData.length, true);
    this.rodata = region('rodata', rodata.length, false);
    this.helper = region('helper', HELPER_BUFFER_BYTES, false);
    this.regions = [this.stack, this.data, this.rodata, this.helper];
    this.bytes = new Uint8Array(offset);
    this.view = new DataView(this.bytes.buffer);
    this.bytes.set(rodata, this.rodata.offset);
    this.reset();
  }

  /** Initial r10: the top of the stack region. */
  get stackTop(): number {
    return REGION.stack + STACK_BYTES;
  }

  get totalBytes(): number {
    return this.bytes.length;
  }

  /** Fresh data and a zeroed stack and helper buffer; rodata never changes. */
  reset(): void {
    this.bytes.fill(0, this.stack.offset, this.stack.offset + this.stack.bytes);
    this.bytes.set(this.initialData, this.data.offset);
    this.bytes.fill(0, this.helper.offset, this.helper.offset + this.helper.bytes);
  }

  /** Buffer offset of an n-byte load at (hi, a), or -1: stack, data, rodata, helper. */
  loadOffset(hi: number, a: number, n: number): number {
    if (hi !== 0) return -1;
    let o = a - REGION.stack;
    if (o >= 0 && o <= STACK_BYTES - n) return o;
    o = a - REGION.data;
    if (o >= 0 && o <= this.data.bytes - n) return this.data.offset + o;
    o = a - REGION.rodata;
    if (o >= 0 && o <= this.rodata.bytes - n) return this.rodata.offset + o;
    o = a - REGION.helper;
    if (o >= 0 && o <= HELPER_BUFFER_BYTES - n) return this.helper.offset + o;
    return -1;
  }

  /** Buffer offset of an n-byte store at (hi, a), or -1: stack and data only. */
  storeOffset(hi: number, a: number, n: number): number {
    if (hi !== 0) return -1;
    let o = a - REGION.stack;
    if (o >= 0 && o <= STACK_BYTES - n) return o;
    o = a - REGION.data;
    if (o >= 0 && o <= this.data.bytes - n) return this.data.offset + o;
    return -1;
  }

  /** The region holding address a (for fault messages), if any. */
  regionAt(a: number): Region | undefined {
    return this.regions.find((r) => a >= r.base && a < r.base + Math.max(r.bytes, 1));
  }

  /** Copies text (NUL-terminated, truncated to fit) into the helper buffer; returns its address. */
  writeHelperBuffer(text: Uint8Array): number {
    const n = Math.min(text.length, HELPER_BUFFER_BYTES - 1);
    this.bytes.set(text.subarray(0, n), this.helper.offset);
    this.bytes[this.helper.offset + n] = 0;
    return REGION.helper;
  }

  // GuestMemoryView: helpers and syscall handlers. Addresses arrive as 32-bit values.

  readBytes(address: number, length: number): Uint8Array {
    const a = address >>> 0;
    const o = Number.isInteger(length) && length >= 0 ? this.loadOffset(0, a, length) : -1;
    if (o < 0) throw this.outside('read', a, length);
    return this.bytes.slice(o, o + length);
  }

  readCString(address: number, maxBytes: number): string {
    const a = address >>> 0;
    const region = this.regionAt(a);
    if (region === undefined || region.bytes === 0) throw this.outside('read', a, 1);
    const start = region.offset + (a - region.base);
    const end = region.offset + region.bytes;
    const nul = this.bytes.subarray(start, Math.min(end, start + maxBytes)).indexOf(0);
    if (nul >= 0) return utf8.decode(this.bytes.subarray(start, start + nul));
    if (end - start < maxBytes) {
      throw new GuestAccessError(
        'bad_address',
        `string at ${hex(a)} runs past the end of ${region.name} (${hex(region.base + region.bytes)})`,
        region.base + region.bytes,
      );
    }
    throw new GuestAccessError(
      'bad_syscall',
      `string at ${hex(a)} has no NUL terminator within ${maxBytes} bytes`,
      a,
    );
  }

  writeBytes(address: number, bytes: Uint8Array): void {
    const a = address >>> 0;
    const o = this.storeOffset(0, a, bytes.length);
    if (o < 0) throw this.outside('write', a, bytes.length);
    this.bytes.set(bytes, o);
  }

  /** Human-readable map of the regions, for fault messages. */
  describe(write: boolean): string {
    return this.regions
      .filter((r) => r.writable || !write)
      .map((r) => `${r.name} [${hex(r.base)}, ${hex(r.base + r.bytes)})`)
      .join(', ');
  }

  private outside(what: 'read' | 'write', a: number, length: number): GuestAccessError {
    return new GuestAccessError(
      'bad_address',
      `${what} of ${length} bytes at ${hex(a)} is outside the ${what === 'read' ? 'readable' : 'writable'} regions: ${this.describe(what === 'write')}`,
      a,
    );
  }
}
