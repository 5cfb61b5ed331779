import type { Engine, EngineLimits, GuestHost } from '../engine';

/**
 * The WebAssembly AOT tier (`wasm-aot`: the validated module instrumented and compiled by
 * V8): null until it lands; createEngine refuses the kind while it is.
 */
export const createWasmAotEngine: ((limits: EngineLimits, host: GuestHost) => Engine) | null = null;
