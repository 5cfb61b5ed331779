import { isDeepStrictEqual } from 'node:util';
import fc, { type Arbitrary } from 'fast-check';
import { decodeDownlink, validateDownlink } from '../../../devices/link/downlink';
import { encodeCbor } from '../../../src/protocol/cbor';
import {
  CodecError,
  decodePayload,
  decodeUplink,
  downNotificationSchema,
  encodePayload,
  type Encoding,
  registerSchema,
} from '../../../src/protocol';
import { type FuzzTarget, PropertyViolation } from '../harness';
import { concat, mutationsOf } from '../mutate';
import { EDGE_VALUES, VALID_BODIES } from './message-fixtures';

/** The first input byte picks the channel; the rest is the payload as it came off the wire. */
const UP = ['hello', 'telemetry', 'status', 'event', 'reply', 'ota'] as const;
const DOWN = ['error', 'cmd', 'update'] as const;
const CHANNELS = [...UP, ...DOWN, 'register', 'notification', 'no-such-channel'] as const;
type Channel = (typeof CHANNELS)[number];

const MAX_PAYLOAD = 65536;

/** Replaces, deletes or adds one field somewhere in a body. */
function mutateBody(body: unknown, path: number[], value: unknown, action: number): unknown {
  if (body === null || typeof body !== 'object' || ArrayBuffer.isView(body)) return value;
  const copy: Record<string, unknown> = Array.isArray(body)
    ? ([...body] as unknown as Record<string, unknown>)
    : { ...(body as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (path.length === 0 || keys.length === 0) {
    const key = ['__proto__', 'constructor', 'extra', 'id', 'toString'][action % 5];
    Object.defineProperty(copy, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return copy;
  }
  const key = keys[path[0] % keys.length];
  if (path.length === 1 && action % 4 === 0) delete copy[key];
  else copy[key] = path.length === 1 ? value : mutateBody(copy[key], path.slice(1), value, action);
  return copy;
}

const anyValue: Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...EDGE_VALUES),
  fc.jsonValue({ maxDepth: 2 }),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 80 }),
);

/** A channel with a body: a valid one, or one with a field changed (structure, not bytes). */
const structured = fc
  .tuple(
    fc.constantFrom(...Object.keys(VALID_BODIES)),
    fc.nat(),
    fc.array(fc.nat(), { maxLength: 3 }),
    anyValue,
    fc.nat(),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([channel, pick, path, value, action, mutate, json]) => {
    const bodies = VALID_BODIES[channel];
    const body = bodies[pick % bodies.length];
    const final = mutate ? mutateBody(body, path, value, action) : body;
    return framed(channel as Channel, encodeSafely(final, json ? 'json' : 'cbor'));
  });

/** cbor-x and JSON cannot encode everything a mutation builds (BigInt in JSON): skip those. */
function encodeSafely(value: unknown, encoding: Encoding): Uint8Array {
  try {
    return encoding === 'json' ? encodePayload(value as object, 'json') : encodeCbor(value);
  } catch {
    return encodeCbor(null);
  }
}

function framed(channel: Channel, payload: Uint8Array): Uint8Array {
  return concat(new Uint8Array([CHANNELS.indexOf(channel)]), payload);
}

/** Any CBOR item cbor-x can write: arrays, maps, tags, nested, at the top level. */
const cborItems = fc
  .tuple(
    fc.nat({ max: CHANNELS.length - 1 }),
    fc.anything({
      maxDepth: 3,
      withMap: true,
      withSet: true,
      withBigInt: true,
      withDate: true,
      withTypedArray: true,
    }),
  )
  .map(([c, v]) => framed(CHANNELS[c], encodeSafely(v, 'cbor')));

/**
 * A reply whose result is one of cbor-x's extension tags (27, 28/29 sharing, 258 Set). Not
 * 259: a Map comes back from our encoder as a plain map, the same content.
 */
const RESULT_PREFIX = 'a3626964616362' + '6f6b' + 'f5' + '66726573756c74';
const taggedReplies = fc
  .constantFrom(
    'd81c81d81d00',
    'd81ca16161d81d00',
    'd81b8266526567457870616161',
    'd9010281f6',
    'd81d05',
  )
  .map((item) => framed('reply', Buffer.from(RESULT_PREFIX + item, 'hex')));

export const messagesTarget: FuzzTarget = {
  name: 'messages',
  covers:
    'src/protocol decodeUplink (every uplink channel), devices/link decodeDownlink (every downlink channel), CoAP register + /v1/down notification schemas',
  ciRuns: 1500,
  inputs: () => {
    const seeds = fc.sample(structured, { numRuns: 200, seed: 15 });
    return fc.oneof(
      { arbitrary: structured, weight: 4 },
      { arbitrary: mutationsOf(seeds), weight: 4 },
      { arbitrary: cborItems, weight: 2 },
      { arbitrary: taggedReplies, weight: 1 },
      { arbitrary: fc.uint8Array({ maxLength: 128 }), weight: 1 },
    );
  },
  check: (input) => {
    if (input.length === 0) return 'refused';
    const channel = CHANNELS[input[0] % CHANNELS.length];
    const payload = input.subarray(1);
    const accepted = decodeChannel(channel, payload);
    if (accepted === null) return 'refused';
    // Valid inputs round-trip: what the decoder returns encodes and decodes to itself.
    const again = decodeChannel(channel, encodePayload(accepted.body as object, accepted.encoding));
    if (again === null || !isDeepStrictEqual(normal(again.body), normal(accepted.body))) {
      throw new PropertyViolation(`${channel}: an accepted message does not round-trip`);
    }
    return 'accepted';
  },
};

interface Accepted {
  body: unknown;
  encoding: Encoding;
}

/** Decodes like the gateway (up), the device (down) or the CoAP binding; null when refused. */
function decodeChannel(channel: Channel, payload: Uint8Array): Accepted | null {
  if ((UP as readonly string[]).includes(channel) || channel === 'no-such-channel') {
    const r = decodeUplink(channel, payload, MAX_PAYLOAD);
    return r.ok ? { body: r.message.body, encoding: r.encoding } : null;
  }
  if ((DOWN as readonly string[]).includes(channel)) {
    const r = decodeDownlink(channel as (typeof DOWN)[number], payload);
    return r.ok ? { body: r.message.body, encoding: encodingOf(payload) } : null;
  }
  let decoded;
  try {
    decoded = decodePayload(payload);
  } catch (err) {
    if (err instanceof CodecError) return null;
    throw err;
  }
  const schema = channel === 'register' ? registerSchema : downNotificationSchema;
  const parsed = schema.safeParse(decoded.value);
  if (!parsed.success) return null;
  const notification = parsed.data as { channel?: (typeof DOWN)[number] | null; body?: unknown };
  if (channel === 'notification' && notification.channel) {
    // The device validates a notification's body as the downlink message it carries.
    validateDownlink(notification.channel, notification.body);
  }
  return { body: parsed.data, encoding: decoded.encoding };
}

function encodingOf(payload: Uint8Array): Encoding {
  return decodePayload(payload).encoding;
}

/**
 * -0 and 0 are one number on the wire (JSON writes both as 0); bytes are bytes whether they
 * came as a CBOR byte string (a Buffer) or as base64 text (a Uint8Array).
 */
function normal(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('hex') };
  if (Array.isArray(value)) return value.map(normal);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normal(v)]));
  }
  return value;
}
