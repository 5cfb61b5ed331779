/**
 * What the gateway's check of an app payload answers (src/apps/domain/validate-payload.ts):
 * accepted with what it needs from a device, or refused with the code devices use.
 */
export interface PayloadNeeds {
  ramBytes: number;
  flashBytes: number;
  stackBytes: number;
}

export type PayloadCheck =
  | { ok: true; needs: PayloadNeeds }
  | { ok: false; code: 'image_rejected' | 'unsupported_vm'; reason: string };
