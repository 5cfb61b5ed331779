/** What the ISA engines share about guest memory: its errors, its formatting, read limits. */

/** Most bytes one readMemory() call returns. */
export const MAX_READ_BYTES = 4096;

/** `0x`-prefixed unsigned hex, as fault messages and inspections print guest addresses. */
export function hex(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}

/** A syscall handler touched guest memory it may not: the engine turns this into a fault. */
export class GuestAccessError extends Error {
  constructor(
    readonly code: 'bad_address' | 'bad_syscall',
    message: string,
    readonly address?: number,
  ) {
    super(message);
  }
}

/** readMemory()'s bound on one read: an integer in [0, MAX_READ_BYTES], or a RangeError. */
export function checkReadLength(length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > MAX_READ_BYTES) {
    throw new RangeError(`length ${length} must be an integer in [0, ${MAX_READ_BYTES}]`);
  }
}
