import { hex } from '../core';
import type { Fault } from '../engine';
import type { EbpfMemory } from './memory';

/** The full 64-bit guest address hi:lo + offset, as hex (fault messages only). */
function address64(hi: number, lo: number, offset: number): bigint {
  return BigInt.asUintN(64, ((BigInt(hi) << 32n) | BigInt(lo >>> 0)) + BigInt(offset));
}

/** Fault.address is a number: the address when it is one of the 32-bit space, else its low 32 bits. */
const asNumber = (a: bigint) => Number(a & 0xffff_ffffn);

/**
 * An n-byte load or store outside the regions that allow it (Femto-Container:
 * BPF_ILLEGAL_MEM). pc is the instruction index.
 */
export function memoryFault(
  memory: EbpfMemory,
  pc: number,
  write: boolean,
  n: number,
  hi: number,
  lo: number,
  offset: number,
): Fault {
  const a = address64(hi, lo, offset);
  const region = a < 0x1_0000_0000n ? memory.regionAt(Number(a)) : undefined;
  const why =
    region === undefined
      ? `outside every ${write ? 'writable' : 'readable'} region (${memory.describe(write)})`
      : write && !region.writable
        ? `into read-only ${region.name}`
        : `past the end of ${region.name} [${hex(region.base)}, ${hex(region.base + region.bytes)})`;
  return {
    code: 'bad_address',
    pc,
    address: asNumber(a),
    message: `${write ? 'store' : 'load'} of ${n} bytes at instruction ${pc} ${write ? 'to' : 'from'} 0x${a.toString(16)}: ${why}`,
  };
}

export function callTooDeep(pc: number, depth: number): Fault {
  return {
    code: 'stack_exhausted',
    pc,
    message: `bpf-to-bpf call at instruction ${pc} would nest ${depth + 1} calls deep; the limit is ${depth}`,
  };
}

export function stackOverflow(pc: number, needed: number, base: number): Fault {
  return {
    code: 'stack_exhausted',
    pc,
    address: needed >>> 0,
    message: `bpf-to-bpf call at instruction ${pc} needs stack down to ${hex(needed)}, below the stack region's base ${hex(base)}`,
  };
}

export function helperFault(pc: number, helper: number, message: string): Fault {
  return {
    code: 'bad_syscall',
    pc,
    message: `helper 0x${(helper >>> 0).toString(16)} at instruction ${pc}: ${message}`,
  };
}
