import type { FaultCode } from '../engine';

/**
 * The control block the main thread and the guest's worker share (a SharedArrayBuffer):
 * each side writes its fields, then raises its flag and notifies; the other waits on it.
 */
export const CONTROL = {
  /** Int32 words. */
  toWorker: 0,
  toMain: 1,
  command: 2,
  stop: 3,
  /** Syscall: import index; returned value; resume value; trap code index. */
  value: 4,
  /** Syscall: argument count; resume: 1 when a new budget comes with it; invoke: table index. */
  extra: 5,
  /** Up to four arguments as lo/hi word pairs. */
  args: 6,
  /** The lowest C stack pointer so far (the worker copies it at each stop). */
  lowest: 14,
  /** Float64 slots: the run's budget, instructions spent since the last stop. */
  budgetSlot: 8,
  spentSlot: 9,
  /** UTF-8 of a trap's message. */
  messageByte: 128,
  messageBytes: 384,
  bytes: 512,
} as const;

/** where: while suspended in an import, report the guest frame (function, offset) in args. */
export const COMMAND = { load: 1, start: 2, invoke: 3, resume: 4, where: 5 } as const;
export const STOP = { ready: 1, budget: 2, syscall: 3, returned: 4, trap: 5 } as const;

/** Why the instrumented code trapped, when it was our check (global __aot_why). */
export const WHY_CALL_DEPTH = 1;
export const WHY_C_STACK = 2;
export const WHY_NAN = 3;
export const WHY_BAD_ADDRESS = 4;

/** Fault codes by the index the worker reports. */
export const TRAP_CODES: readonly FaultCode[] = [
  'unreachable',
  'divide_by_zero',
  'integer_overflow',
  'invalid_conversion',
  'bad_address',
  'undefined_element',
  'indirect_call_mismatch',
  'stack_exhausted',
  'bad_syscall',
];
