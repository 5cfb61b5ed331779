import type { MicroPythonInstance, MicroPythonModule } from '../../../src/guest-scripts';
import type { StopReason } from './host-module';

/**
 * Thrown through the interpreter's C frames (nothing there catches a JS exception) to end a
 * program that ignores being stopped: the interpreter is left inconsistent and is dropped.
 */
export class InterpreterAbandoned extends Error {}

// proxy_c.c: PROXY_KIND_JS_OBJECT_EXISTING, PROXY_KIND_JS_NULL, PROXY_KIND_MP_EXCEPTION.
const JS_EXISTING = 6;
const JS_NULL = 1;
const MP_EXCEPTION = -1;
/** How long a program may go on once asked to stop, before its interpreter is abandoned. */
export const STOP_GRACE_MS = 1_000;
/** The wall clock is read every this many ticks. */
const CLOCK_TICKS = 256;

/**
 * The budget hook. MicroPython has no settrace, but it runs scheduled callbacks at every
 * pending check (jumps, including each `if` and loop turn). The hook is a JS function the
 * scheduler calls there and that schedules itself again: a tick counts as an instruction,
 * and past the budget, the run's wall-time limit or a refused memory growth it asks for a
 * KeyboardInterrupt (mp_sched_keyboard_interrupt), again at every tick if the program
 * catches it. Being JS, a tick needs no Python frame: a Python callback could not start
 * at the recursion limit, and a program that caught RecursionError there lost its hook.
 */
export class BudgetHook {
  ticks = 0;
  stopReason: StopReason | null = null;
  private limit = 0;
  private deadline = Infinity;
  private stoppedAt = 0;
  private armed = false;
  private scheduled = false;
  private readonly module: MicroPythonModule;
  private readonly scheduleRef: number;
  private readonly args: number;
  private readonly out: number;
  /** Python objects the hook needs alive (held by their JS proxies). */
  private readonly keep: unknown[];

  /** Call inside instance.use(). */
  constructor(instance: MicroPythonInstance) {
    const { mp } = instance;
    this.module = mp._module;
    const tick = unprototyped(() => this.tick());
    // The interpreter's proxy of `tick` must live while the hook does: a tuple only this
    // hook holds (not a global the program could reach) keeps it.
    mp.globals.set('__vmfleet_t', tick);
    mp.runPython('__vmfleet_t = (__vmfleet_t,)');
    const schedule = (mp.pyimport('micropython') as { schedule: { _ref: number } }).schedule;
    this.keep = [mp.globals.get('__vmfleet_t'), schedule];
    mp.runPython('del __vmfleet_t');
    const tickRef = instance.jsRef(tick);
    if (tickRef === undefined) throw new Error('MicroPython did not keep the budget hook');
    this.scheduleRef = schedule._ref;
    // micropython.schedule(tick, None), its arguments written once: a tick allocates nothing.
    this.args = this.module._malloc(24);
    this.out = this.module._malloc(12);
    [JS_EXISTING, tickRef, 0, JS_NULL, 0, 0].forEach((word, i) =>
      this.module.setValue(this.args + 4 * i, word, 'i32'),
    );
    instance.memory.onRefused = () => this.refused();
  }

  /** Counts `budget` more ticks and `wallMs` from now; call outside any program. */
  arm(budget: number, wallMs: number): void {
    this.limit = this.ticks + budget;
    this.deadline = performance.now() + wallMs;
    this.stopReason = null;
    this.stoppedAt = 0;
    this.armed = true;
    if (!this.scheduled) this.schedule();
  }

  disarm(): void {
    this.armed = false;
  }

  stop(reason: StopReason): void {
    if (!this.stopReason) {
      this.stopReason = reason;
      this.stoppedAt = performance.now();
    }
    this.module._mp_sched_keyboard_interrupt();
  }

  private tick(): void {
    if (!this.armed) {
      this.scheduled = false;
      return;
    }
    this.schedule();
    const n = ++this.ticks;
    if (this.stopReason) return this.insist();
    if (n >= this.limit) this.stop('budget');
    else if (n % CLOCK_TICKS === 0 && performance.now() > this.deadline) this.stop('time');
  }

  /** The program goes on after being stopped (it catches KeyboardInterrupt): again. */
  private insist(): void {
    if (performance.now() - this.stoppedAt > STOP_GRACE_MS) this.abandon('ignores being stopped');
    this.module._mp_sched_keyboard_interrupt();
  }

  /**
   * Its memory refused to grow: the run is out of memory, and it is abandoned at once. Its
   * heap is full, so the port could not even format the error the program would end with
   * (that allocation fails outside any handler, and the port spins in nlr_jump_fail).
   */
  private refused(): void {
    if (!this.armed) return;
    this.stopReason ??= 'memory';
    this.abandon('ran out of the memory its interpreter may use');
  }

  private schedule(): void {
    const { module, out } = this;
    module._proxy_c_to_js_call(this.scheduleRef, 2, this.args, out);
    if (module.getValue(out, 'i32') === MP_EXCEPTION) {
      module._free(module.getValue(out + 8, 'i32'));
      this.abandon('filled the scheduler queue');
    }
    this.scheduled = true;
  }

  private abandon(why: string): never {
    this.armed = false;
    this.stopReason ??= 'budget';
    throw new InterpreterAbandoned(`the program ${why}`);
  }
}

/** A function with no prototype (its proxy must not lead to Function), called as f.call(). */
function unprototyped(fn: () => void): () => void {
  const call = () => fn();
  Object.setPrototypeOf(call, null);
  Object.defineProperty(fn, 'call', { value: call });
  Object.setPrototypeOf(fn, null);
  return fn;
}
