import {
  compilePythonProgram,
  decodeSource,
  isPythonError,
  pythonLine,
  pythonMessage,
  PythonProgram,
} from '../../../src/guest-scripts';
import { checkInvokeArgCount } from '../core';
import type {
  Engine,
  EngineLimits,
  EngineState,
  GuestHost,
  Inspection,
  LoadReport,
  MemoryReport,
  RunOutcome,
} from '../engine';
import { DEFAULT_RUN_WALL_MS, NotSupportedError } from '../engine';
import { budgetFault, scriptFault, stopOutcome } from '../script/faults';
import { GuestCalls } from '../script/guest-calls';
import { InterpreterAbandoned } from './budget-hook';
import { GARBAGE_ALLOWANCE_BYTES, PythonVm } from './python-vm';

/** How a resumed piece of the program ended. */
type Settled =
  { kind: 'done'; value: unknown } | { kind: 'error'; error: unknown } | { kind: 'paused' };

/**
 * MicroPython (the official WebAssembly port) behind the Engine interface. The program is
 * compiled as a module with top-level await, so `await sleep_ms(ms)` gives the device the
 * CPU back; a budget hook interrupts it, which cannot be resumed: not preemptible.
 */
export class MicroPythonScriptEngine implements Engine {
  readonly kind = 'micropython' as const;
  readonly preemptible = false;
  private readonly calls: GuestCalls;
  private vm: PythonVm;
  private program?: PythonProgram;
  private resume?: (value?: unknown) => void;
  private pendingInvoke?: { index: number; value: number };
  private source = '';
  private state_: EngineState = 'idle';
  private beforeInvoke: EngineState = 'loaded';
  private final?: RunOutcome;
  private exitCode = 0;
  private started = false;
  private disposed = false;
  private settled: Settled = { kind: 'paused' };

  constructor(
    private readonly limits: EngineLimits,
    host: GuestHost,
  ) {
    this.calls = new GuestCalls(host);
    this.vm = this.acquire();
  }

  get state(): EngineState {
    return this.state_;
  }

  load(image: Uint8Array): LoadReport {
    const started = performance.now();
    const source = decodeSource(image, 'Python');
    this.freshInterpreter();
    this.vm.clean();
    this.calls.clear();
    this.final = this.pendingInvoke = this.resume = undefined;
    this.exitCode = 0;
    this.started = false;
    this.program = this.vm.use(() => compilePythonProgram(this.vm.instance, source));
    this.source = source;
    this.state_ = 'loaded';
    const loadTimeMs = performance.now() - started;
    return { loadTimeMs, imageBytes: image.length, guestMemoryBytes: this.limits.memoryBytes };
  }

  run(budget: number): RunOutcome {
    if (this.final) return this.final;
    if (this.state_ === 'idle') throw new Error('no Python program loaded');
    if (this.state_ === 'exited' && !this.pendingInvoke)
      return { kind: 'exited', code: this.exitCode };
    if (budget <= 0) return { kind: 'budget' };
    this.calls.pendingSleepMs = null;
    this.state_ = 'running';
    const invoke = this.pendingInvoke;
    this.pendingInvoke = undefined;
    const wallMs = this.limits.runWallMs ?? DEFAULT_RUN_WALL_MS;
    let settled: Settled;
    try {
      settled = this.vm.run(budget, wallMs, () =>
        invoke ? this.callHandler(invoke) : this.resumeMain(),
      );
    } catch (error) {
      if (!(error instanceof InterpreterAbandoned)) throw error;
      return this.failure(error);
    }
    if (settled.kind !== 'error' && this.vm.liveHeap > this.limits.memoryBytes) {
      return this.outOfMemory(0);
    }
    return invoke ? this.handlerOutcome(settled) : this.mainOutcome(settled);
  }

  step(): RunOutcome {
    throw new NotSupportedError('MicroPython cannot stop a script after n instructions');
  }

  reset(): void {
    if (this.state_ !== 'idle') this.load(new TextEncoder().encode(this.source));
  }

  invoke(address: number, args: readonly number[]): void {
    if (this.state_ !== 'loaded' && this.state_ !== 'exited') {
      throw new Error(`cannot invoke a handler while the program is ${this.state_}`);
    }
    checkInvokeArgCount(args);
    this.pendingInvoke = { index: address, value: (args[0] ?? 0) | 0 };
    this.beforeInvoke = this.state_;
    this.state_ = 'running';
  }

  inspect(): Inspection {
    return { state: this.state_, pc: 0, registers: {}, instructions: this.vm.ticks };
  }

  readMemory(): Uint8Array {
    throw new NotSupportedError('a Python program has no flat guest memory');
  }

