import type { VmKind } from '../../src/protocol';
import type { Engine, EngineLimits, GuestHost } from './engine';
import { EbpfEngine } from './ebpf';
import { Mips1Engine } from './mips1';
import { WasmEngine } from './wasm';

export * from './engine';

/** The VM kinds this device runtime can run so far; the others arrive with their engines. */
export const AVAILABLE_ENGINES: readonly VmKind[] = ['mips1', 'ebpf', 'wasm', 'wasm-fast'];

export class EngineUnavailableError extends Error {
  constructor(kind: string) {
    super(`no ${kind} engine in this runtime yet; available: ${AVAILABLE_ENGINES.join(', ')}`);
  }
}

export function createEngine(kind: VmKind, limits: EngineLimits, host: GuestHost): Engine {
  switch (kind) {
    case 'mips1':
      return new Mips1Engine(limits, host);
    case 'ebpf':
      return new EbpfEngine(limits, host);
    case 'wasm':
      return new WasmEngine(limits, host, { mode: 'classic' });
    case 'wasm-fast':
      return new WasmEngine(limits, host, { mode: 'fast' });
    case 'lua':
    case 'micropython':
    case 'js':
      throw new EngineUnavailableError(kind);
  }
}
