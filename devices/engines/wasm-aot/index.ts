import type { Engine, EngineLimits, GuestHost } from '../engine';
import { WasmAotEngine } from './engine';

export { WasmAotEngine } from './engine';

/**
 * The WebAssembly AOT tier (`wasm-aot`: the validated module instrumented and compiled by
 * V8, README.md); devices/engines/index.ts adds the kind to AVAILABLE_ENGINES while this is
 * non-null.
 */
export const createWasmAotEngine: ((limits: EngineLimits, host: GuestHost) => Engine) | null = (
  limits,
  host,
) => new WasmAotEngine(limits, host);
