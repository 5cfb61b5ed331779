import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:dgram';
import {
  createServer,
  type IncomingMessage,
  type ObserveWriteStream,
  type OutgoingMessage,
  type Server,
} from 'coap';
import {
  COAP_PATHS,
  coapUplinkChannel,
  decodePayload,
  DownChannel,
  encodePayload,
  registerSchema,
  UpChannel,
} from '../../src/protocol';
import { type BlockOption, decodeBlock } from '../link/coap-codec';

export interface ReceivedUplink {
  channel: UpChannel;
  body: Record<string, unknown>;
  confirmable: boolean;
  contentFormat: unknown;
  bytes: number;
}

type Response = OutgoingMessage | ObserveWriteStream;

/**
 * A stand-in CoAP gateway for device tests (docs/protocol.md §11.1), on the `coap`
 * package's server with real UDP on 127.0.0.1 and an OS-assigned port. It checks the
 * token, keeps sessions, lets a test push notifications, serves OTA payloads blockwise,
 * and records what arrived. `restart()` forgets every session, as a gateway restart does.
 */
export class TestCoapGateway {
  readonly tokens = new Map<string, string>();
  readonly registrations: Array<{ id: string; hello: unknown; lifetime: number }> = [];
  readonly uplinks: ReceivedUplink[] = [];
  readonly deregistrations: string[] = [];
  /** Observe registrations, by session. */
  readonly observeRequests: string[] = [];
  /** Block2 options of the OTA GETs. */
  readonly otaBlocks: BlockOption[] = [];
  /** deployment -> payload served by GET /v1/ota/{deployment}. */
  readonly otaPayloads = new Map<number, Buffer>();
  lifetimeSeconds = 300;
  /** Answer uplinks after this long: past 50 ms the server sends an empty ACK first. */
  answerDelayMs = 0;
  /** Answers the next uplink with this code instead, once. */
  nextUplinkAnswer: { code: string; payload: Buffer } | null = null;
  private readonly sessions = new Map<string, string>();
  private readonly observers = new Map<string, ObserveWriteStream>();
  private waiters: Array<() => void> = [];
  private readonly delayed = new Set<NodeJS.Timeout>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<TestCoapGateway> {
    const server = createServer();
    const gateway = new TestCoapGateway(server);
    server.on('request', (req: IncomingMessage, res: Response) => gateway.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return gateway;
  }

  get port(): number {
    return (this.server._sock as Socket).address().port;
  }

  get url(): string {
    return `coap://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const timer of this.delayed) clearTimeout(timer);
    for (const observer of this.observers.values()) observer.end();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Forgets every session: later requests with them are answered 4.01. */
  restart(): void {
    for (const observer of this.observers.values()) observer.end();
    this.observers.clear();
    this.sessions.clear();
  }

  /** Sends one notification `{channel, body}` to the device's observation. */
  notify(deviceId: string, channel: DownChannel, body: object): void {
    const observer = [...this.observers.entries()].find(([s]) => this.sessions.get(s) === deviceId);
    if (!observer) throw new Error(`${deviceId} observes nothing`);
    observer[1].write(encodePayload({ channel, body }, 'cbor'));
  }

  /** Resolves once `predicate` holds, checked after every request. */
  async until(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  private handle(req: IncomingMessage, res: Response): void {
    const [path, query = ''] = req.url.split('?');
    const session = new URLSearchParams(query).get('s') ?? '';
    const answer = () => {
      this.route(req, res, path, session);
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    };
    if (this.answerDelayMs <= 0 || req.method !== 'POST') return answer();
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      answer();
    }, this.answerDelayMs);
    this.delayed.add(timer);
  }

  private route(req: IncomingMessage, res: Response, path: string, session: string): void {
    if (path === COAP_PATHS.register && req.method === 'POST') return this.register(req, res);
    const deviceId = this.sessions.get(session);
    if (deviceId === undefined) return this.end(res, '4.01', 'unknown session');
    if (path === COAP_PATHS.register && req.method === 'DELETE') {
      this.sessions.delete(session);
      this.deregistrations.push(deviceId);
      return this.end(res, '2.02');
    }
    if (path === COAP_PATHS.down && req.method === 'GET') return this.observe(req, res, session);
    if (path.startsWith(`${COAP_PATHS.ota}/`) && req.method === 'GET')
      return this.ota(req, res, path);
    const channel = coapUplinkChannel(path);
    if (channel && req.method === 'POST') return this.uplink(req, res, channel);
    this.end(res, '4.04', `no resource ${path}`);
  }

  private register(req: IncomingMessage, res: Response): void {
    const parsed = registerSchema.safeParse(decodePayload(req.payload).value);
    if (!parsed.success) return this.end(res, '4.00', parsed.error.message);
    const { id, token, hello, lifetime } = parsed.data;
    if (this.tokens.get(id) !== token) return this.end(res, '4.01', 'wrong credentials');
    for (const [old, owner] of this.sessions) if (owner === id) this.sessions.delete(old);
    const session = randomBytes(16).toString('base64url');
    this.sessions.set(session, id);
    this.registrations.push({ id, hello, lifetime });
    res.statusCode = '2.01';
    res.end(encodePayload({ session, lifetime: this.lifetimeSeconds }, 'cbor'));
  }

  private observe(req: IncomingMessage, res: Response, session: string): void {
    if (req.headers.Observe === 1) {
      // RFC 7641 §3.6: the device cancels its observation.
      this.observers.get(session)?.end();
      this.observers.delete(session);
      return this.end(res, '2.05', encodePayload({ channel: null }, 'cbor'));
    }
    if (req.headers.Observe !== 0) return this.end(res, '4.05', 'observe only');
    this.observeRequests.push(session);
    this.observers.set(session, res as ObserveWriteStream);
    res.write(encodePayload({ channel: null }, 'cbor'));
  }

  private ota(req: IncomingMessage, res: Response, path: string): void {
    const payload = this.otaPayloads.get(Number(path.slice(COAP_PATHS.ota.length + 1)));
    if (!payload) return this.end(res, '4.04', 'no deployment for this device');
    const option = (req._packet.options ?? []).find((o) => o.name === 'Block2');
    const block = Buffer.isBuffer(option?.value) ? decodeBlock(option.value) : null;
    if (block) this.otaBlocks.push(block);
    // The server slices the Block2 answer from the whole payload (RFC 7959 §2.4).
    res.end(payload);
  }

  private uplink(req: IncomingMessage, res: Response, channel: UpChannel): void {
    this.uplinks.push({
      channel,
      body: decodePayload(req.payload).value,
      confirmable: req._packet.confirmable ?? false,
      contentFormat: req.headers['Content-Format'],
      bytes: req.payload.length,
    });
    const forced = this.nextUplinkAnswer;
    this.nextUplinkAnswer = null;
    if (forced) return this.end(res, forced.code, forced.payload);
    this.end(res, '2.04');
  }

  private end(res: Response, code: string, payload?: string | Buffer): void {
    res.statusCode = code;
    res.end(typeof payload === 'string' ? Buffer.from(payload) : payload);
  }
}
