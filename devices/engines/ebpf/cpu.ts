import { MAX_CALL_DEPTH } from '../../../src/protocol/images/rbf/layout';
import type { Fault } from '../engine';
import { REGISTER_SLOTS } from './ops';

/** Int32 slots one saved frame takes: return pc, r6..r9 (lo, hi), r10 (lo; hi is 0). */
export const FRAME_SLOTS = 10;
/** Slot of r10's low word in the register file. */
export const R10 = 20;

/** Architectural state plus what the last execute() call reports. */
export class CpuState {
  /** r0..r10 as (lo, hi) pairs: rN's low word at 2N, high word at 2N + 1. */
  readonly regs = new Int32Array(REGISTER_SLOTS);
  /** Index of the next instruction slot. */
  pc = 0;
  /** Saved caller frames of bpf-to-bpf calls (RFC 9669 §4.3.1: r6..r9 are callee-saved). */
  readonly frames = new Int32Array(MAX_CALL_DEPTH * FRAME_SLOTS);
  depth = 0;
  /** Lowest stack address any frame could reach: for the memory report. */
  lowestStack = 0;

  /** Instructions the last execute() completed. */
  executed = 0;
  /** The helper call, exit or faulting instruction that stopped execute(). */
  stopPc = 0;
  fault: Fault | null = null;

  /** Sets register n to a signed 32-bit value, sign-extended to 64 bits. */
  setInt(n: number, value: number): void {
    this.regs[2 * n] = value;
    this.regs[2 * n + 1] = value >> 31;
  }
}
