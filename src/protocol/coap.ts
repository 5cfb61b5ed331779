import { z } from 'zod';
import type { Encoding } from './codec';
import { helloSchema } from './messages';
import { DOWN_CHANNELS, PROTOCOL_VERSION, UP_CHANNELS, type UpChannel } from './topics';
import { deviceIdSchema } from './vm';

/**
 * The CoAP binding of protocol v1 (docs/protocol.md §11): paths, content formats and the
 * bodies that exist only on CoAP (registration and the downlink notification). Shared by
 * the gateway (src/coap) and the virtual devices (devices/link/coap-link.ts).
 */
export const COAP_ROOT = `v${PROTOCOL_VERSION}`;
export const COAP_PATHS = {
  register: `/${COAP_ROOT}/register`,
  down: `/${COAP_ROOT}/down`,
  /** GET `${ota}/{deployment}` with Block2 fetches the payload being deployed. */
  ota: `/${COAP_ROOT}/ota`,
  wellKnown: '/.well-known/core',
} as const;

/** `POST /v1/{channel}` for every uplink channel. */
export function coapUplinkPath(channel: UpChannel): string {
  return `/${COAP_ROOT}/${channel}`;
}

/** The query parameter that carries the session: `?s=<session>`. */
export const COAP_SESSION_QUERY = 's';

/** RFC 7252 §12.3 Content-Format numbers. */
export const COAP_CONTENT_FORMAT = { json: 50, cbor: 60 } as const satisfies Record<
  Encoding,
  number
>;

export const COAP_DEFAULT_LIFETIME_S = 300;
export const COAP_MIN_LIFETIME_S = 60;
export const COAP_MAX_LIFETIME_S = 86_400;

/** Block sizes RFC 7959 allows: 2^(SZX+4), SZX 0..6. */
export const COAP_MIN_BLOCK = 16;
export const COAP_MAX_BLOCK = 1024;

/** Largest single-datagram body a device sends before switching to Block1. */
export const COAP_BLOCK1_THRESHOLD = 1024;

export const registerSchema = z.object({
  id: deviceIdSchema,
  token: z.string().min(1).max(256),
  hello: helloSchema,
  lifetime: z
    .number()
    .int()
    .min(COAP_MIN_LIFETIME_S)
    .max(COAP_MAX_LIFETIME_S)
    .default(COAP_DEFAULT_LIFETIME_S),
});
export type RegisterRequest = z.input<typeof registerSchema>;

/** A session id: 16 random bytes, base64url without padding. */
export const sessionSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'a 22-character session id');

export const registeredSchema = z.object({
  session: sessionSchema,
  lifetime: z.number().int().positive(),
});
export type Registered = z.infer<typeof registeredSchema>;

/**
 * One notification of `/v1/down`: a downlink message and its channel. The answer to the
 * Observe registration itself carries `channel: null` and no body.
 */
export const downNotificationSchema = z.union([
  z.object({ channel: z.enum(DOWN_CHANNELS), body: z.record(z.string(), z.unknown()) }),
  z.object({ channel: z.null() }),
]);
export type DownNotification = z.infer<typeof downNotificationSchema>;

/** The uplink channel a `/v1/{channel}` path names, or null. */
export function coapUplinkChannel(path: string): UpChannel | null {
  const prefix = `/${COAP_ROOT}/`;
  if (!path.startsWith(prefix)) return null;
  const name = path.slice(prefix.length);
  return (UP_CHANNELS as readonly string[]).includes(name) ? (name as UpChannel) : null;
}

/** RFC 7959 block size exponent: size = 2^(szx + 4). Null unless size is one of 16..1024. */
export function blockSzx(size: number): number | null {
  for (let szx = 0; szx <= 6; szx++) if (2 ** (szx + 4) === size) return szx;
  return null;
}

export interface BlockOption {
  num: number;
  more: boolean;
  /** 2^(szx + 4) bytes; szx 7 is reserved and refused. */
  size: number;
}

/** Decodes a Block1/Block2 option value (RFC 7959 §2.2: 0–3 bytes, NUM | M | SZX). */
export function parseBlockOption(value: Uint8Array): BlockOption | null {
  if (value.length > 3) return null;
  let n = 0;
  for (const byte of value) n = n * 256 + byte;
  const szx = n & 7;
  if (szx === 7) return null;
  return { num: n >>> 4, more: (n & 8) !== 0, size: 2 ** (szx + 4) };
}

/** Encodes a Block1/Block2 option value in the fewest bytes. */
export function encodeBlockOption(block: BlockOption): Buffer {
  const szx = blockSzx(block.size);
  if (szx === null)
    throw new RangeError(`block size ${block.size} is not a power of two in 16..1024`);
  const n = block.num * 16 + (block.more ? 8 : 0) + szx;
  if (n < 0x100) return n === 0 ? Buffer.alloc(0) : Buffer.of(n);
  if (n < 0x10000) return Buffer.of(n >> 8, n & 0xff);
  if (n < 0x1000000) return Buffer.of(n >> 16, (n >> 8) & 0xff, n & 0xff);
  throw new RangeError(`block number ${block.num} does not fit in 20 bits`);
}
