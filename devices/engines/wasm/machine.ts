import type { Fault } from '../engine';
import { LinearMemory } from './memory';
import type { Program } from './program';
import { Trap } from './trap';

/** int32 words per value slot: every value takes 8 bytes; i32/f32 use the low word. */
export const SLOT = 2;
/** int32 words per call frame: caller function, return pc, caller fp, caller label top. */
export const FRAME = 4;
/** pc of the frame that entered the guest: returning there ends _start or an invoke(). */
export const HOST_RETURN = -1;

export interface StackLimits {
  /** Nested calls before `stack_exhausted` (WAMR's default native stack allows ~ this). */
  maxCallDepth: number;
  /** Value stack slots (8 bytes each) shared by locals and operands of all frames. */
  valueStackSlots: number;
}

export const DEFAULT_STACK_LIMITS: StackLimits = { maxCallDepth: 1024, valueStackSlots: 16384 };

/** Why an interpreter loop returned. */
export const enum Stop {
  Budget, // ran its budget
  Import, // a call to import `importIndex`; its arguments are on the stack, pc is after the call
  Returned, // the frame at depth 1 returned; its result, if any, is in slot 0
  Trap, // `fault` says what
}

/**
 * Everything that changes while a guest runs, shared by the classic and fast loops:
 * values on an explicit stack (no JS recursion per wasm call), frames in an Int32Array,
 * so a run can stop after any instruction and resume exactly.
 */
export class Machine {
  readonly stack: ArrayBuffer;
  readonly s32: Int32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly i64: BigInt64Array;
  /** Next free word, frame base, next instruction (mode-specific), current function. */
  sp = 0;
  fp = 0;
  pc = 0;
  func = -1;
  readonly frames: Int32Array;
  depth = 0;
  /** Classic mode's label stack (see classic.ts) and its top; empty in fast mode. */
  readonly labels: Int32Array;
  lsp = 0;
  readonly globals: Int32Array;
  readonly globalsF32: Float32Array;
  readonly globalsF64: Float64Array;
  /** Function index per table entry, -1 where uninitialised. */
  table: Int32Array = new Int32Array(0);
  readonly memory: LinearMemory;
  /** Lowest value the stack-pointer global (global 0) took: the guest's stack depth. */
  lowestStackPointer = 0;
  /** The function the last popFrame() left: tells what returned to the host. */
  returnedFrom = -1;
  executed = 0;
  importIndex = -1;
  /** Instruction (mode-specific pc) that trapped or called the import. */
  stopPc = 0;
  fault: Fault | null = null;

  constructor(
    readonly program: Program,
    readonly limits: StackLimits,
    labelWords: number,
  ) {
    this.labels = new Int32Array(labelWords);
    this.stack = new ArrayBuffer(limits.valueStackSlots * 8);
    this.s32 = new Int32Array(this.stack);
    this.f32 = new Float32Array(this.stack);
    this.f64 = new Float64Array(this.stack);
    this.i64 = new BigInt64Array(this.stack);
    this.frames = new Int32Array((limits.maxCallDepth + 1) * FRAME);
    const globalBuffer = new ArrayBuffer(Math.max(program.validated.module.globals.length, 1) * 8);
    this.globals = new Int32Array(globalBuffer);
    this.globalsF32 = new Float32Array(globalBuffer);
    this.globalsF64 = new Float64Array(globalBuffer);
    this.memory = new LinearMemory(program.memoryLimit);
  }

  /**
   * Pushes a frame for `callee`, whose arguments are the top values of the stack, and
   * zeroes its declared locals. The caller sets pc to the callee's entry.
   * Traps `stack_exhausted` past the call depth or value stack limit.
   */
  pushFrame(callee: number, returnPc: number): void {
    const p = this.program;
    if (this.depth >= this.limits.maxCallDepth) {
      throw new Trap(
        'stack_exhausted',
        `call stack exhausted: more than ${this.limits.maxCallDepth} nested calls`,
      );
    }
    const fp = this.sp - p.paramSlots[callee] * SLOT;
    const localsEnd = fp + p.localSlots[callee] * SLOT;
    if (localsEnd + p.maxStack[callee] * SLOT > this.s32.length) {
      throw new Trap(
        'stack_exhausted',
        `value stack exhausted: ${this.limits.valueStackSlots} slots in use`,
      );
    }
    const base = this.depth * FRAME;
    this.frames[base] = this.func;
    this.frames[base + 1] = returnPc;
    this.frames[base + 2] = this.fp;
    this.frames[base + 3] = this.lsp;
    this.depth++;
    this.s32.fill(0, this.sp, localsEnd);
    this.fp = fp;
    this.sp = localsEnd;
    this.func = callee;
  }

  /** Moves the results to the frame base, pops the frame; returns the caller's pc. */
  popFrame(): number {
    const results = this.program.resultCount[this.func];
    const s = this.s32;
    if (results !== 0) {
      s[this.fp] = s[this.sp - 2];
      s[this.fp + 1] = s[this.sp - 1];
    }
    this.sp = this.fp + results * SLOT;
    this.returnedFrom = this.func;
    this.depth--;
    const base = this.depth * FRAME;
    this.func = this.frames[base];
    this.fp = this.frames[base + 2];
    this.lsp = this.frames[base + 3];
    return this.frames[base + 1];
  }

  /**
   * Every global.set of global 0: tracks the stack depth and, for a C program (the C
   * layout of program.ts), traps `stack_exhausted` when the stack pointer would leave
   * `[stackFloor, stackTop]`: the prologue of the function whose frame does not fit sets
   * it before the frame is used, so an overflow never runs below address 0 (where it
   * would wrap to the top of the address space, or into the data after an i32.add).
   */
  setGlobal0(value: number): void {
    const c = this.program.cLayout;
    if (c !== null) {
      const sp = value >>> 0;
      if (sp < c.stackFloor || sp > c.stackTop) {
        throw new Trap(
          'stack_exhausted',
          `C stack overflow: __stack_pointer would be ${value}, outside the ${c.stackTop - c.stackFloor}-byte stack [${c.stackFloor}, ${c.stackTop}); link with a bigger -z stack-size (firmware/wasm.mk: WASM_STACK_<name>)`,
        );
      }
    }
    if (value < this.lowestStackPointer) this.lowestStackPointer = value;
  }
}
