import { OutgoingMessage, type Server } from 'coap';
import { generate, type Packet } from 'coap-packet';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { COAP_PATHS, coapUplinkPath, parseBlockOption, UP_CHANNELS } from '../protocol';

/**
 * What the CoAP gateway needs around the `coap` package: refusals with a code, responses
 * it must not touch, a guard on its Block1 reassembly, and the resource list.
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
 * The coap package reassembles Block1 uploads itself and would allocate whatever the
 * last block number claims; a block past the size limit is answered 4.13 here instead.
 */
export function guardBlock1(server: Server, limit: number, onRefused: () => void): void {
  const internals = server as unknown as {
    _handle(packet: Packet, rsinfo: AddressInfo): void;
    _sock: { send(buf: Buffer, port: number, address: string): void } | null;
  };
  const handle = internals._handle.bind(server);
  internals._handle = (packet, rsinfo) => {
    const option = packet.options?.find((o) => o.name === 'Block1');
    const block = option ? parseBlockOption(option.value) : null;
    if (option && (!block || block.num * block.size + (packet.payload?.length ?? 0) > limit)) {
      onRefused();
      const reply = generate({
        messageId: packet.messageId,
        token: packet.token,
        code: block ? '4.13' : '4.02',
        confirmable: false,
        ack: Boolean(packet.confirmable),
        options: [{ name: 'Size1', value: uintBytes(limit) }],
        payload: Buffer.from(block ? `body over ${limit} bytes` : 'Block1: malformed'),
      });
      internals._sock?.send(reply, rsinfo.port, rsinfo.address);
      return;
    }
    handle(packet, rsinfo);
  };
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

function uintBytes(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from(bytes);
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
