import {
  isPythonError,
  MicroPythonInstance,
  microPythonReady,
  takeMicroPython,
} from '../../../src/protocol/images/script';
import type { GuestCalls } from '../script/guest-calls';
import { hostModule, pauseThenable, type StopReason } from './host-module';
import { PYTHON_PRELUDE } from './prelude';

type PyCallable = (...args: unknown[]) => unknown;
type Resume = (value?: unknown) => void;

/** Interpreters whose engine was disposed, cleaned, for the next engine. */
const released: PythonVm[] = [];

/**
 * One MicroPython interpreter with the device API and the budget hook installed: every
 * call into it goes through here, with the interpreter's globals in place. It serves one
 * engine at a time; a disposed engine gives it back (making one is asynchronous).
 */
export class PythonVm {
  /** Whether acquire() can answer now. */
  static ready(): boolean {
    return released.length > 0 || microPythonReady();
  }

  /** A released interpreter, or a new one from the pool; throws when neither is ready. */
  static acquire(calls: GuestCalls, onPause: (resume: Resume) => void): PythonVm {
    const vm = released.pop() ?? new PythonVm(takeMicroPython());
    vm.calls = calls;
    vm.onPause = onPause;
    return vm;
  }

  /** Hook ticks so far (the engine's instruction count). */
  ticks = 0;
  /** Live heap after the last run, and the highest seen. */
  liveHeap = 0;
  peakHeap = 0;
  stopReason: StopReason | null = null;
  lastBudget = 0;
  /** performance.now() past which the running program is stopped ('time'). */
  private deadline = Infinity;
  private readonly arm: PyCallable;
  private readonly disarm: PyCallable;
  private readonly call: PyCallable;
  private readonly cleanUp: PyCallable;
  private readonly keep: unknown;
  private calls?: GuestCalls;
  private onPause: (resume: Resume) => void = () => {};

  private constructor(readonly instance: MicroPythonInstance) {
    const { mp } = instance;
    const hook = {
      stop: (reason: StopReason) => {
        this.stopReason ??= reason;
        mp._module._mp_sched_keyboard_interrupt();
      },
      late: () => performance.now() > this.deadline,
      pause: () => pauseThenable((resume) => this.onPause(resume)),
    };
    const device = () => {
      if (!this.calls) throw new Error('this interpreter serves no engine');
      return this.calls;
    };
    [this.arm, this.disarm, this.call, this.cleanUp, this.keep] = instance.use(() => {
      mp.registerJsModule('__vmfleet_sys', hostModule(device, hook));
      mp.runPython(PYTHON_PRELUDE);
      mp.runPython('__vmfleet_keep = set(globals())');
      const get = (name: string) => mp.globals.get(name) as PyCallable;
      return [
        get('__vmfleet_arm'),
        get('__vmfleet_disarm'),
        get('__vmfleet_call'),
        get('__vmfleet_clean'),
        get('__vmfleet_keep'),
      ];
    });
  }

  use<T>(fn: () => T): T {
    return this.instance.use(fn);
  }

  /** The engine is done with it: cleaned, it waits for the next engine. */
  release(): void {
    this.clean();
    this.calls = undefined;
    this.onPause = () => {};
    released.push(this);
  }

  /** Forgets the last program: its globals, handlers, counters. */
  clean(): void {
    this.use(() => internal(() => this.cleanUp(this.keep)));
    this.ticks = this.peakHeap = this.liveHeap = 0;
    this.stopReason = null;
  }

  /** Runs `fn` with the hook armed for `budget` more ticks or `wallMs`, allocation capped. */
  run<T>(budget: number, allocationCap: number, wallMs: number, fn: () => T): T {
    this.lastBudget = budget;
    this.deadline = performance.now() + wallMs;
    this.stopReason = null;
    return this.use(() => {
      internal(() => this.arm(Math.min(this.ticks + budget, 2 ** 31 - 1), allocationCap));
      try {
        return fn();
      } finally {
        const [ticks, live] = String(internal(this.disarm)).split(',').map(Number);
        this.ticks = ticks;
        this.liveHeap = live;
        this.peakHeap = Math.max(this.peakHeap, live);
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
