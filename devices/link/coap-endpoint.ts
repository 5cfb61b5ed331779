import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { generate, parse, type NamedOption, type ParsedPacket } from 'coap-packet';
import type { Random } from '../prng';
import { type CoapEndpointAddress, type CoapOptions, codeClass, uriOptions } from './coap-codec';

/** RFC 7252 §4.8 transmission parameters; tests shrink them. */
export interface CoapTimings {
  ackTimeoutMs: number;
  ackRandomFactor: number;
  maxRetransmit: number;
}

export const DEFAULT_COAP_TIMINGS: CoapTimings = {
  ackTimeoutMs: 2_000,
  ackRandomFactor: 1.5,
  maxRetransmit: 4,
};

export interface CoapRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: readonly string[];
  /** Options besides Uri-Path and Uri-Query. */
  options?: NamedOption[];
  payload?: Buffer;
  confirmable: boolean;
  /** Reused by an Observe registration and the blocks of one body; random otherwise. */
  token?: Buffer;
}

export interface CoapResponse {
  code: string;
  options: CoapOptions;
  payload: Buffer;
}

export type NotificationListener = (notification: CoapResponse) => void;

/** No ACK after MAX_RETRANSMIT retransmissions, or no response in time. */
export class CoapTimeoutError extends Error {
  readonly code = 'coap_timeout';
}

/** The peer answered the request with RST, or the endpoint closed under it. */
export class CoapExchangeError extends Error {
  readonly code = 'coap_exchange_failed';
}

interface Exchange {
  token: string;
  messageId: number;
  datagram: Buffer;
  /** Still waiting for the ACK of a CON request. */
  awaitingAck: boolean;
  retransmits: number;
  timeoutMs: number;
  timer?: NodeJS.Timeout;
  resolve: (response: CoapResponse) => void;
  reject: (error: Error) => void;
}

interface Seen {
  at: number;
  /** What answered the message (ACK or RST): a duplicate CON gets it again. */
  reply: Buffer | null;
}

const TOKEN_BYTES = 4;
/** RFC 7252 §4.8.2 MAX_LATENCY. */
const MAX_LATENCY_MS = 100_000;

/**
 * The message layer of RFC 7252 §4 on one UDP socket, client side: message ids and
 * tokens, CON retransmission with exponential back-off, piggybacked and separate
 * responses, duplicate detection, and delivery of Observe notifications by token.
 */
export class CoapEndpoint {
  readonly bytes = { read: 0, written: 0 };
  private readonly socket: Socket;
  /** Open exchanges by the message id of the request: ACK and RST match on it. */
  private readonly byMessageId = new Map<number, Exchange>();
  private readonly byToken = new Map<string, Exchange>();
  private readonly listeners = new Map<string, NotificationListener>();
  private readonly seen = new Map<number, Seen>();
  private nextMessageId: number;
  private closed = false;

  constructor(
    private readonly remote: CoapEndpointAddress,
    private readonly timings: CoapTimings,
    private readonly random: Random,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.nextMessageId = Math.floor(random() * 0x10000);
    this.socket = createSocket(remote.family);
    this.socket.on('message', (datagram, from) => this.receive(datagram, from));
    this.socket.on('error', (error) => this.log(`CoAP socket error: ${error.message}`));
  }

  /** Binds an ephemeral port on loopback when the gateway is on loopback, else on any address. */
  async open(): Promise<void> {
    const loopback = this.remote.host === '::1' || this.remote.host.startsWith('127.');
    this.socket.bind(0, loopback ? this.remote.host : undefined);
    await once(this.socket, 'listening');
  }

  /** Fails every exchange still open and closes the socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const exchange of new Set([...this.byMessageId.values(), ...this.byToken.values()])) {
      this.fail(exchange, new CoapExchangeError('the CoAP endpoint was closed'));
    }
    this.listeners.clear();
    this.socket.close();
  }

  newToken(): Buffer {
    return randomBytes(TOKEN_BYTES);
  }

  /** Notifications carrying `token` go to `listener` once no request waits for them. */
  listen(token: Buffer, listener: NotificationListener): void {
    this.listeners.set(token.toString('hex'), listener);
  }

  /** RFC 7641 §3.6: a later notification with this token is answered with RST. */
  forget(token: Buffer): void {
    this.listeners.delete(token.toString('hex'));
  }

  /** Sends a request and resolves with its response, whatever its code. */
  request(request: CoapRequest): Promise<CoapResponse> {
    if (this.closed) return Promise.reject(new CoapExchangeError('the CoAP endpoint is closed'));
    const token = request.token ?? this.newToken();
    const messageId = this.allocateMessageId();
    const datagram = generate({
      code: request.method,
      messageId,
      token,
      confirmable: request.confirmable,
      options: [...uriOptions(request.path, request.query), ...(request.options ?? [])],
      payload: request.payload,
    });
    return new Promise<CoapResponse>((resolve, reject) => {
      const exchange: Exchange = {
        token: token.toString('hex'),
        messageId,
        datagram,
        awaitingAck: request.confirmable,
        retransmits: 0,
        timeoutMs: this.initialTimeoutMs(),
        resolve,
        reject,
      };
      this.byToken.set(exchange.token, exchange);
      this.byMessageId.set(messageId, exchange);
      if (request.confirmable) {
        exchange.timer = setTimeout(() => this.retransmit(exchange), exchange.timeoutMs);
      } else {
        this.awaitResponse(exchange);
      }
      this.write(datagram);
    });
  }

  // RFC 7252 §4.2: the first timeout is random in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR].
  private initialTimeoutMs(): number {
    const { ackTimeoutMs, ackRandomFactor } = this.timings;
    return ackTimeoutMs * (1 + this.random() * (ackRandomFactor - 1));
  }

