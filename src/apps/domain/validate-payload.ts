import { validateSourcePayload } from '../../guest-scripts/validate-source';
import { imageFormatOf, type VmKind } from '../../protocol';
import { ImageError, mips1StaticEnd, parseMips1Image } from '../../protocol/images/mips1-image';
import type { PayloadCheck } from '../../protocol/images/payload-check';
import { validateRbfPayload } from '../../protocol/images/rbf';
import { validateWasmPayload } from '../../protocol/images/wasm';

export type { PayloadCheck, PayloadNeeds } from '../../protocol/images/payload-check';

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
