import { imageFormatOf, type VmKind } from '../vm';
import { ImageError, mips1StaticEnd, parseMips1Image } from './mips1-image';
import { validateRbfPayload } from './rbf';
import { validateSourcePayload } from './script/validate-source';
import { validateWasmPayload } from './wasm';

export interface PayloadNeeds {
  ramBytes: number;
  flashBytes: number;
  stackBytes: number;
}

export type PayloadCheck =
  | { ok: true; needs: PayloadNeeds }
  | { ok: false; code: 'image_rejected' | 'unsupported_vm'; reason: string };

/** Stack a mips1 image gets when its header asks for none (as the engine does). */
const MIPS1_DEFAULT_STACK = 1024;
/** The top 16 bytes of guest memory stay free (o32 argument area above the first frame). */
const MIPS1_STACK_TOP_GAP = 16;

/**
 * Validates an app payload for its VM kind before the gateway accepts it, with the code
 * the devices use, and derives what it needs from a device. Never rejects for a bad
 * payload. Async because the script VMs' compilers load once per process.
 */
export async function validatePayload(vm: VmKind, payload: Uint8Array): Promise<PayloadCheck> {
  const format = imageFormatOf(vm);
  switch (format) {
    case 'mips1':
      return validateMips1(payload);
    case 'ebpf':
      return validateRbfPayload(payload);
    case 'wasm':
      return validateWasmPayload(payload);
    case 'lua':
    case 'micropython':
    case 'js':
      return validateSourcePayload(format, payload);
  }
}

function validateMips1(payload: Uint8Array): PayloadCheck {
  try {
    const image = parseMips1Image(payload);
    const stackBytes = image.stackBytes || MIPS1_DEFAULT_STACK;
    const ramBytes = mips1StaticEnd(image) + stackBytes + MIPS1_STACK_TOP_GAP;
    return { ok: true, needs: { ramBytes, flashBytes: payload.length, stackBytes } };
  } catch (err) {
    if (err instanceof ImageError)
      return { ok: false, code: 'image_rejected', reason: `${err.code}: ${err.message}` };
    throw err;
  }
}
