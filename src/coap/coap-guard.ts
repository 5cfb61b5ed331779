import type { Server } from 'coap';
import { generate, type OptionName, type Packet } from 'coap-packet';
import type { AddressInfo } from 'node:net';
import { parseBlockOption } from '../protocol';
import { type Block1Outcome, Block1Uploads } from './coap-block1';
import { inspectDatagram, resetFor } from './coap-datagram';
import { EndpointBuckets } from './coap-rate-limit';
import { CoapError } from './coap-responses';

/**
 * What stands between the UDP socket and the `coap` package (docs/protocol.md §11.4).
 * The package answers a datagram it cannot parse with 5.00 (sent to the right port of
 * the wrong host), an RST or empty CON with a request to our handler (4.04), and holds
 * Block1 bodies in its own unbounded cache; so a datagram pre-filter replaces its socket
 * listener, and a wrapper of its `_handle` takes Block1 and stray ACK/RST over.
 */
export type DropReason =
  'malformed' | 'rate_limited' | 'unmatched_ack_or_rst' | 'not_a_request' | 'package_error';

export interface GuardHooks {
  /** May a Block1 upload of this URI start from this endpoint? Throws CoapError if not. */
  admitUpload(url: URL, endpoint: string): { anonymous: boolean };
  dropped(reason: DropReason): void;
  /** A Block1 upload refused (code) or timed out ('timeout'). */
  uploadRefused(code: string): void;
  /** What unfinished uploads hold now, after each Block1 packet and sweep. */
  held(uploads: number, bytes: number): void;
  debug(line: string): void;
}

/** A cached response: its datagram, and what the package hangs on it. */
type CachedResponse = Buffer & {
  sender?: { reset(): void };
  /** Set for Observe notifications: an RST to one ends the observation. */
  response?: unknown;
};

interface ExchangeCache {
  peek(key: string): unknown;
  set(key: string, value: CachedResponse): unknown;
  maxSize: number;
  ttl: number;
}

interface ServerInternals {
  handleRequest(): (msg: Buffer, rsinfo: AddressInfo) => void;
  _handle(packet: Packet, rsinfo: AddressInfo): void;
  _sendError(...args: unknown[]): void;
  _sock: { send(buf: Buffer, port: number, address: string): void } | null;
  _lru: ExchangeCache;
  _toKey(request: { rsinfo: AddressInfo }, packet: Packet, appendToken: boolean): string;
}

/** A CoAP endpoint: address and port, as sessions and limits know it. */
export function endpointOf(rsinfo: { address: string; port: number }): string {
  return `${rsinfo.address}:${rsinfo.port}`;
}

const completed = new WeakMap<Packet, Buffer>();

/** The Block1 option a reassembled request's final response echoes (RFC 7959 §2.3). */
export function block1Echo(packet: Packet): Buffer | undefined {
  return completed.get(packet);
}

