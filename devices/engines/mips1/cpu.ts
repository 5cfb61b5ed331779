import type { Fault } from '../engine';
import { REGISTER_FILE_SIZE } from './ops';

/**
 * pc/npc value for a jump to a misaligned address: the fetch there faults, and the
 * address itself is kept in `misalignedTarget`. Real offsets are multiples of 4, never -1.
 */
export const MISALIGNED_TARGET = -1;

/** Architectural state plus what the last `execute()` call reports. */
export class CpuState {
  /** r0..r31, then the scratch register that absorbs writes to r0 (see ops.ts). */
  readonly regs = new Int32Array(REGISTER_FILE_SIZE);
  hi = 0;
  lo = 0;
  /**
   * Byte offsets into text of the instruction to run next and the one after it: npc is
   * where a taken branch puts its target, which gives the MIPS branch delay slot.
   */
  pc = 0;
  npc = 4;
  misalignedTarget = 0;
  /** Lowest $sp seen at calls, returns and syscalls: the stack depth for memory reports. */
  lowestSp = 0;
  /**
   * The stack region [stackLimit, stackLimit + stackSpan]: a checked $sp write outside it
   * faults stack_exhausted (program.ts sets it from the image's stackBytes).
   */
  stackLimit = 0;
  stackSpan = 0x7fffffff;

  /** Instructions the last execute() completed. */
  executed = 0;
  /** Offset of the syscall, faulting instruction or failed fetch that stopped execute(). */
  stopPc = 0;
  fault: Fault | null = null;

  constructor(readonly loadAddress: number) {}

  /** Sets pc to `address` (any value: a fetch from a bad one faults when it happens). */
  jumpTo(address: number): void {
    this.pc = this.offsetOf(address);
    this.npc = (this.pc + 4) | 0;
  }

  offsetOf(address: number): number {
    if ((address & 3) === 0) return (address - this.loadAddress) | 0;
    this.misalignedTarget = address;
    return MISALIGNED_TARGET;
  }

  addressOf(offset: number): number {
    return offset === MISALIGNED_TARGET
      ? this.misalignedTarget >>> 0
      : (this.loadAddress + offset) >>> 0;
  }
}
