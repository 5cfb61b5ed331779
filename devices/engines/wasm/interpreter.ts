import type { Machine, Stop } from './machine';

/** What the engine needs from an execution mode (classic.ts, fast.ts). */
export interface Interpreter {
  /** Size of the mode's own code form and tables, for memory reports. */
  readonly engineBytes: number;
  /** Pushes a frame for defined function `func` (arguments on the stack) and jumps to it. */
  enter(m: Machine, func: number, returnPc: number): void;
  /** Runs at most `budget` of the mode's instructions. */
  execute(m: Machine, budget: number): Stop;
  /** Byte offset in the module of the instruction at `pc` (for faults and inspect). */
  sourceOffset(pc: number): number;
}
