import type { GuestMemoryView } from '../engine';

/**
 * Script VMs have no flat guest memory, but the ABI passes strings and the condition
 * struct by pointer. Each call writes its arguments into this small buffer and passes
 * their offsets, so the device's syscall handlers stay the same for every engine.
 */
export class ScratchMemory implements GuestMemoryView {
  private readonly bytes: Uint8Array;
  private used = 0;

  constructor(size = 2048) {
    this.bytes = new Uint8Array(size);
  }

  /** Forgets what earlier calls wrote: call once per syscall. */
  clear(): void {
    this.used = 0;
  }

  /** Writes `text` NUL-terminated and returns its address. */
  putCString(text: string): number {
    const encoded = new TextEncoder().encode(text);
    const address = this.reserve(encoded.length + 1);
    this.bytes.set(encoded, address);
    this.bytes[address + encoded.length] = 0;
    return address;
  }

  /** Writes little-endian int32 words and returns their address. */
  putInt32s(words: readonly number[]): number {
    const address = this.reserve(words.length * 4);
    const view = new DataView(this.bytes.buffer, address, words.length * 4);
    words.forEach((word, i) => view.setInt32(i * 4, word, true));
    return address;
  }

  readBytes(address: number, length: number): Uint8Array {
    this.check(address, length);
    return this.bytes.slice(address, address + length);
  }

  readCString(address: number, maxBytes: number): string {
    const end = Math.min(this.bytes.length, address + maxBytes + 1);
    this.check(address, 0);
    const nul = this.bytes.subarray(address, end).indexOf(0);
    if (nul < 0) throw new Error(`string at ${address} longer than ${maxBytes} bytes`);
    return new TextDecoder().decode(this.bytes.subarray(address, address + nul));
  }

  writeBytes(address: number, bytes: Uint8Array): void {
    this.check(address, bytes.length);
    this.bytes.set(bytes, address);
  }

  private reserve(length: number): number {
    if (this.used + length > this.bytes.length) {
      throw new Error(`syscall arguments need more than ${this.bytes.length} bytes`);
    }
    const address = this.used;
    this.used += length;
    return address;
  }

  private check(address: number, length: number): void {
    if (!Number.isInteger(address) || address < 0 || address + length > this.bytes.length) {
      throw new Error(`scratch access [${address}, +${length}) outside ${this.bytes.length} bytes`);
    }
  }
}
