import type { VmKind } from '../../src/protocol';
import type { Engine, EngineLimits, GuestHost } from './engine';
import { EbpfEngine } from './ebpf';
import { EBPF_JIT } from './ebpf/jit';
import { prepareJsRuntime, QuickJsScriptEngine } from './js';
import { LuaScriptEngine, prepareLuaRuntime } from './lua';
import {
  MicroPythonScriptEngine,
  microPythonEngineReady,
  prepareMicroPythonRuntime,
} from './micropython';
import { Mips1Engine } from './mips1';
import { MIPS1_JIT } from './mips1/jit';
import { WasmEngine } from './wasm';
import { createWasmAotEngine } from './wasm-aot';

export * from './engine';

/** The compiled tiers that have landed (each module exports null until it does). */
const TIERS: readonly VmKind[] = [
  ...(MIPS1_JIT ? (['mips1-jit'] as const) : []),
  ...(EBPF_JIT ? (['ebpf-jit'] as const) : []),
  ...(createWasmAotEngine ? (['wasm-aot'] as const) : []),
];

/** The VM kinds this device runtime can run so far; the others arrive with their engines. */
export const AVAILABLE_ENGINES: readonly VmKind[] = [
  'mips1',
  'ebpf',
  'wasm',
  'wasm-fast',
  ...TIERS,
  'lua',
  'micropython',
  'js',
];

/** Kinds whose engines each take an interpreter from a pool that refills asynchronously. */
export const POOLED_ENGINES: readonly VmKind[] = ['micropython'];

export class EngineUnavailableError extends Error {
  constructor(kind: string) {
    super(`no ${kind} engine in this runtime yet; available: ${AVAILABLE_ENGINES.join(', ')}`);
  }
}

/**
 * The script VMs load their WebAssembly runtime asynchronously, once per process; the
 * native engines need nothing. Await this before createEngine() for those kinds (default:
 * every kind); it is cheap to call again.
 */
export async function prepareEngines(kinds: readonly VmKind[] = AVAILABLE_ENGINES): Promise<void> {
  await Promise.all(
    [...new Set(kinds)].map(async (kind) => {
      await prepareRuntime(kind);
      prepared.add(kind);
    }),
  );
}

const prepared = new Set<VmKind>(['mips1', 'ebpf', 'wasm', 'wasm-fast', ...TIERS]);

/** Whether createEngine(kind) can run now, without awaiting prepareEngines first. */
export function enginePrepared(kind: VmKind): boolean {
  // MicroPython hands each engine an interpreter from a pool that refills in the background.
  return kind === 'micropython' ? microPythonEngineReady() : prepared.has(kind);
}

async function prepareRuntime(kind: VmKind): Promise<unknown> {
  switch (kind) {
    case 'lua':
      return prepareLuaRuntime();
    case 'js':
      return prepareJsRuntime();
    case 'micropython':
      return prepareMicroPythonRuntime();
    case 'mips1':
    case 'ebpf':
    case 'wasm':
    case 'wasm-fast':
    case 'mips1-jit':
    case 'ebpf-jit':
    case 'wasm-aot':
      return;
  }
}

/** Creates an engine; lua, micropython and js need `await prepareEngines([kind])` first. */
export function createEngine(kind: VmKind, limits: EngineLimits, host: GuestHost): Engine {
  switch (kind) {
    case 'mips1-jit':
      if (!MIPS1_JIT) throw new EngineUnavailableError(kind);
      return new Mips1Engine(limits, host, { tier: MIPS1_JIT });
    case 'ebpf-jit':
      if (!EBPF_JIT) throw new EngineUnavailableError(kind);
      return new EbpfEngine(limits, host, { tier: EBPF_JIT });
    case 'wasm-aot':
      if (!createWasmAotEngine) throw new EngineUnavailableError(kind);
      return createWasmAotEngine(limits, host);
    case 'mips1':
      return new Mips1Engine(limits, host);
    case 'ebpf':
      return new EbpfEngine(limits, host);
    case 'wasm':
      return new WasmEngine(limits, host, { mode: 'classic' });
    case 'wasm-fast':
      return new WasmEngine(limits, host, { mode: 'fast' });
    case 'lua':
      return new LuaScriptEngine(limits, host);
    case 'js':
      return new QuickJsScriptEngine(limits, host);
    case 'micropython':
      return new MicroPythonScriptEngine(limits, host);
  }
}
