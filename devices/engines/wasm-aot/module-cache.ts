import { createHash } from 'node:crypto';
import type { ValidatedModule } from '../../../src/protocol/images/wasm';
import type { Program } from '../wasm/program';
import { instrument, type InstrumentedModule } from './instrument';
import { V8, type V8Module } from './shared-memory';

/** An instrumented module and V8's compilation of it. */
export interface CompiledModule {
  module: V8Module;
  instrumented: Omit<InstrumentedModule, 'bytes'> & { byteLength: number };
  /**
   * The largest budget a first run on the main thread could not finish in (engine.ts,
   * README.md "Inline runs"): a first run with no more budget goes to the worker at once,
   * as it would stop mid-run again. Infinity once one stopped for a yield or V8's stack.
   */
  movedAtBudget: number;
}

/** Modules kept compiled: a fleet's devices mostly run a handful of images. */
const CACHE_ENTRIES = 16;
const cache = new Map<string, CompiledModule>();

/**
 * The image instrumented and compiled, or the compilation an earlier load of the same
 * image, grant and call-depth limit made (README.md, "Load"): V8 shares a module's code
 * between instances and tiers hot functions up in it, so a device that reloads its app,
 * and every device running the same app, starts on code already compiled and optimized.
 * The caller has validated the image (parseWasmModule, buildProgram) either way.
 */
export function compile(
  image: Uint8Array,
  program: Program,
  validated: ValidatedModule,
  maxCallDepth: number,
): CompiledModule {
  const digest = createHash('sha256').update(image).digest('hex');
  const key = `${digest}:${program.memoryLimit}:${maxCallDepth}`;
  const known = cache.get(key);
  if (known !== undefined) {
    cache.delete(key);
    cache.set(key, known);
    return known;
  }
  const { bytes, ...rest } = instrument(program, validated, { maxCallDepth });
  const compiled = {
    module: new V8.Module(bytes),
    instrumented: { ...rest, byteLength: bytes.length },
    movedAtBudget: 0,
  };
  cache.set(key, compiled);
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  return compiled;
}
