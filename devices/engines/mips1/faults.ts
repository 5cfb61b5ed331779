import type { Fault } from '../engine';
import { hex } from '../core';
import type { GuestMemory } from './memory';

/**
 * Builders for the faults the interpreter raises (slow paths only). MIPS-I raises an
 * address error for a misaligned access (checked first, as on the R3000), and this
 * engine raises bad_address for anything outside the mapped range.
 */
export function loadFault(memory: GuestMemory, pc: number, address: number, bytes: number): Fault {
  const a = address >>> 0;
  if (a & (bytes - 1)) return misaligned(pc, a, `load of ${bytes} bytes`);
  return {
    code: 'bad_address',
    pc,
    address: a,
    message: `load at ${hex(pc)} from ${hex(a)}, outside guest memory [${hex(memory.loadLo)}, ${hex(memory.size)})`,
  };
}

export function storeFault(memory: GuestMemory, pc: number, address: number, bytes: number): Fault {
  const a = address >>> 0;
  if (a & (bytes - 1)) return misaligned(pc, a, `store of ${bytes} bytes`);
  const inText = a + bytes > memory.loadLo && a < memory.storeLo;
  const where = inText
    ? 'into read-only text (code and constants; self-modifying code is not supported)'
    : `outside writable memory [${hex(memory.storeLo)}, ${hex(memory.size)})`;
  return {
    code: 'bad_address',
    pc,
    address: a,
    message: `store at ${hex(pc)} to ${hex(a)} ${where}`,
  };
}

export function fetchFault(pc: number): Fault {
  if (pc & 3) return misaligned(pc, pc, 'instruction fetch');
  return {
    code: 'bad_address',
    pc,
    address: pc,
    message: `instruction fetch from ${hex(pc)}, outside the program's text`,
  };
}

/** A checked $sp write (see decode.ts) left the stack region the image asked for. */
export function stackExhausted(
  pc: number,
  sp: number,
  cpu: { stackLimit: number; stackSpan: number },
): Fault {
  const limit = cpu.stackLimit >>> 0;
  const a = sp >>> 0;
  const top = limit + cpu.stackSpan;
  let why = `above the top of guest memory ${hex(top)}`;
  if (a < limit || a >= 0x80000000) {
    const used = top - 16 - (sp | 0);
    why = `${used} bytes of stack in use, ${cpu.stackSpan - 16} granted (the image's stackBytes; STACK_BYTES_<name> in firmware/Makefile)`;
  }
  return {
    code: 'stack_exhausted',
    pc,
    address: a,
    message: `$sp set to ${hex(a)} at ${hex(pc)}, outside the stack [${hex(limit)}, ${hex(limit + cpu.stackSpan)}]: ${why}`,
  };
}

export function illegalInstruction(pc: number, word: number): Fault {
  return {
    code: 'illegal_instruction',
    pc,
    message: `reserved or unsupported instruction ${hex(word)} at ${hex(pc)} (MIPS-I user ISA without coprocessors)`,
  };
}

export function branchInDelaySlot(pc: number): Fault {
  return {
    code: 'illegal_instruction',
    pc,
    message: `jump or branch at ${hex(pc)} sits in the delay slot of another one (UNPREDICTABLE on MIPS)`,
  };
}

export function overflow(pc: number): Fault {
  return {
    code: 'overflow',
    pc,
    message: `signed overflow in add/addi/sub at ${hex(pc)} (use addu/addiu/subu for wrap-around)`,
  };
}

export function breakpoint(pc: number, code: number): Fault {
  return { code: 'break', pc, message: `break ${code} at ${hex(pc)}` };
}

function misaligned(pc: number, address: number, what: string): Fault {
  return {
    code: 'misaligned',
    pc,
    address,
    message: `${what} at ${hex(pc)}: address ${hex(address)} is not naturally aligned`,
  };
}
