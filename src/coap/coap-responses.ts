import { type IncomingMessage, OutgoingMessage } from 'coap';
import { createHash } from 'node:crypto';
import { DomainError } from '../common/domain-error';
import { codesOf, INTERNAL_CODES } from '../common/error-codes';
import { COAP_PATHS, coapUplinkPath, type Encoding, UP_CHANNELS } from '../protocol';

export const FORMAT: Record<Encoding, string> = {
  json: 'application/json',
  cbor: 'application/cbor',
};

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

/**
 * The answer to a request that failed, with its diagnostic payload (RFC 7252 §5.5.2): a
 * CoapError's own code, a DomainError's from the one table (src/common/error-codes.ts),
 * 5.00 for anything else. `fault`: a gateway fault, to be logged.
 */
export function refusalOf(err: unknown): { code: string; message: string; fault: boolean } {
  if (err instanceof CoapError) return { code: err.code, message: err.message, fault: false };
  if (err instanceof DomainError) {
    const code = codesOf(err).coap;
    return { code, message: err.message, fault: code.startsWith('5.') };
  }
  return { code: INTERNAL_CODES.coap, message: 'internal error', fault: true };
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

/** Ends a response with a code (and a payload), unless it has ended already. */
export function answer(
  res: OutgoingMessage,
  code: string,
  payload?: Buffer,
  format?: string,
): void {
  if (res.writableEnded) return;
  res.code = code;
  if (format) res.setOption('Content-Format', format);
  res.end(payload);
}

/** The Block2 option of a request, raw (RFC 7959 §2.2). */
export function block2Of(req: IncomingMessage): Buffer | undefined {
  return req._packet.options?.find((o) => o.name === 'Block2')?.value;
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
