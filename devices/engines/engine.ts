import type { VmKind } from '../../src/protocol';

/** Why a guest was stopped by the engine. Stable codes: reported to the gateway as they are. */
export type FaultCode =
  | 'bad_address' // load, store or fetch outside the guest's memory
  | 'misaligned' // word/halfword access or jump target not aligned
  | 'illegal_instruction' // reserved or unsupported encoding
  | 'overflow' // add/addi/sub signed overflow trap
  | 'break' // a `break` instruction
  | 'bad_syscall' // unknown syscall number or bad arguments
  | 'budget_exhausted' // the run's instruction or time budget ran out and the caller asked to stop
  | 'out_of_memory' // lua/micropython/js: the script's heap would outgrow the board's guest memory
  | 'guest_error' // lua/micropython/js: an error or exception the script did not catch
  | 'unreachable' // wasm: an `unreachable` instruction ran
  | 'stack_exhausted' // wasm: call depth or value stack over the engine's limit
  | 'divide_by_zero' // wasm: integer division or remainder by zero
  | 'integer_overflow' // wasm: INT_MIN / -1, or a float-to-int conversion out of range
  | 'invalid_conversion' // wasm: a float-to-int conversion of NaN
  | 'undefined_element' // wasm: call_indirect to a table index out of range or uninitialised
  | 'indirect_call_mismatch'; // wasm: call_indirect to a function of another type

export interface Fault {
  code: FaultCode;
  /** Program counter of the faulting instruction. */
  pc: number;
  /** The guest address involved, for memory faults. */
  address?: number;
  message: string;
}

/** Why run() or step() returned. */
export type RunOutcome =
  | { kind: 'budget' } // the instruction budget ran out; run() again to continue
  | { kind: 'exited'; code: number } // exit syscall, or main returned
  | { kind: 'returned'; value: number } // an invoke()d handler returned
  | { kind: 'yielded'; sleepMs: number } // sleep/yield syscall: give the device the CPU back
  | { kind: 'fault'; fault: Fault };

export type EngineState = 'idle' | 'loaded' | 'running' | 'exited' | 'faulted';

export interface LoadReport {
  /** Wall time of load(): parsing, copying, pre-decoding. */
  loadTimeMs: number;
  imageBytes: number;
  /** Guest memory the program got (static + heap + stack). */
  guestMemoryBytes: number;
}

export interface MemoryReport {
  /** Guest memory allocated for the program. */
  guestBytes: number;
  /** Highest stack depth seen + static size: what the guest really touched. */
  peakGuestBytes: number;
  /** Engine's own state (decoded program, tables), estimated. */
  engineBytes: number;
}

export interface Inspection {
  state: EngineState;
  pc: number;
  /** Named registers: MIPS r0..r31 as zero, at, v0…, plus hi, lo. */
  registers: Record<string, number>;
  instructions: number;
  /** lua/micropython/js: the script's current line (also in pc), when the engine knows it. */
  line?: number;
  /** lua: the current function's locals, rendered as Lua's tostring() does. */
  variables?: Record<string, string>;
  /** wasm: index of the function the pc is in (imports first, as in the module). */
  functionIndex?: number;
  /** wasm: the current frame's locals (parameters first), by their declared types. */
  locals?: number[];
  /** wasm: the current frame's operand stack, bottom first (low 32 bits of each slot). */
  valueStack?: number[];
  /** wasm: active calls, outermost first, as function indices. */
  callStack?: number[];
}

/**
 * The device's side of a syscall: the engine decodes the call and hands it here.
 * Returns the value for the guest's result register, or a yield request.
 */
export interface GuestHost {
  syscall(call: SyscallRequest): SyscallResult;
}

export interface SyscallRequest {
  number: number;
  args: readonly [number, number, number, number];
  memory: GuestMemoryView;
}

export type SyscallResult =
  | { kind: 'value'; value: number }
  | { kind: 'exit'; code: number }
  | { kind: 'yield'; sleepMs: number; value?: number }
  | { kind: 'fault'; message: string };

/** Checked access to guest memory for syscall handlers (strings, buffers). */
export interface GuestMemoryView {
  readBytes(address: number, length: number): Uint8Array;
  /** A NUL-terminated string of at most maxBytes, decoded as UTF-8. */
  readCString(address: number, maxBytes: number): string;
  writeBytes(address: number, bytes: Uint8Array): void;
}

export interface EngineLimits {
  /** Bytes of guest memory the board grants the VM (from the board profile). */
  memoryBytes: number;
  /**
   * Wall time one run() of an engine that cannot pause (QuickJS, MicroPython) may take
   * before it ends the program with budget_exhausted, whatever the instruction budget says:
   * their instruction counts skip costly work (an exception's backtrace, a big copy).
   * Default DEFAULT_RUN_WALL_MS.
   */
  runWallMs?: number;
}

/** 60 s: what no benchmark of firmware/ needs in one run on these engines. */
export const DEFAULT_RUN_WALL_MS = 60_000;

/** Every VM engine implements this; the Thing Monitor and Event Handler drive it. */
export interface Engine {
  readonly kind: VmKind;
  /**
   * false: run() cannot pause a program in the middle and continue it later (QuickJS,
   * MicroPython), so running out of `budget` ends the program with budget_exhausted instead
   * of returning `budget`; give it the whole budget in one call. Absent means true.
   */
  readonly preemptible?: boolean;
  readonly state: EngineState;
  /** Parses, validates and pre-decodes; throws an Error with a clear reason on a bad image. */
  load(image: Uint8Array): LoadReport;
  /** Runs at most `budget` instructions. */
  run(budget: number): RunOutcome;
  /** Runs exactly n instructions unless something stops it first. */
  step(n: number): RunOutcome;
  /** Back to the loaded program's initial state. */
  reset(): void;
  /** Calls a guest function (an event handler) with up to 4 arguments; run() until 'returned'. */
  invoke(address: number, args: readonly number[]): void;
  inspect(): Inspection;
  /** Bounded, checked read of guest memory. */
  readMemory(address: number, length: number): Uint8Array;
  memory(): MemoryReport;
  /** Frees what the engine holds outside the JS heap (a WebAssembly VM); unusable afterwards. */
  dispose?(): void;
}

/**
 * What an engine throws from step() or readMemory() when its VM offers no way to do it
 * (a script VM has no flat memory; QuickJS cannot pause): the device answers `unsupported`.
 */
export class NotSupportedError extends Error {
  constructor(what: string) {
    super(`not supported: ${what}`);
  }
}
