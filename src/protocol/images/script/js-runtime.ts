import type { QuickJSWASMModule } from 'quickjs-emscripten-core';

let runtime: QuickJSWASMModule | undefined;
let preparing: Promise<QuickJSWASMModule> | undefined;

async function instantiate(): Promise<QuickJSWASMModule> {
  // Imported here, not at the top: the build embeds its .wasm (~600 KB of JS to parse),
  // which a device running another VM kind should not pay for.
  const { newQuickJSWASMModuleFromVariant } = await import('quickjs-emscripten-core');
  const { default: variant } = await import('@jitl/quickjs-singlefile-cjs-release-sync');
  return (runtime = await newQuickJSWASMModuleFromVariant(variant));
}

/**
 * Instantiates QuickJS (quickjs-emscripten's release-sync build, the .wasm embedded in
 * the package) once per process, about 25 ms. Await it before creating a
 * QuickJsScriptEngine; after that, load and run are synchronous.
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
