import { isDeepStrictEqual } from 'node:util';
import { IncomingMessage } from 'coap';
import { inspectDatagram } from '../../../src/coap/coap-datagram';
import { generate, type OptionName, parse, type ParsedPacket } from 'coap-packet';
import fc from 'fast-check';
import {
  coapUplinkChannel,
  COAP_SESSION_QUERY,
  CodecError,
  decodePayload,
  encodeBlockOption,
  encodePayload,
  parseBlockOption,
} from '../../../src/protocol';
import { type FuzzTarget, isErrorLike, PropertyViolation } from '../harness';
import { mutationsOf } from '../mutate';
import { VALID_BODIES } from './message-fixtures';

const OPTION_NAMES: OptionName[] = [
  'Uri-Path',
  'Uri-Query',
  'Content-Format',
  'Observe',
  'Block1',
  'Block2',
  'Size1',
  'ETag',
  'Accept',
  'Max-Age',
];
const CODES = ['GET', 'POST', 'PUT', 'DELETE', '0.00', '2.05', '4.04', '0.31', '7.31'];

/** Datagrams a device (or an attacker) sends: well-formed requests with random options. */
const requests = fc
  .record({
    code: fc.constantFrom(...CODES),
    messageId: fc.integer({ min: 0, max: 0xffff }),
    token: fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)),
    confirmable: fc.boolean(),
    options: fc.array(
      fc.record({
        name: fc.constantFrom(...OPTION_NAMES),
        value: fc.oneof(
          fc
            .constantFrom(
              'v1',
              'register',
              'telemetry',
              'ota',
              'down',
              's=AAAAAAAAAAAAAAAAAAAAAA',
              '',
              'a:b',
              '[',
              'a b',
              '%',
              '..',
            )
            .map((s) => Buffer.from(s)),
          fc.uint8Array({ maxLength: 4 }).map((b) => Buffer.from(b)),
        ),
      }),
      { maxLength: 6 },
    ),
    payload: fc.oneof(
      fc.constantFrom(...Object.values(VALID_BODIES).flat()).map((b) => encodePayload(b, 'cbor')),
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
    ),
  })
  .map((p) => {
    try {
      return new Uint8Array(generate(p));
    } catch {
      return new Uint8Array(0); // generate refuses some option values; an empty datagram then
    }
  });

/**
 * CoAP datagrams as the gateway reads them: coap-packet's parse (the coap server's first
 * step), the Block1 guard, the request the coap package builds, the path, query, Block2
 * and payload the gateway looks at (src/coap/coap-gateway.ts, coap-responses.ts).
 */
export const coapTarget: FuzzTarget = {
  name: 'coap',
  covers:
    'coap-packet parse/generate, src/protocol parseBlockOption/encodeBlockOption + coapUplinkChannel, the request view of src/coap',
  ciRuns: 1500,
  inputs: () => {
    const seeds = fc.sample(requests, { numRuns: 100, seed: 15 }).filter((b) => b.length > 0);
    return fc.oneof(
      { arbitrary: requests, weight: 3 },
      { arbitrary: mutationsOf(seeds), weight: 3 },
      { arbitrary: fc.uint8Array({ maxLength: 64 }), weight: 1 },
    );
  },
  check: (input) => {
    // The gateway's pre-filter (src/coap/coap-datagram.ts) decides first; it never throws.
    const kind = inspectDatagram(input);
    let packet: ParsedPacket;
    try {
      packet = parse(Buffer.from(input));
    } catch (err) {
      // The coap server drops what coap-packet cannot parse (its parseRequest middleware).
      if (!isErrorLike(err)) throw err;
      if (kind.kind !== 'invalid') {
        throw new PropertyViolation(
          `the pre-filter passed a ${kind.kind} coap-packet cannot parse`,
        );
      }
      return 'refused';
    }
    packetRoundTrip(packet);
    for (const o of packet.options) {
      if (o.name === 'Block1' || o.name === 'Block2') blockRoundTrip(o.value);
    }
    if (kind.kind !== 'request') return 'refused';
    gatewayView(packet);
    return 'accepted';
  },
};

/** generate(parse(x)) parses to the same packet. */
function packetRoundTrip(packet: ParsedPacket): void {
  let again: ParsedPacket;
  try {
    again = parse(generate(packet));
  } catch (err) {
    throw new PropertyViolation(
      `a parsed packet does not generate and parse again: ${String(err)}`,
    );
  }
  const fields = (p: ParsedPacket) => ({
    code: p.code,
    messageId: p.messageId,
    token: [...p.token],
    confirmable: p.confirmable,
    reset: p.reset,
    ack: p.ack,
    options: p.options.map((o) => [o.name, [...o.value]]),
    payload: [...p.payload],
  });
  if (!isDeepStrictEqual(fields(again), fields(packet))) {
    throw new PropertyViolation('parse(generate(parse(x))) differs from parse(x)');
  }
}

/** RFC 7959 §2.2: a block option decodes and encodes back to the same NUM, M and SZX. */
function blockRoundTrip(value: Buffer): void {
  const block = parseBlockOption(value);
  if (block === null) return;
  const again = parseBlockOption(encodeBlockOption(block));
  if (!isDeepStrictEqual(again, block)) {
    throw new PropertyViolation(`Block option ${value.toString('hex')} does not round-trip`);
  }
}

/** What the gateway reads from a parsed request, in the order it reads it. */
function gatewayView(packet: ParsedPacket): void {
  const req = new IncomingMessage(
    packet,
    { address: '127.0.0.1', port: 5683, family: 'IPv4' },
    undefined,
  );
  // As dispatch does (appended, not resolved: an empty first Uri-Path is not a host).
  const url = new URL(`coap://gateway${req.url.startsWith('/') ? '' : '/'}${req.url}`);
  coapUplinkChannel(url.pathname);
  url.searchParams.get(COAP_SESSION_QUERY);
  void req.headers['Content-Format'];
  void req.headers.Observe;
  const block2 = req._packet.options?.find((o) => o.name === 'Block2')?.value;
  if (block2) parseBlockOption(block2);
  try {
    if (req.payload.length) decodePayload(req.payload);
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
  }
}
