import type { QuickJSHandle } from 'quickjs-emscripten-core';
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
import { createJsVm, disposeJsVm, JsVm, usedBytes } from './quickjs-context';
import {
  compileJsProgram,
  decodeSource,
  JS_GUEST_LINE,
  jsRuntime,
  lineOf,
} from '../../../src/guest-scripts';

/** QuickJS calls the interrupt handler once per this many interrupt-counter ticks. */
const TICKS_PER_POLL = 10_000;
/**
 * The C stack QuickJS may use (its own check, InternalError "stack overflow": about 650 JS
 * calls deep). Without it a runaway recursion overflows V8's native stack inside the wasm
 * and the RangeError ends the host process; this leaves V8 room to spare.
 */
const MAX_STACK_BYTES = 128 * 1024;

interface GuestError {
  name?: string;
  message?: string;
  stack?: string;
}

/**
 * JavaScript on QuickJS (quickjs-emscripten), standing in for JerryScript. QuickJS can
 * only abort a running script from its interrupt handler, never pause it, so this engine
 * is not preemptible: a budget that runs out ends the program (budget_exhausted). The
 * program body is a generator, so `yield sleep_ms(ms)` gives the device the CPU back.
 */
export class QuickJsScriptEngine implements Engine {
  readonly kind = 'js' as const;
  readonly preemptible = false;
  private readonly calls: GuestCalls;
  private vm: JsVm;
  private program?: QuickJSHandle;
  private generator?: QuickJSHandle;
  private pendingInvoke?: { index: number; value: number };
  private source = '';
  private state_: EngineState = 'idle';
  private beforeInvoke: EngineState = 'loaded';
  private final?: RunOutcome;
  private exitCode = 0;
  private instructions = 0;
  private runLimit = 0;
  private deadline = 0;
  private stopReason: 'budget' | 'time' | 'memory' | null = null;
  private peak = 0;
  /** The wasm trapped under this engine's VM: never call into it again, not even to free it. */
  private poisoned = false;
  private disposed = false;

  constructor(
    private readonly limits: EngineLimits,
    host: GuestHost,
  ) {
    this.calls = new GuestCalls(host);
    this.vm = this.newVm();
  }

  get state(): EngineState {
    return this.state_;
  }

  load(image: Uint8Array): LoadReport {
    const started = performance.now();
    const source = decodeSource(image, 'JavaScript');
    const previous = this.program ? this.source : undefined;
    try {
      this.start(source);
    } catch (error) {
      // fresh() freed the old VM: a failed load keeps the old program, from its start.
      if (previous === undefined) this.state_ = 'idle';
      else this.start(previous);
      throw error;
    }
    const loadTimeMs = performance.now() - started;
    return { loadTimeMs, imageBytes: image.length, guestMemoryBytes: this.limits.memoryBytes };
  }

  run(budget: number): RunOutcome {
    if (this.final) return this.final;
    if (this.state_ === 'idle') throw new Error('no JavaScript program loaded');
    if (this.state_ === 'exited' && !this.pendingInvoke)
      return { kind: 'exited', code: this.exitCode };
    if (budget <= 0) return { kind: 'budget' };
    this.runLimit = this.instructions + budget;
    this.deadline = performance.now() + (this.limits.runWallMs ?? DEFAULT_RUN_WALL_MS);
    this.stopReason = null;
    this.calls.pendingSleepMs = null;
    this.state_ = 'running';
    let outcome: RunOutcome;
    try {
      outcome = this.pendingInvoke ? this.callHandler(this.pendingInvoke) : this.resumeMain();
    } catch (error) {
      return this.hostTrap(error);
    }
    this.peak = Math.max(this.peak, usedBytes(this.vm));
    return outcome;
  }

  step(): RunOutcome {
    throw new NotSupportedError('QuickJS cannot stop a script after n instructions and resume it');
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
    return { state: this.state_, pc: 0, registers: {}, instructions: this.instructions };
  }

  readMemory(): Uint8Array {
    throw new NotSupportedError('a JavaScript program has no flat guest memory');
  }

  memory(): MemoryReport {
    return {
      guestBytes: this.limits.memoryBytes,
      peakGuestBytes: this.peak,
      engineBytes: this.source.length,
    };
  }

  /** Frees the QuickJS runtime; the engine cannot be used afterwards. */
  dispose(): void {
    if (this.poisoned || this.disposed) return;
    this.disposed = true;
    this.releaseProgram();
    disposeJsVm(this.vm);
  }

  private newVm(): JsVm {
    const vm = createJsVm(jsRuntime(), this.calls);
    const baseline = usedBytes(vm);
    if (baseline > this.limits.memoryBytes) {
      disposeJsVm(vm);
      throw new Error(
        `QuickJS needs ${baseline} bytes, the board grants ${this.limits.memoryBytes}`,
      );
    }
    vm.runtime.setInterruptHandler(() => this.onInterrupt());
    vm.runtime.setMaxStackSize(MAX_STACK_BYTES);
    // Counts allocations, not bytes, in this build (see README): it refuses any single
    // allocation larger than the board's RAM; the interrupt poll measures the total.
    vm.runtime.setMemoryLimit(this.limits.memoryBytes);
    return vm;
  }

