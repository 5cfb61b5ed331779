import {
  isPythonError,
  MicroPythonInstance,
  microPythonReady,
  takeMicroPython,
} from '../../../src/guest-scripts';
import type { GuestCalls } from '../script/guest-calls';
import { BudgetHook, InterpreterAbandoned } from './budget-hook';
import { hostModule, pauseThenable, type StopReason } from './host-module';
import { PYTHON_PRELUDE } from './prelude';

type PyCallable = (...args: unknown[]) => unknown;
type Resume = (value?: unknown) => void;

/**
 * How far past its board's grant an interpreter's WebAssembly memory may grow in one run.
 * The port collects garbage only between runs, so a run's garbage needs room too: md5sum
 * makes ~32 MiB of it (its 32-bit arithmetic allocates big ints), random and ud ~12 MiB
 * (README.md, "Heap"). Past it the port's malloc fails: out_of_memory.
 */
export const GARBAGE_ALLOWANCE_BYTES = 40 * 1024 * 1024;

/** Interpreters whose engine was disposed, cleaned, for the next engine. */
const released: PythonVm[] = [];

/**
 * One MicroPython interpreter with the device API and the budget hook installed: every
 * call into it goes through here, with the interpreter's globals in place. It serves one
 * engine at a time; a disposed engine gives it back (making one is asynchronous), unless
 * a run was abandoned in it or its memory grew past a fresh one's allowance.
 */
export class PythonVm {
  /** Whether acquire() can answer now. */
  static ready(): boolean {
    return released.length > 0 || microPythonReady();
  }

  /**
   * A released interpreter, or a new one from the pool (throws when neither is ready),
   * its memory limited to `guestBytes` (the board's grant) and the garbage allowance.
   */
  static acquire(
    calls: GuestCalls,
    onPause: (resume: Resume) => void,
    guestBytes: number,
  ): PythonVm {
    const limit = (vm: PythonVm) =>
      vm.instance.memory.baseBytes + guestBytes + GARBAGE_ALLOWANCE_BYTES;
    let vm = released.pop();
    // One grown for a bigger board would give this one more: it is dropped.
    while (vm && vm.instance.memory.bytes > limit(vm)) vm = released.pop();
    vm ??= new PythonVm(takeMicroPython());
    vm.calls = calls;
    vm.onPause = onPause;
    vm.instance.memory.limit = limit(vm);
    return vm;
  }

  /** Live heap after the last run, and the highest seen. */
  liveHeap = 0;
  peakHeap = 0;
  lastBudget = 0;
  /** A run had to be abandoned: the interpreter cannot be used again. */
  abandoned = false;
  /**
   * A program faulted in it: what it held may outlive it (its interrupted frames are
   * referenced from JS until JS collects them), so no other program gets it.
   */
  spent = false;
  private readonly hook: BudgetHook;
  private readonly flush: PyCallable;
  private readonly disarm: PyCallable;
  private readonly call: PyCallable;
  private readonly cleanUp: PyCallable;
  private readonly keep: unknown;
  private calls?: GuestCalls;
  private onPause: (resume: Resume) => void = () => {};

  private constructor(readonly instance: MicroPythonInstance) {
    const { mp } = instance;
    const device = () => {
      if (!this.calls) throw new Error('this interpreter serves no engine');
      return this.calls;
    };
    const pause = () => pauseThenable((resume) => this.onPause(resume));
    [this.hook, this.flush, this.disarm, this.call, this.cleanUp, this.keep] = instance.use(() => {
      // exit() or a refused call: the program must stop even if it catches the error.
      const afterCall = () => void (this.calls?.stop && this.hook.stop('budget'));
      mp.registerJsModule('__vmfleet_sys', hostModule(device, pause, afterCall));
      // Before the prelude, which keeps programs from importing micropython.schedule.
      const hook = new BudgetHook(instance);
      mp.runPython(PYTHON_PRELUDE);
      mp.runPython('__vmfleet_keep = set(globals())');
      const get = (name: string) => mp.globals.get(name) as PyCallable;
      return [
        hook,
        get('__vmfleet_flush'),
        get('__vmfleet_disarm'),
        get('__vmfleet_call'),
        get('__vmfleet_clean'),
        get('__vmfleet_keep'),
      ];
    });
  }

  /** Hook ticks so far (the engine's instruction count). */
  get ticks(): number {
    return this.hook.ticks;
  }

  get stopReason(): StopReason | null {
    return this.hook.stopReason;
  }

  /** Whether another program may run in it (else it is dropped, and its memory with it). */
  get reusable(): boolean {
    const { memory } = this.instance;
    return !this.abandoned && !this.spent && memory.bytes <= memory.limit;
  }

  use<T>(fn: () => T): T {
    return this.instance.use(fn);
  }

  /** The engine is done with it: cleaned, it waits for the next engine, or is dropped. */
  release(): void {
    this.calls = undefined;
    this.onPause = () => {};
    if (!this.reusable) return;
    this.clean();
    released.push(this);
  }

  /** Forgets the last program: its globals, handlers, counters. */
  clean(): void {
    if (this.abandoned) throw new Error('this MicroPython interpreter was abandoned');
    this.use(() => internal(() => this.cleanUp(this.keep)));
    this.hook.ticks = this.peakHeap = this.liveHeap = 0;
    this.hook.stopReason = null;
  }

  /**
   * Runs `fn` with the hook armed for `budget` more ticks or `wallMs`. A program that
   * ignores being stopped is abandoned: `fn` throws InterpreterAbandoned, and this
   * interpreter is not touched again.
   */
  run<T>(budget: number, wallMs: number, fn: () => T): T {
    if (this.abandoned) throw new Error('this MicroPython interpreter was abandoned');
    this.lastBudget = budget;
    return this.use(() => {
      internal(this.flush);
      this.hook.arm(budget, wallMs);
      try {
        return fn();
      } catch (error) {
        if (error instanceof InterpreterAbandoned) {
          this.abandoned = true;
          // Its heap cannot be measured any more: what its memory grew by bounds it.
          const { memory } = this.instance;
          this.peakHeap = Math.max(this.peakHeap, memory.bytes - memory.baseBytes);
        }
        throw error;
      } finally {
        this.hook.disarm();
        if (!this.abandoned) {
          this.liveHeap = Number(internal(this.disarm));
          this.peakHeap = Math.max(this.peakHeap, this.liveHeap);
        }
      }
    });
  }

  callHandler(index: number, value: number): unknown {
    return this.call(index, value);
  }
}

/**
 * Calls one of the prelude's own functions. An interrupt the hook requested just as the
 * program finished is raised at the next pending check, which may be in here: it belongs
 * to the run that ended, so the call is made again.
 */
function internal<T>(fn: () => T): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (error) {
      const late = isPythonError(error) && error.type === 'KeyboardInterrupt';
      if (!late || attempt >= 2) throw error;
    }
  }
}
