import { OutgoingMessage } from 'coap';
import { createHash } from 'node:crypto';
import { COAP_PATHS, coapUplinkPath, UP_CHANNELS } from '../protocol';

/**
 * What the CoAP gateway needs around the `coap` package: refusals with a code, responses
 * it must not touch, and the resource list (the guard in front of it: coap-guard.ts).
 */

/** A refusal at the edge: a CoAP response code and a diagnostic for the device's developer. */
export class CoapError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const etags = new WeakMap<Uint8Array, Buffer>();

/** An ETag per payload (8 bytes of its SHA-256), so a device can tell a changed payload. */
export function etagOf(payload: Uint8Array): Buffer {
  let etag = etags.get(payload);
  if (!etag) {
    etag = createHash('sha256').update(payload).digest().subarray(0, 8);
    etags.set(payload, etag);
  }
  return etag;
}

/** Ends a response through the base OutgoingMessage, past the server's Block2 handling. */
export function sendAsIs(res: OutgoingMessage, payload: Buffer): void {
  (OutgoingMessage.prototype.end as (this: OutgoingMessage, p: Buffer) => void).call(res, payload);
}

export function expectMethod(method: string, allowed: string): void {
  if (method !== allowed) throw new CoapError('4.05', `${method} not allowed here; use ${allowed}`);
}

/** RFC 6690 link format of every resource. */
export function linkFormat(): string {
  const ct = 'ct="60 50"';
  const links = [
    `<${COAP_PATHS.register}>;rt="vmfleet.register";${ct}`,
    `<${COAP_PATHS.down}>;rt="vmfleet.down";obs;${ct}`,
    // `/v1/ota` also has one sub-resource per deployment: GET /v1/ota/{id} with Block2.
    ...UP_CHANNELS.map((c) => `<${coapUplinkPath(c)}>;rt="vmfleet.${c}";${ct}`),
  ];
  return links.join(',');
}
