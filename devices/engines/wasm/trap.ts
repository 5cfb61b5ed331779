import type { FaultCode } from '../engine';

/**
 * A WebAssembly trap (Core Spec §4.4.1) raised by an instruction's slow path. The
 * interpreter loops catch it and turn it into a Fault at the instruction's pc; it never
 * reaches the device.
 */
export class Trap extends Error {
  constructor(
    readonly code: FaultCode,
    message: string,
    readonly address?: number,
  ) {
    super(message);
  }
}

export const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

export function divideByZero(): Trap {
  return new Trap('divide_by_zero', 'integer division or remainder by zero');
}

export function integerOverflow(what: string): Trap {
  return new Trap('integer_overflow', `integer overflow: ${what}`);
}

export function invalidConversion(what: string): Trap {
  return new Trap('invalid_conversion', `invalid conversion to integer: ${what} of NaN`);
}

export function outOfBounds(address: number, bytes: number, cap: number): Trap {
  return new Trap(
    'bad_address',
    `out-of-bounds access of ${bytes} bytes at ${address} (${hex(address)}); linear memory is accessible below ${hex(cap)}`,
    address,
  );
}
