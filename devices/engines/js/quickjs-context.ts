import type {
  QuickJSContext,
  QuickJSHandle,
  QuickJSRuntime,
  QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import type { GuestCalls } from '../script/guest-calls';
import { JS_PRELUDE } from './prelude';

export interface JsVm {
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  /** (index, value) => handlers[index](value), from the prelude. */
  dispatcher: QuickJSHandle;
}

type HostFunction = (...args: unknown[]) => unknown;

function hostFunctions(calls: GuestCalls): Record<string, HostFunction> {
  return {
    print: (text) => calls.print(String(text)),
    publish: (name, value) => calls.publish(name, value),
    time_ms: () => calls.timeMs(),
    sleep_ms: (ms) => calls.sleepMs(ms),
    exit: (code) => calls.exit(code),
    hal_probe: (sensor) => calls.halProbe(sensor),
    hal_read: (sensor, index) => calls.halRead(sensor, index),
    hal_write: (actuator, index, value) => calls.halWrite(actuator, index, value),
    on: (event, handler) => calls.on(event, Number(handler)),
    on_condition: (sensor, index, op, threshold, period, handler) =>
      calls.onCondition(sensor, index, op, threshold, period, Number(handler)),
    emit: (id, value) => calls.emit(id, value),
  };
}

/** A value the host returns to the guest: numbers and booleans; anything else is undefined. */
function toGuest(context: QuickJSContext, value: unknown): QuickJSHandle | undefined {
  if (typeof value === 'number') return context.newNumber(value);
  if (typeof value === 'boolean') return value ? context.true : context.false;
  return undefined;
}

function sysObject(context: QuickJSContext, calls: GuestCalls): QuickJSHandle {
  const sys = context.newObject();
  for (const [name, fn] of Object.entries(hostFunctions(calls))) {
    const handle = context.newFunction(name, (...args) =>
      toGuest(context, fn(...args.map((arg) => context.dump(arg) as unknown))),
    );
    context.setProp(sys, name, handle);
    handle.dispose();
  }
  return sys;
}

/** A runtime and context with the device API installed; interrupts are set by the engine. */
export function createJsVm(module: QuickJSWASMModule, calls: GuestCalls): JsVm {
  const runtime = module.newRuntime();
  const context = runtime.newContext();
  const prelude = context.unwrapResult(context.evalCode(JS_PRELUDE, 'prelude.js'));
  const sys = sysObject(context, calls);
  const dispatcher = context.unwrapResult(context.callFunction(prelude, context.undefined, sys));
  prelude.dispose();
  sys.dispose();
  return { runtime, context, dispatcher };
}

/** Bytes the runtime uses now (QuickJS's own count of its objects, strings and code). */
export function usedBytes(vm: JsVm): number {
  const handle = vm.runtime.computeMemoryUsage();
  const usage = vm.context.dump(handle) as { memory_used_size?: number };
  handle.dispose();
  return usage.memory_used_size ?? 0;
}

export function disposeJsVm(vm: JsVm): void {
  vm.dispatcher.dispose();
  vm.context.dispose();
  vm.runtime.dispose();
}
