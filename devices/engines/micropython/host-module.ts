import type { GuestCalls } from '../script/guest-calls';

type HostFunction = (...args: unknown[]) => unknown;
export type StopReason = 'budget' | 'time' | 'memory';

/**
 * A JS value handed to Python becomes a proxy whose attributes reach the JS object, so
 * `fn.constructor` would be Function and the host's globals one call away. Everything the
 * guest gets has no prototype, and a failure comes back as a str, never as a JS error.
 */
export function sealed(fn: HostFunction): HostFunction {
  const wrapper = (...args: unknown[]) => {
    try {
      return fn(...args);
    } catch (error) {
      // An exception must not unwind through the interpreter's C frames: the failure goes
      // back as a str (no host function returns one otherwise) and the prelude raises it.
      return error instanceof Error ? error.message : String(error);
    }
  };
  // The interpreter calls methods as f.call(thisArg, ...args): an own `call`, no prototype.
  const call = (_this: unknown, ...args: unknown[]) => wrapper(...args);
  Object.setPrototypeOf(call, null);
  Object.defineProperty(wrapper, 'call', { value: call });
  Object.setPrototypeOf(wrapper, null);
  return wrapper;
}

/**
 * The `__vmfleet_sys` module the prelude wraps into the Python API. `device()` gives the
 * engine it serves now: an interpreter outlives its engine and serves the next one.
 */
export function hostModule(
  device: () => GuestCalls,
  pause: () => object,
  afterCall: () => void,
): object {
  const functions: Record<string, HostFunction> = {
    print: (text) => device().print(String(text)),
    publish: (name, value) => device().publish(name, value),
    time_ms: () => device().timeMs(),
    sleep_ms: (ms) => device().sleepMs(ms),
    // A thenable whose then() captures how to resume the program after a sleep.
    pause: () => pause(),
    exit: (code) => device().exit(code),
    hal_probe: (sensor) => device().halProbe(sensor),
    hal_read: (sensor, index) => device().halRead(sensor, index),
    hal_write: (actuator, index, value) => device().halWrite(actuator, index, value),
    on: (event, handler) => device().on(event, Number(handler)),
    on_condition: (sensor, index, op, threshold, period, handler) =>
      device().onCondition(sensor, index, op, threshold, period, Number(handler)),
    emit: (id, value) => device().emit(id, value),
  };
  const module = Object.create(null) as Record<string, HostFunction>;
  for (const [name, fn] of Object.entries(functions)) {
    module[name] = sealed((...args) => {
      try {
        return fn(...args);
      } finally {
        afterCall();
      }
    });
  }
  return Object.freeze(module);
}

/** The object `await sleep_ms(ms)` awaits: MicroPython calls its then() with the resumer. */
export function pauseThenable(capture: (resume: (value?: unknown) => void) => void): object {
  const thenable = Object.create(null) as Record<string, HostFunction>;
  thenable.then = sealed((resume) => capture(resume as (value?: unknown) => void));
  return Object.freeze(thenable);
}