  // RFC 7252 §4.2: the timeout doubles with every retransmission, MAX_RETRANSMIT times.
  private retransmit(exchange: Exchange): void {
    if (exchange.retransmits >= this.timings.maxRetransmit) {
      const tries = exchange.retransmits + 1;
      this.fail(exchange, new CoapTimeoutError(`no CoAP acknowledgement after ${tries} tries`));
      return;
    }
    exchange.retransmits++;
    exchange.timeoutMs *= 2;
    exchange.timer = setTimeout(() => this.retransmit(exchange), exchange.timeoutMs);
    this.write(exchange.datagram);
  }

  /** After an empty ACK, or for a NON request: the response may take MAX_TRANSMIT_WAIT. */
  private awaitResponse(exchange: Exchange): void {
    clearTimeout(exchange.timer);
    const { ackTimeoutMs, ackRandomFactor, maxRetransmit } = this.timings;
    const waitMs = ackTimeoutMs * (2 ** (maxRetransmit + 1) - 1) * ackRandomFactor;
    exchange.timer = setTimeout(
      () => this.fail(exchange, new CoapTimeoutError('no CoAP response in time')),
      waitMs,
    );
  }

  private receive(datagram: Buffer, from: RemoteInfo): void {
    this.bytes.read += datagram.length;
    if (from.port !== this.remote.port) return;
    let packet: ParsedPacket;
    try {
      packet = parse(datagram);
    } catch (error) {
      this.log(`dropping a malformed CoAP datagram: ${(error as Error).message}`);
      return;
    }
    if (packet.ack || packet.reset) return this.onAckOrReset(packet);
    if (packet.code === '0.00') {
      // RFC 7252 §4.3: an empty CON is a ping, answered with RST.
      if (packet.confirmable) this.write(this.emptyReply(packet.messageId, 'reset'));
      return;
    }
    this.onMessage(packet);
  }

  private onAckOrReset(packet: ParsedPacket): void {
    const exchange = this.byMessageId.get(packet.messageId);
    if (!exchange) return;
    // RFC 7252 §4.2, §4.3: RST answers a CON or a NON the gateway could not process.
    if (packet.reset) {
      this.fail(exchange, new CoapExchangeError('the gateway reset the CoAP exchange'));
      return;
    }
    if (!exchange.awaitingAck) return;
    exchange.awaitingAck = false;
    // RFC 7252 §5.2.2: an empty ACK promises a separate response.
    if (packet.code === '0.00') return this.awaitResponse(exchange);
    if (packet.token.toString('hex') === exchange.token) this.settle(exchange, packet);
  }

  /** A CON or NON response: the answer to a request, or a notification. */
  private onMessage(packet: ParsedPacket): void {
    const duplicate = this.seen.get(packet.messageId);
    if (duplicate) {
      // RFC 7252 §4.5: acknowledge a duplicate CON again, process it only once.
      if (packet.confirmable && duplicate.reply) this.write(duplicate.reply);
      return;
    }
    const token = packet.token.toString('hex');
    const exchange = this.byToken.get(token);
    const listener = this.listeners.get(token);
    const known = codeClass(packet.code) >= 2 && (exchange ?? listener) !== undefined;
    // RFC 7252 §4.2, §4.3 and RFC 7641 §3.6: what the endpoint cannot use is reset.
    const reply =
      packet.confirmable || !known
        ? this.emptyReply(packet.messageId, known ? 'ack' : 'reset')
        : null;
    this.remember(packet.messageId, reply);
    if (reply) this.write(reply);
    if (!known) return;
    const response = { code: packet.code, options: packet.options, payload: packet.payload };
    if (exchange) this.settle(exchange, response);
    else listener?.(response);
  }

  private settle(exchange: Exchange, response: CoapResponse): void {
    this.release(exchange);
    exchange.resolve(response);
  }

  private fail(exchange: Exchange, error: Error): void {
    this.release(exchange);
    exchange.reject(error);
  }

  private release(exchange: Exchange): void {
    clearTimeout(exchange.timer);
    if (this.byMessageId.get(exchange.messageId) === exchange) {
      this.byMessageId.delete(exchange.messageId);
    }
    if (this.byToken.get(exchange.token) === exchange) this.byToken.delete(exchange.token);
  }

  /** Message ids seen within EXCHANGE_LIFETIME (RFC 7252 §4.8.2), oldest first. */
  private remember(messageId: number, reply: Buffer | null): void {
    const now = Date.now();
    const { ackTimeoutMs, ackRandomFactor, maxRetransmit } = this.timings;
    const span = ackTimeoutMs * (2 ** maxRetransmit - 1) * ackRandomFactor;
    const lifetimeMs = span + 2 * MAX_LATENCY_MS + ackTimeoutMs;
    for (const [id, entry] of this.seen) {
      if (now - entry.at < lifetimeMs) break;
      this.seen.delete(id);
    }
    this.seen.set(messageId, { at: now, reply });
  }

  private emptyReply(messageId: number, kind: 'ack' | 'reset'): Buffer {
    return generate({ code: '0.00', messageId, ack: kind === 'ack', reset: kind === 'reset' });
  }

  private allocateMessageId(): number {
    let messageId = this.nextMessageId;
    // Skip an id an open exchange still uses (only after 65536 requests in flight).
    while (this.byMessageId.has(messageId)) messageId = (messageId + 1) & 0xffff;
    this.nextMessageId = (messageId + 1) & 0xffff;
    return messageId;
  }

  private write(datagram: Buffer): void {
    if (this.closed) return;
    this.bytes.written += datagram.length;
    this.socket.send(datagram, this.remote.port, this.remote.host, (error) => {
      if (error) this.log(`CoAP send failed: ${error.message}`);
    });
  }
}
