import type { QuickJSWASMModule } from 'quickjs-emscripten-core';

let runtime: QuickJSWASMModule | undefined;
let preparing: Promise<QuickJSWASMModule> | undefined;

/** 64 KiB WebAssembly pages. */
const PAGE = 64 * 1024;
/** The build's own initial memory (its emscripten INITIAL_MEMORY). */
const INITIAL_BYTES = 16 * 1024 * 1024;
/**
 * What every QuickJS runtime of the process may use together: one module (one WebAssembly
 * memory) serves all JS engines. The build allows 2 GiB; an allocation past this cap fails
 * inside QuickJS (an `out of memory` exception the engine reports as out_of_memory) instead
 * of growing the host process. Each engine also limits its own runtime to the board's RAM.
 */
export const JS_RUNTIME_MAX_BYTES = 512 * 1024 * 1024;

interface WasmMemoryApi {
  Memory: new (descriptor: { initial: number; maximum: number }) => object;
}

async function instantiate(): Promise<QuickJSWASMModule> {
  // Imported here, not at the top: the build embeds its .wasm (~600 KB of JS to parse),
  // which a device running another VM kind should not pay for.
  const { newQuickJSWASMModuleFromVariant, newVariant } = await import('quickjs-emscripten-core');
  const { default: variant } = await import('@jitl/quickjs-singlefile-cjs-release-sync');
  // The project's TypeScript libs have no WebAssembly values; Node's global has them.
  const { Memory } = (globalThis as unknown as { WebAssembly: WasmMemoryApi }).WebAssembly;
  const wasmMemory = new Memory({
    initial: INITIAL_BYTES / PAGE,
    maximum: JS_RUNTIME_MAX_BYTES / PAGE,
  });
  return (runtime = await newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmMemory })));
}

/**
 * Instantiates QuickJS (quickjs-emscripten's release-sync build, the .wasm embedded in
 * the package) once per process, about 25 ms, in a memory capped at JS_RUNTIME_MAX_BYTES.
 * Await it before creating a QuickJsScriptEngine; after that, load and run are synchronous.
 */
export function prepareJsRuntime(): Promise<QuickJSWASMModule> {
  preparing ??= instantiate();
  return preparing;
}

/** The prepared module; throws when prepareJsRuntime() has not finished. */
export function jsRuntime(): QuickJSWASMModule {
  if (!runtime) throw new Error('the JS runtime is not ready: await prepareJsRuntime() first');
  return runtime;
}
