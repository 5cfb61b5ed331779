import type { LuaEngine as WasmoonState, LuaGlobal, LuaThread } from 'wasmoon';
import type { GuestCalls } from '../script/guest-calls';
import { LUA_PRELUDE } from './prelude';
import type { LuaRuntime } from '../../../src/guest-scripts';

/** lua.h: LUAI_MAXSTACK is 1,000,000 in wasmoon's build. */
const LUA_REGISTRYINDEX = -1_001_000;
const LUA_TFUNCTION = 6;

/** A coroutine the engine resumes, anchored in the registry so Lua's GC keeps it. */
export interface AnchoredThread {
  thread: LuaThread;
  ref: number;
}

/** The host functions the prelude wraps into the Lua API (see prelude.ts). */
function hostFunctions(calls: GuestCalls): Record<string, (...args: never[]) => unknown> {
  return {
    print: (text: string) => calls.print(String(text)),
    publish: (name: unknown, value: unknown) => calls.publish(name, value),
    time_ms: () => calls.timeMs(),
    sleep_ms: (ms: unknown) => calls.sleepMs(ms),
    exit: (code: unknown) => calls.exit(code),
    hal_probe: (sensor: unknown) => calls.halProbe(sensor),
    hal_read: (sensor: unknown, index: unknown) => calls.halRead(sensor, index),
    hal_write: (actuator: unknown, index: unknown, value: unknown) =>
      calls.halWrite(actuator, index, value),
    on: (event: unknown, handler: number) => calls.on(event, handler),
    on_condition: (...a: [unknown, unknown, unknown, unknown, unknown, number]) =>
      calls.onCondition(...a),
    emit: (id: unknown, value: unknown) => calls.emit(id, value),
  };
}

/**
 * A fresh Lua state with the device API and the sandbox, whose allocator refuses to grow
 * past `memoryBytes` (the runtime itself counts: about 18 KiB with the standard libraries).
 */
export function createLuaState(
  runtime: LuaRuntime,
  calls: GuestCalls,
  memoryBytes: number,
): WasmoonState {
  const lua = runtime.module;
  const state = new runtime.api.LuaEngine(lua, {
    traceAllocations: true,
    injectObjects: false,
    enableProxy: false,
    openStandardLibs: true,
  });
  const global = state.global;
  global.set('__vmfleet_sys', hostFunctions(calls));
  global.loadString(LUA_PRELUDE, '=prelude');
  global.assertOk(lua.lua_pcallk(global.address, 0, 0, 0, 0, null));
  const used = global.getMemoryUsed();
  if (used > memoryBytes) {
    global.close();
    throw new Error(`the Lua runtime needs ${used} bytes, the board grants ${memoryBytes}`);
  }
  global.setMemoryMax(memoryBytes);
  return state;
}

/** A new coroutine, anchored in the registry until release(). */
export function newThread(global: LuaGlobal): AnchoredThread {
  const thread = global.newThread();
  const ref = global.lua.luaL_ref(global.address, LUA_REGISTRYINDEX);
  return { thread, ref };
}

export function releaseThread(global: LuaGlobal, anchored: AnchoredThread): void {
  global.lua.luaL_unref(global.address, LUA_REGISTRYINDEX, anchored.ref);
}

/** Pushes handler #index onto the thread's stack; false when there is no such handler. */
export function pushHandler(global: LuaGlobal, thread: LuaThread, index: number): boolean {
  const lua = global.lua;
  lua.lua_getfield(thread.address, LUA_REGISTRYINDEX, 'vmfleet_handlers');
  lua.lua_rawgeti(thread.address, -1, BigInt(index + 1));
  lua.lua_remove(thread.address, -2);
  if ((lua.lua_type(thread.address, -1) as number) === LUA_TFUNCTION) return true;
  thread.setTop(0);
  return false;
}

/** Line and locals of the innermost guest frame of a suspended or failed coroutine. */
export function inspectThread(
  global: LuaGlobal,
  anchored: AnchoredThread,
): { line: number; variables: Record<string, string> } {
  const lua = global.lua;
  const top = global.getTop();
  try {
    lua.lua_getfield(global.address, LUA_REGISTRYINDEX, 'vmfleet_inspect');
    lua.lua_rawgeti(global.address, LUA_REGISTRYINDEX, BigInt(anchored.ref));
    if (lua.lua_pcallk(global.address, 1, 1, 0, 0, null) !== 0) return { line: 0, variables: {} };
    const [line, ...pairs] = String(lua.lua_tolstring(global.address, -1, null)).split('\n');
    const variables: Record<string, string> = {};
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      variables[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return { line: Number(line) || 0, variables };
  } finally {
    global.setTop(top);
  }
}