export class CoapGuard {
  private readonly internals: ServerInternals;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    server: Server,
    private readonly uploads: Block1Uploads,
    private readonly buckets: EndpointBuckets,
    private readonly hooks: GuardHooks,
    sweepMs: number,
    maxExchanges: number,
  ) {
    this.internals = server as unknown as ServerInternals;
    this.capExchanges(maxExchanges);
    const listener = this.internals.handleRequest.bind(server);
    // listen() installs handleRequest()'s function as the socket's 'message' listener.
    this.internals.handleRequest = () => {
      const next = listener();
      return (msg, rsinfo) => this.datagram(msg, rsinfo, next);
    };
    const handle = this.internals._handle.bind(server);
    this.internals._handle = (packet, rsinfo) => this.packet(packet, rsinfo, handle);
    // Its only callers answer garbage, or name no token: an answer no client can match.
    this.internals._sendError = () => this.hooks.dropped('package_error');
    this.sweeper = setInterval(() => this.sweep(), sweepMs);
    this.sweeper.unref();
  }

  /**
   * The package keeps every response for duplicate detection (RFC 7252 §4.5) in an LRU
   * that counts only bytes, 32 MiB: short answers (a 4.01) to a flood from many
   * endpoints become ~10^6 entries, each with a retransmission timer, hundreds of MB. The
   * same cache, before listen() starts its pruning, with a cap on entries as well.
   */
  private capExchanges(max: number): void {
    const old = this.internals._lru;
    const Cache = old.constructor as new (options: object) => ExchangeCache;
    const cache = new Cache({
      max,
      maxSize: old.maxSize,
      ttl: old.ttl,
      sizeCalculation: (entry: CachedResponse) => entry.buffer.byteLength,
      dispose: (entry: CachedResponse) => entry.sender?.reset(),
    });
    const set = cache.set.bind(cache);
    cache.set = (key, entry) => {
      const stored = set(key, entry);
      // The package attaches the sender right after set(). An ACK or NON is never
      // retransmitted, yet its sender holds a 200 s timer and the whole response (~5 KB):
      // only the datagram is needed to answer a duplicate.
      queueMicrotask(() => {
        const type = (entry[0] >> 4) & 3;
        if (type === 0 || entry.response !== undefined || !entry.sender) return;
        // Its listeners stay until the socket's send callback (an 'error' without one throws).
        entry.sender.reset();
        entry.sender = undefined;
      });
      return stored;
    };
    this.internals._lru = cache;
  }

  close(): void {
    clearInterval(this.sweeper);
    this.uploads.clear();
  }

  private sweep(): void {
    const n = this.uploads.sweep();
    for (let i = 0; i < n; i++) this.hooks.uploadRefused('timeout');
    this.hooks.held(this.uploads.size, this.uploads.bytes);
  }

  /** RFC 7252 §3, §4.2, §4.3: what gets to the package, what gets an RST, what nothing. */
  private datagram(
    msg: Buffer,
    rsinfo: AddressInfo,
    next: (msg: Buffer, rsinfo: AddressInfo) => void,
  ): void {
    const what = inspectDatagram(msg);
    if (what.kind === 'invalid') {
      this.hooks.debug(`dropped a datagram from ${endpointOf(rsinfo)}: ${what.reason}`);
      return this.hooks.dropped('malformed');
    }
    const fresh = what.type === 'CON' || what.type === 'NON';
    if (fresh && !this.buckets.take(endpointOf(rsinfo))) return this.hooks.dropped('rate_limited');
    if (what.kind === 'empty') {
      // A CoAP ping; an empty NON is rejected silently; ACK/RST may end a notification.
      if (what.type === 'CON') return this.send(resetFor(what.messageId), rsinfo);
      if (what.type === 'NON') return this.hooks.dropped('not_a_request');
    } else if (what.kind === 'response' && fresh) {
      return this.hooks.dropped('not_a_request'); // we send no requests to answer
    }
    next(msg, rsinfo);
  }

  private packet(
    packet: Packet,
    rsinfo: AddressInfo,
    handle: (packet: Packet, rsinfo: AddressInfo) => void,
  ): void {
    // A retransmission of a request answered already: the package's cache answers it.
    const cached = this.internals._lru.peek(this.internals._toKey({ rsinfo }, packet, true));
    if (packet.ack || packet.reset) {
      // §4.2: an ACK or RST that matches nothing of ours is silently ignored.
      if (cached === undefined || packet.code !== '0.00') {
        return this.hooks.dropped('unmatched_ack_or_rst');
      }
      return handle(packet, rsinfo);
    }
    const option = packet.options?.find((o) => o.name === 'Block1');
    if (!option || cached !== undefined) return handle(packet, rsinfo);
    const outcome = this.block1(packet, rsinfo, option.value);
    this.hooks.held(this.uploads.size, this.uploads.bytes);
    if (outcome.kind === 'complete') {
      packet.options = packet.options?.filter((o) => o.name !== 'Block1' && o.name !== 'Size1');
      packet.payload = outcome.body;
      completed.set(packet, option.value);
      return handle(packet, rsinfo);
    }
    if (outcome.kind === 'continue') {
      return this.reply(packet, rsinfo, '2.31', [{ name: 'Block1', value: option.value }]);
    }
    this.hooks.uploadRefused(outcome.code);
    const options: { name: OptionName; value: Buffer }[] = [];
    if (outcome.code === '4.13') {
      options.push({ name: 'Size1', value: uintBytes(this.uploads.maxBodyBytes) });
    }
    if (outcome.maxAgeS) options.push({ name: 'Max-Age', value: uintBytes(outcome.maxAgeS) });
    this.reply(packet, rsinfo, outcome.code, options, outcome.message);
  }

  private block1(packet: Packet, rsinfo: AddressInfo, value: Buffer): Block1Outcome {
    const block = parseBlockOption(value);
    if (!block) return { kind: 'refused', code: '4.00', message: 'Block1: malformed or SZX 7' };
    const endpoint = endpointOf(rsinfo);
    const url = requestUrl(packet);
    let anonymous = false;
    if (block.num === 0 && block.more) {
      try {
        ({ anonymous } = this.hooks.admitUpload(url, endpoint));
      } catch (err) {
        if (!(err instanceof CoapError)) throw err;
        return { kind: 'refused', code: err.code as '4.00', message: err.message };
      }
    }
    const size1 = packet.options?.find((o) => o.name === 'Size1')?.value;
    return this.uploads.receive({
      endpoint,
      resource: `${packet.code} ${url.pathname}${url.search}`,
      block,
      payload: packet.payload ?? Buffer.alloc(0),
      size1: size1 ? uint(size1) : undefined,
      anonymous,
    });
  }

  /** A response of ours, piggybacked on the ACK of a CON, as NON to a NON. */
  private reply(
    packet: Packet,
    rsinfo: AddressInfo,
    code: string,
    options: { name: OptionName; value: Buffer }[],
    diagnostic?: string,
  ): void {
    const confirmable = Boolean(packet.confirmable);
    const bytes = generate({
      code,
      token: packet.token,
      messageId: confirmable ? packet.messageId : undefined,
      ack: confirmable,
      confirmable: false,
      options,
      payload: diagnostic ? Buffer.from(diagnostic) : undefined,
    });
    this.send(bytes, rsinfo);
  }

  private send(bytes: Buffer, rsinfo: AddressInfo): void {
    this.internals._sock?.send(bytes, rsinfo.port, rsinfo.address);
  }
}

/** The request's path and query as a URL, as the gateway's dispatch reads them. */
function requestUrl(packet: Packet): URL {
  const url = new URL('coap://gateway/');
  const path: string[] = [];
  const query: string[] = [];
  for (const o of packet.options ?? []) {
    if (o.name === 'Uri-Path') path.push(encodeURIComponent(o.value.toString()));
    if (o.name === 'Uri-Query') query.push(o.value.toString());
  }
  url.pathname = `/${path.join('/')}`;
  url.search = query.join('&');
  return url;
}

function uint(value: Buffer): number {
  let n = 0;
  for (const b of value) n = n * 256 + b;
  return n;
}

export function uintBytes(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from(bytes);
}
