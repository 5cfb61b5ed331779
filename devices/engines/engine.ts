import type { VmKind } from '../../src/protocol';

/** Why a guest was stopped by the engine. Stable codes: reported to the gateway as they are. */
export type FaultCode =
  | 'bad_address' // load, store or fetch outside the guest's memory
  | 'misaligned' // word/halfword access or jump target not aligned
  | 'illegal_instruction' // reserved or unsupported encoding
  | 'overflow' // add/addi/sub signed overflow trap
  | 'break' // a `break` instruction
  | 'bad_syscall' // unknown syscall number or bad arguments
  | 'budget_exhausted'; // the run's instruction or time budget ran out and the caller asked to stop

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
}

/** Every VM engine implements this; the Thing Monitor and Event Handler drive it. */
export interface Engine {
  readonly kind: VmKind;
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
}
