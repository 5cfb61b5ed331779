import { WASM_ABI_IMPORTS } from '../../../../src/protocol/images/wasm';
import type { GuestHost, GuestMemoryView } from '../../engine';

/** The part of the WebAssembly JS API used here (tsconfig's lib has no DOM typings). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
}
const V8 = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** Thrown through V8's wasm frames by vm_exit: WebAssembly cannot stop itself otherwise. */
class GuestExit extends Error {
  constructor(readonly code: number) {
    super(`vm_exit(${code})`);
  }
}

/**
 * Runs a vmfleet .wasm under Node's own WebAssembly (V8) as the oracle: each vmfleet
 * import becomes a JS function that hands the call to `host` as the engine would
 * (same syscall numbers, a memory view over the exported memory). Yields are ignored:
 * V8 cannot suspend, so a yield's value is returned at once.
 */
export function runOnV8(bytes: Uint8Array, host: GuestHost): number {
  let memory: { buffer: ArrayBuffer } | null = null;
  const view: GuestMemoryView = {
    readBytes: (address, length) =>
      new Uint8Array(memory!.buffer).slice(address >>> 0, (address >>> 0) + length),
    readCString: (address, maxBytes) => {
      const u8 = new Uint8Array(memory!.buffer);
      const start = address >>> 0;
      let end = start;
      while (end < u8.length && end - start < maxBytes && u8[end] !== 0) end++;
      return new TextDecoder().decode(u8.subarray(start, end));
    },
    writeBytes: (address, bytes) => new Uint8Array(memory!.buffer).set(bytes, address >>> 0),
  };
  const vmfleet: Record<string, (...args: number[]) => number> = {};
  for (const [name, abi] of Object.entries(WASM_ABI_IMPORTS)) {
    vmfleet[name] = (...args: number[]) => {
      const padded: [number, number, number, number] = [
        args[0] ?? 0,
        args[1] ?? 0,
        args[2] ?? 0,
        args[3] ?? 0,
      ];
      const result = host.syscall({ number: abi.syscall, args: padded, memory: view });
      switch (result.kind) {
        case 'exit':
          throw new GuestExit(result.code);
        case 'fault':
          throw new Error(`syscall ${abi.syscall}: ${result.message}`);
        case 'value':
          return result.value;
        case 'yield':
          return result.value ?? 0;
      }
    };
  }
  const instance = new V8.Instance(new V8.Module(bytes), { vmfleet });
  memory = instance.exports.memory as { buffer: ArrayBuffer };
  try {
    const result = (instance.exports._start as () => number | undefined)();
    return result ?? 0;
  } catch (error) {
    if (error instanceof GuestExit) return error.code;
    throw error;
  }
}
