import { RbfError } from './errors';
import { parseRbf } from './format';
import { HELPER_BUFFER_BYTES, STACK_BYTES } from './layout';
import { verifyRbf } from './verify';

export type RbfPayloadCheck =
  | { ok: true; needs: { ramBytes: number; flashBytes: number; stackBytes: number } }
  | { ok: false; code: 'image_rejected'; reason: string };

/**
 * Gateway-side check of an ebpf app: parses and pre-flight verifies it exactly as the
 * device does, and derives what it needs. RAM: data (written in place, so a copy) + the
 * call stack + the helper buffer; rodata and text stay in flash (the image). Never throws.
 */
export function validateRbfPayload(bytes: Uint8Array): RbfPayloadCheck {
  try {
    const image = parseRbf(bytes);
    verifyRbf(image);
    const ramBytes = image.data.length + STACK_BYTES + HELPER_BUFFER_BYTES;
    return {
      ok: true,
      needs: { ramBytes, flashBytes: bytes.length, stackBytes: STACK_BYTES },
    };
  } catch (err) {
    if (err instanceof RbfError)
      return { ok: false, code: 'image_rejected', reason: `${err.code}: ${err.message}` };
    throw err;
  }
}
