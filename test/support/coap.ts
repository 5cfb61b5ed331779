import { generate, parse, type OptionName, type ParsedPacket } from 'coap-packet';
import * as dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';

export interface RawRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and optional query, e.g. `/v1/telemetry?s=abc`. */
  url: string;
  payload?: Buffer;
  confirmable?: boolean;
  messageId?: number;
  token?: Buffer;
  options?: { name: OptionName; value: Buffer }[];
}

const CODES = { GET: '0.01', POST: '0.02', PUT: '0.03', DELETE: '0.04' } as const;

/**
 * A bare CoAP endpoint for protocol tests: sends exactly the datagram asked for and
 * collects what comes back, so tests can repeat message ids, send garbage or observe.
 */
export class RawCoap {
  private readonly socket = dgram.createSocket('udp4');
  private readonly received: ParsedPacket[] = [];
  private readonly waiters: (() => void)[] = [];
  private nextId = Math.floor(Math.random() * 60000);

  private constructor(private readonly port: number) {
    this.socket.on('message', (msg) => {
      const packet = parse(msg);
      this.received.push(packet);
      // Acknowledge CON notifications like a real client.
      if (packet.confirmable) {
        this.socket.send(
          generate({ messageId: packet.messageId, code: '0.00', ack: true, confirmable: false }),
          this.port,
          '127.0.0.1',
        );
      }
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  static async open(port: number): Promise<RawCoap> {
    const client = new RawCoap(port);
    await new Promise<void>((resolve) => client.socket.bind(0, '127.0.0.1', resolve));
    return client;
  }

  /** Builds the datagram for a request (for sending twice, or tampering with). */
  datagram(req: RawRequest): { bytes: Buffer; messageId: number; token: Buffer } {
    const [path, query] = req.url.split('?');
    const options: { name: OptionName; value: Buffer }[] = [];
    for (const seg of path.split('/').filter(Boolean)) {
      options.push({ name: 'Uri-Path', value: Buffer.from(seg) });
    }
    for (const q of query ? query.split('&') : []) {
      options.push({ name: 'Uri-Query', value: Buffer.from(q) });
    }
    options.push(...(req.options ?? []));
    const messageId = req.messageId ?? (this.nextId = (this.nextId + 1) & 0xffff);
    const token = req.token ?? randomBytes(4);
    const bytes = generate(
      {
        code: CODES[req.method],
        messageId,
        token,
        confirmable: req.confirmable ?? true,
        options,
        payload: req.payload ?? Buffer.alloc(0),
      },
      65_000,
    );
    return { bytes, messageId, token };
  }

  send(bytes: Buffer): void {
    this.socket.send(bytes, this.port, '127.0.0.1');
  }

  /** Sends a request and resolves with the first response carrying its token. */
  async request(req: RawRequest, timeoutMs = 3000): Promise<ParsedPacket> {
    const d = this.datagram(req);
    this.send(d.bytes);
    return this.waitFor(
      (p) => p.token.equals(d.token) && p.code !== '0.00',
      `answer to ${req.method} ${req.url}`,
      timeoutMs,
    );
  }

  /** Resolves with the first packet (already received or arriving) that matches. */
  async waitFor(
    match: (p: ParsedPacket) => boolean,
    what: string,
    timeoutMs = 3000,
  ): Promise<ParsedPacket> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex(match);
      if (i >= 0) return this.received.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Every packet with this token received so far (and not yet taken by waitFor). */
  countWithToken(token: Buffer): number {
    return this.received.filter((p) => p.token.equals(token)).length;
  }

  close(): void {
    this.socket.close();
  }
}

export function option(p: ParsedPacket, name: string): Buffer | undefined {
  return p.options.find((o) => o.name === name)?.value;
}

export function uint(value: Buffer | undefined): number | undefined {
  if (!value) return undefined;
  let n = 0;
  for (const b of value) n = n * 256 + b;
  return n;
}