  memory(): MemoryReport {
    return {
      guestBytes: this.limits.memoryBytes,
      peakGuestBytes: this.vm.peakHeap,
      engineBytes: this.source.length,
    };
  }

  /** Gives the interpreter back for the next engine; this one cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.program = this.resume = undefined;
    this.vm.release();
  }

  /**
   * Starts the module generator, or resumes it after a sleep. MicroPython reports the end
   * through the resolve/reject given to the first then(); until then the program paused.
   */
  private resumeMain(): Settled {
    this.settled = { kind: 'paused' };
    if (!this.started) {
      this.started = true;
      this.program!.then(
        (value) => (this.settled = { kind: 'done', value }),
        (error) => (this.settled = { kind: 'error', error }),
      );
    } else {
      const resume = this.resume;
      if (!resume) throw new Error('the Python program is not waiting for anything');
      this.resume = undefined;
      resume(undefined);
    }
    return this.settled;
  }

  private callHandler({ index, value }: { index: number; value: number }): Settled {
    try {
      return { kind: 'done', value: this.vm.callHandler(index, value) };
    } catch (error) {
      return { kind: 'error', error };
    }
  }

  private mainOutcome(settled: Settled): RunOutcome {
    if (settled.kind === 'error') return this.failure(settled.error);
    if (settled.kind === 'paused') {
      if (this.calls.stop) return this.finish(stopOutcome(this.calls.stop));
      return { kind: 'yielded', sleepMs: this.calls.pendingSleepMs ?? 0 };
    }
    if (this.calls.stop) return this.finish(stopOutcome(this.calls.stop));
    this.state_ = 'exited';
    this.exitCode = 0;
    return { kind: 'exited', code: 0 };
  }

  private handlerOutcome(settled: Settled): RunOutcome {
    if (settled.kind === 'error') return this.failure(settled.error);
    if (this.calls.stop) return this.finish(stopOutcome(this.calls.stop));
    this.state_ = this.beforeInvoke;
    const value = Number(settled.kind === 'done' ? settled.value : 0);
    return { kind: 'returned', value: Number.isInteger(value) ? value | 0 : 0 };
  }

  private failure(error: unknown): RunOutcome {
    const traceback = isPythonError(error) ? error.message : String(error);
    const line = pythonLine(traceback) ?? 0;
    if (this.calls.stop) return this.finish(stopOutcome(this.calls.stop, line));
    const reason = this.vm.stopReason;
    if (reason === 'budget')
      return this.finish(budgetFault('MicroPython', this.vm.lastBudget, line));
    if (reason === 'time') {
      const ms = this.limits.runWallMs ?? DEFAULT_RUN_WALL_MS;
      return this.finish(scriptFault('budget_exhausted', `ran over ${ms} ms in one run`, line));
    }
    if (isPythonError(error) && /maximum recursion depth exceeded/.test(error.message)) {
      const why = 'the script nests calls deeper than the interpreter allows';
      return this.finish(scriptFault('stack_exhausted', `${pythonMessage(error)}: ${why}`, line));
    }
    const outOfMemory = isPythonError(error) && error.type === 'MemoryError';
    if (reason === 'memory' || outOfMemory || this.vm.liveHeap > this.limits.memoryBytes) {
      return this.outOfMemory(line);
    }
    const message = isPythonError(error) ? pythonMessage(error) : traceback;
    return this.finish(scriptFault('guest_error', message, line));
  }

  private acquire(): PythonVm {
    return PythonVm.acquire(
      this.calls,
      (resume) => (this.resume = resume),
      this.limits.memoryBytes,
    );
  }

  /**
   * After a fault (PythonVm.reusable) the next program gets a fresh interpreter; while the
   * pool refills, one that was not abandoned is cleaned and used again.
   */
  private freshInterpreter(): void {
    if (this.vm.reusable || (!this.vm.abandoned && !PythonVm.ready())) return;
    const old = this.vm;
    this.vm = this.acquire();
    old.release();
  }

  private outOfMemory(line: number): RunOutcome {
    const { memoryBytes } = this.limits;
    const why =
      this.vm.liveHeap > memoryBytes
        ? `the script keeps ${this.vm.liveHeap} bytes, the board grants ${memoryBytes}`
        : `the script allocated over ${memoryBytes + GARBAGE_ALLOWANCE_BYTES} bytes (garbage included) in one run`;
    return this.finish(scriptFault('out_of_memory', `out of memory: ${why}`, line));
  }

  private finish(outcome: RunOutcome): RunOutcome {
    this.state_ = outcome.kind === 'exited' ? 'exited' : 'faulted';
    if (outcome.kind === 'fault') this.vm.spent = true;
    if (outcome.kind === 'exited') this.exitCode = outcome.code;
    this.final = outcome;
    return outcome;
  }
}
