import { LinearMemory } from '../wasm/memory';

/** The part of the WebAssembly JS API used here (tsconfig's lib has no DOM typings). */
export type V8Module = object;
export interface V8Memory {
  readonly buffer: SharedArrayBuffer;
}
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => V8Module;
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => V8Memory;
}
export const V8 = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/**
 * The interpreter's checked memory view (LinearMemory: readBytes, readCString,
 * writeBytes with its bad_address traps) over the guest's shared WebAssembly.Memory, so
 * syscalls and WASI read and write guest memory exactly as on the interpreter. V8 may
 * grow the memory in the worker: refresh() re-reads its size before each use.
 */
export class SharedGuestMemory extends LinearMemory {
  private seenBytes = -1;

  constructor(
    private readonly shared: V8Memory | null,
    private readonly limitBytes: number,
  ) {
    super(limitBytes);
  }

  static empty(): SharedGuestMemory {
    return new SharedGuestMemory(null, 0);
  }

  refresh(): this {
    const buffer = this.shared?.buffer;
    if (buffer === undefined || buffer.byteLength === this.seenBytes) return this;
    this.seenBytes = buffer.byteLength;
    this.cap = Math.min(buffer.byteLength, this.limitBytes);
    // The interpreter's view types say ArrayBuffer; a shared one reads and writes the same way.
    this.u8 = new Uint8Array(buffer, 0, this.cap) as unknown as Uint8Array<ArrayBuffer>;
    this.dv = new DataView(buffer, 0, this.cap) as unknown as DataView<ArrayBuffer>;
    this.touched = new Uint8Array((this.cap >> 6) + 1);
    return this;
  }
}
