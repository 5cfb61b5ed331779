import { isIPv6 } from 'node:net';
import type { NamedOption, OptionName, ParsedPacket } from 'coap-packet';

/** Pure helpers of the device's CoAP client: option values, blocks, URIs, Observe order. */

export type CoapOptions = ParsedPacket['options'];

export interface BlockOption {
  num: number;
  more: boolean;
  /** Size exponent: a block holds 2^(szx + 4) bytes. */
  szx: number;
}

/** RFC 7641 §3.4: an Observe sequence number and when its notification arrived. */
export interface ObserveMark {
  seq: number;
  at: number;
}

export interface CoapEndpointAddress {
  host: string;
  port: number;
  family: 'udp4' | 'udp6';
}

export const COAP_DEFAULT_PORT = 5683;
/** RFC 7641 §3.4: a notification this much later than the last one is fresh whatever its number. */
const OBSERVE_REORDER_WINDOW_MS = 128_000;
const OBSERVE_HALF_RANGE = 2 ** 23;

/** RFC 7252 §3.2 uint: big-endian in the fewest bytes, 0 as the empty string. */
export function encodeUint(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${value} is not a CoAP uint option value`);
  }
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from(bytes);
}

export function decodeUint(value: Buffer): number {
  let result = 0;
  for (const byte of value) result = result * 256 + byte;
  return result;
}

/** RFC 7959 §2.2: NUM, M and SZX in one uint of at most 3 bytes. */
export function encodeBlock(block: BlockOption): Buffer {
  return encodeUint(block.num * 16 + (block.more ? 8 : 0) + block.szx);
}

/** Null for SZX 7 (reserved, RFC 7959 §2.2) or an option longer than 3 bytes. */
export function decodeBlock(value: Buffer): BlockOption | null {
  if (value.length > 3) return null;
  const raw = decodeUint(value);
  const szx = raw & 7;
  if (szx === 7) return null;
  return { num: Math.floor(raw / 16), more: (raw & 8) !== 0, szx };
}

export function blockBytes(szx: number): number {
  return 2 ** (szx + 4);
}

export function findOption(options: CoapOptions, name: OptionName): Buffer | undefined {
  return options.find((option) => option.name === name)?.value;
}

export function uintOption(name: OptionName, value: number): NamedOption {
  return { name, value: encodeUint(value) };
}

/** Uri-Path options of an absolute path, one per segment (RFC 7252 §6.4 step 8). */
export function uriOptions(path: string, query: readonly string[] = []): NamedOption[] {
  const segments = path.split('/').filter((segment) => segment.length > 0);
  return [
    ...segments.map((segment): NamedOption => ({ name: 'Uri-Path', value: Buffer.from(segment) })),
    ...query.map((pair): NamedOption => ({ name: 'Uri-Query', value: Buffer.from(pair) })),
  ];
}

/**
 * RFC 7641 §3.4: a notification is fresh when its sequence number is newer in 24-bit
 * serial arithmetic, or when it comes more than 128 s after the last one.
 */
export function isFreshNotification(previous: ObserveMark | null, next: ObserveMark): boolean {
  if (!previous) return true;
  const v1 = previous.seq;
  const v2 = next.seq;
  return (
    (v1 < v2 && v2 - v1 < OBSERVE_HALF_RANGE) ||
    (v1 > v2 && v1 - v2 > OBSERVE_HALF_RANGE) ||
    next.at > previous.at + OBSERVE_REORDER_WINDOW_MS
  );
}

/** `coap://host[:port]`; an IPv6 literal selects a udp6 socket. */
export function parseCoapUrl(url: string): CoapEndpointAddress {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // not a URL at all
  }
  if (parsed?.protocol !== 'coap:' || parsed.hostname === '') {
    throw new Error(`CoAP URL "${url}" must look like coap://127.0.0.1:5683`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = parsed.port === '' ? COAP_DEFAULT_PORT : Number(parsed.port);
  return { host, port, family: isIPv6(host) ? 'udp6' : 'udp4' };
}

/** The class of a response code: 2 for 2.05, 4 for 4.01. */
export function codeClass(code: string): number {
  return Number(code.split('.')[0]);
}

/**
 * The Block2 block (RFC 7959 §2.4) that starts at `offset` and holds `length` bytes or
 * fewer: the smallest block size of 16..1024 covering `length`, halved until `offset`
 * falls on a block boundary. Null when no block size divides `offset`.
 */
export function blockAt(offset: number, length: number): { num: number; szx: number } | null {
  let szx = 0;
  while (szx < 6 && blockBytes(szx) < length) szx++;
  while (szx > 0 && offset % blockBytes(szx) !== 0) szx--;
  if (offset % blockBytes(szx) !== 0) return null;
  return { num: offset / blockBytes(szx), szx };
}
