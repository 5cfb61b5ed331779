import { WasmImageError } from './errors';
import { parseWasmModule } from './validate';

export interface WasmPayloadNeeds {
  ramBytes: number;
  flashBytes: number;
  stackBytes: number;
}

export type WasmPayloadCheck =
  { ok: true; needs: WasmPayloadNeeds } | { ok: false; code: 'image_rejected'; reason: string };

/**
 * The gateway's upload check for `wasm` and `wasm-fast` apps: the device's own decoder
 * and validator. ramBytes is what the guest touches before it runs (data segments, the
 * stack below the stack pointer's initial value and .bss up to `__heap_base`), not the declared pages: a board only
 * has to grant that much (docs/guest-abi.md, "wasm images"). Never throws.
 */
export function validateWasmPayload(bytes: Uint8Array): WasmPayloadCheck {
  try {
    const { layout } = parseWasmModule(bytes);
    const { staticEnd, stackBytes } = layout;
    return { ok: true, needs: { ramBytes: staticEnd, flashBytes: bytes.length, stackBytes } };
  } catch (err) {
    if (err instanceof WasmImageError)
      return { ok: false, code: 'image_rejected', reason: `${err.code}: ${err.message}` };
    throw err;
  }
}
