import type { VmKind } from '../../../src/protocol/vm';
import type {
  Engine,
  EngineState,
  Inspection,
  LoadReport,
  MemoryReport,
  RunOutcome,
} from '../engine';
import { checkReadLength } from './guest-memory';

/**
 * The run lifecycle the ISA engines (mips1, ebpf, wasm and their compiled tiers) share:
 * the state machine, the exit or fault that run() repeats, one invoke()d handler at a time,
 * and the argument and state checks. A subclass supplies a program P (what load() built)
 * and how to run it: execute() a slice and service() what stopped it (S, its Stop codes).
 *
 * State machine: idle → load() → loaded → run()/invoke() → running → exited | faulted;
 * a handler's 'returned' goes back to the state before invoke(); reset() and load() → loaded.
 */
export abstract class BytecodeEngine<P, S> implements Engine {
  abstract readonly kind: VmKind;
  private current: EngineState = 'idle';
  private program: P | null = null;
  private executedTotal = 0;
  /** The exit or fault that ended the program; run() reports it again. */
  private ended: RunOutcome | null = null;
  private handlerRunning = false;
  private started = false;
  private stateBeforeInvoke: EngineState = 'loaded';

  get state(): EngineState {
    return this.current;
  }

  /** Instructions run since load() or reset(). */
  protected get instructions(): number {
    return this.executedTotal;
  }

  /** Whether run() is executing an invoke()d handler rather than the program's entry. */
  protected get invoking(): boolean {
    return this.handlerRunning;
  }

  /** The loaded program, or null before load(). */
  protected get loaded(): P | null {
    return this.program;
  }

  abstract load(image: Uint8Array): LoadReport;
  abstract inspect(): Inspection;

  /** Runs at most `budget` instructions; stops early on exit, return, yield or fault. */
  run(budget: number): RunOutcome {
    checkCount(budget, 'budget');
    const program = this.requireProgram('run');
    if (this.ended !== null && !this.handlerRunning) return this.ended;
    this.current = 'running';
    if (!this.started && !this.handlerRunning) {
      this.started = true;
      const outcome = this.begin(program);
      if (outcome !== null) return this.settle(outcome);
    }
    let left = budget;
    for (;;) {
      const stop = this.execute(program, left);
      const executed = this.executed(program);
      left -= executed;
      this.executedTotal += executed;
      const outcome = this.service(program, stop);
      if (outcome !== null) return this.settle(outcome);
    }
  }

  /** Same as run(n): exactly n instructions unless the program stops first. */
  step(n: number): RunOutcome {
    return this.run(n);
  }

  /** Back to the loaded program's initial state (rewind() says what that takes). */
  reset(): void {
    this.rewind(this.requireProgram('reset'));
    this.restart();
  }

  /**
   * Calls a guest function with `args`; run() until 'returned'. Allowed once loaded or
   * exited (COISA: handlers run after main returns), one call at a time.
   */
  invoke(address: number, args: readonly number[]): void {
    const program = this.requireProgram('invoke');
    if (this.current === 'faulted' || this.current === 'running') {
      throw new Error(
        `cannot invoke a handler while the engine is ${this.current}; ` +
          (this.current === 'faulted'
            ? 'reset() or load() first'
            : 'run() the current call to its end first'),
      );
    }
    this.enter(program, address, args);
    this.stateBeforeInvoke = this.current;
    this.current = 'running';
    this.handlerRunning = true;
  }

  /** A copy of guest memory; RangeError beyond MAX_READ_BYTES or outside what copyOut() allows. */
  readMemory(address: number, length: number): Uint8Array {
    const program = this.requireProgram('readMemory');
    checkReadLength(length);
    return this.copyOut(program, address, length);
  }

  memory(): MemoryReport {
    if (this.program === null) return { guestBytes: 0, peakGuestBytes: 0, engineBytes: 0 };
    return this.report(this.program);
  }

  /** For load(): makes `program` the engine's, in its initial state (a failed load never gets here). */
  protected install(program: P): void {
    this.program = program;
    this.restart();
  }

  /**
   * For an engine that ends (a compiled tier's dispose()): no program any more, back to
   * idle, so every later operation is refused as before load().
   */
  protected uninstall(): void {
    this.program = null;
    this.restart();
    this.current = 'idle';
  }

  /** Called by the first run() after load() or reset() unless a handler runs; may end the run. */
  protected begin(_program: P): RunOutcome | null {
    return null;
  }

  /** Runs at most `budget` instructions of `program`; returns what stopped it. */
  protected abstract execute(program: P, budget: number): S;
  /** How many instructions the last execute() ran. */
  protected abstract executed(program: P): number;
  /** What a stop means: the outcome that ends this run(), or null to execute on. */
  protected abstract service(program: P, stop: S): RunOutcome | null;
  /** reset(): the program's initial memory and registers again. */
  protected abstract rewind(program: P): void;
  /** invoke(): checks address and args (RangeError), then points the program at the handler. */
  protected abstract enter(program: P, address: number, args: readonly number[]): void;
  /** readMemory(): a copy of `length` (already checked) bytes at `address`, or a RangeError. */
  protected abstract copyOut(program: P, address: number, length: number): Uint8Array;
  /** memory() once loaded. */
  protected abstract report(program: P): MemoryReport;

  private restart(): void {
    this.current = 'loaded';
    this.executedTotal = 0;
    this.ended = null;
    this.handlerRunning = false;
    this.started = false;
  }

  private settle(outcome: RunOutcome): RunOutcome {
    switch (outcome.kind) {
      case 'exited':
      case 'fault':
        this.current = outcome.kind === 'exited' ? 'exited' : 'faulted';
        this.ended = outcome;
        this.handlerRunning = false;
        break;
      case 'returned':
        this.current = this.stateBeforeInvoke;
        this.handlerRunning = false;
        break;
      case 'yielded':
      case 'budget':
        break;
    }
    return outcome;
  }

  private requireProgram(operation: string): P {
    if (this.program === null)
      throw new Error(`${operation}: no program loaded; load() an image first`);
    return this.program;
  }
}

/** The ISA engines pass a handler at most 4 arguments (registers a0..a3, r1..r4). */
export function checkInvokeArgCount(args: readonly number[]): void {
  if (args.length > 4) throw new RangeError(`invoke takes at most 4 arguments, got ${args.length}`);
}

function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what} ${n} must be a non-negative integer`);
  }
}