  private start(source: string): void {
    this.fresh();
    this.program = this.compile(source);
    this.source = source;
    this.state_ = 'loaded';
    this.peak = usedBytes(this.vm);
  }

  private fresh(): void {
    if (this.state_ !== 'idle') {
      if (!this.poisoned) {
        this.releaseProgram();
        disposeJsVm(this.vm);
      }
      this.poisoned = false;
      this.generator = this.program = undefined;
      this.vm = this.newVm();
    }
    this.calls.clear();
    this.final = this.pendingInvoke = undefined;
    this.instructions = this.exitCode = 0;
  }

  private releaseProgram(): void {
    this.generator?.dispose();
    this.program?.dispose();
    this.generator = this.program = undefined;
  }

  private compile(source: string): QuickJSHandle {
    return compileJsProgram(this.vm.context, source);
  }

  /** Starts the program's generator, or resumes it after a sleep. */
  private resumeMain(): RunOutcome {
    const { context } = this.vm;
    if (!this.generator) {
      const started = context.callFunction(this.program!, context.undefined);
      if (started.error) return this.failure(started.error);
      this.generator = started.value;
    }
    const next = context.getProp(this.generator, 'next');
    const result = context.callFunction(next, this.generator);
    next.dispose();
    if (result.error) return this.failure(result.error);
    const { done, value } = context.dump(result.value) as { done: boolean; value: unknown };
    result.value.dispose();
    if (!done) return { kind: 'yielded', sleepMs: this.calls.pendingSleepMs ?? 0 };
    this.state_ = 'exited';
    this.exitCode = Number.isInteger(value) ? (value as number) | 0 : 0;
    return { kind: 'exited', code: this.exitCode };
  }

  private callHandler({ index, value }: { index: number; value: number }): RunOutcome {
    const { context } = this.vm;
    this.pendingInvoke = undefined;
    const i = context.newNumber(index);
    const v = context.newNumber(value);
    const result = context.callFunction(this.vm.dispatcher, context.undefined, i, v);
    i.dispose();
    v.dispose();
    if (result.error) return this.failure(result.error);
    const returned = context.dump(result.value) as unknown;
    result.value.dispose();
    this.state_ = this.beforeInvoke;
    return { kind: 'returned', value: Number.isInteger(returned) ? (returned as number) | 0 : 0 };
  }

  private onInterrupt(): boolean {
    this.instructions += TICKS_PER_POLL;
    if (this.calls.stop) return true;
    if (this.instructions >= this.runLimit) {
      this.stopReason = 'budget';
      return true;
    }
    if (performance.now() > this.deadline) {
      this.stopReason = 'time';
      return true;
    }
    const used = usedBytes(this.vm);
    this.peak = Math.max(this.peak, used);
    if (used <= this.limits.memoryBytes) return false;
    this.stopReason = 'memory';
    return true;
  }

  /**
   * Something escaped QuickJS itself (the wasm trapped: its stack, its memory): the VM is
   * in an unknown state, so the program ends here and the runtime is not touched again.
   */
  private hostTrap(error: unknown): RunOutcome {
    this.poisoned = true;
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const code = /call stack|stack overflow/i.test(text) ? 'stack_exhausted' : 'out_of_memory';
    return this.finish(scriptFault(code, `the QuickJS VM trapped (${text}); program ended`));
  }

  private failure(handle: QuickJSHandle): RunOutcome {
    const error = this.vm.context.dump(handle) as GuestError;
    handle.dispose();
    const line = lineOf(error.stack ?? '', JS_GUEST_LINE) ?? 0;
    if (this.calls.stop) return this.finish(stopOutcome(this.calls.stop, line));
    if (this.stopReason === 'budget')
      return this.finish(budgetFault('QuickJS', this.runLimit, line));
    if (this.stopReason === 'time') {
      const ms = this.limits.runWallMs ?? DEFAULT_RUN_WALL_MS;
      return this.finish(scriptFault('budget_exhausted', `ran over ${ms} ms in one run`, line));
    }
    if (error.name === 'InternalError' && error.message === 'stack overflow') {
      const why = `the script nests calls deeper than the ${MAX_STACK_BYTES} bytes of stack it gets`;
      return this.finish(scriptFault('stack_exhausted', `stack overflow: ${why}`, line));
    }
    if (this.stopReason === 'memory' || error.message === 'out of memory') {
      const why = `the script needs more than the ${this.limits.memoryBytes} bytes the board grants`;
      return this.finish(scriptFault('out_of_memory', `out of memory: ${why}`, line));
    }
    const text = error.name
      ? `${error.name}: ${error.message}`
      : (error.message ?? 'uncaught exception');
    return this.finish(scriptFault('guest_error', text, line));
  }

  private finish(outcome: RunOutcome): RunOutcome {
    this.state_ = outcome.kind === 'exited' ? 'exited' : 'faulted';
    if (outcome.kind === 'exited') this.exitCode = outcome.code;
    this.final = outcome;
    return outcome;
  }
}
