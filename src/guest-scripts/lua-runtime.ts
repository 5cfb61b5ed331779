import type { LuaFactory } from 'wasmoon';
import { nativeImport } from './native-import';

export type Wasmoon = typeof import('wasmoon');
/** wasmoon's compiled Lua 5.4 (one WebAssembly instance shared by every Lua engine). */
export type LuaWasm = Awaited<ReturnType<LuaFactory['getLuaModule']>>;

export interface LuaRuntime {
  api: Wasmoon;
  module: LuaWasm;
}

let runtime: LuaRuntime | undefined;
let preparing: Promise<LuaRuntime> | undefined;

async function instantiate(): Promise<LuaRuntime> {
  const loaded = await nativeImport<Wasmoon & { default?: Wasmoon }>('wasmoon');
  const api = loaded.default ?? loaded;
  const module = await new api.LuaFactory().getLuaModule();
  return (runtime = { api, module });
}

/**
 * Loads wasmoon and instantiates its Lua WebAssembly module once per process (about
 * 25 ms; nothing is downloaded). Await it before creating a LuaScriptEngine; after that,
 * load and run are synchronous.
 */
export function prepareLuaRuntime(): Promise<LuaRuntime> {
  preparing ??= instantiate();
  return preparing;
}

/** The prepared runtime; throws when prepareLuaRuntime() has not finished. */
export function luaRuntime(): LuaRuntime {
  if (!runtime) throw new Error('the Lua runtime is not ready: await prepareLuaRuntime() first');
  return runtime;
}
