import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { createServer, type IncomingMessage, type OutgoingMessage, type Server } from 'coap';
import type { AddressInfo } from 'node:net';
import { CONFIG, Config } from '../config/config';
import { DeviceLinks } from '../link/device-links';
import { InboundRouter } from '../link/inbound-router';
import { KeyedQueue } from '../link/keyed-queue';
import { DeviceAuthenticator, LoginAttempts, PayloadSource } from '../link/ports';
import type { Transport, TransportAddress } from '../link/transport';
import { MetricsService } from '../metrics/metrics.service';
import { SessionTakeovers } from '../metrics/session-takeovers';
import {
  COAP_PATHS,
  COAP_SESSION_QUERY,
  coapUplinkChannel,
  coapUplinkPath,
  UP_CHANNELS,
} from '../protocol';
import { Block1Uploads } from './coap-block1';
import { CoapDeviceLink } from './coap-device-link';
import { block1Echo, CoapGuard, endpointOf } from './coap-guard';
import { EndpointBuckets } from './coap-rate-limit';
import { answer, CoapError, FORMAT, refusalOf } from './coap-responses';
import { type CoapSession, CoapSessions } from './coap-sessions';
import { type CoapContext, type CoapHandler, VIA_COAP } from './handlers/context';
import { down } from './handlers/down';
import { payloadBlock } from './handlers/payload';
import { deregister, register } from './handlers/register';
import { uplink } from './handlers/uplink';
import { wellKnown } from './handlers/well-known';

const ACCEPTED_FORMATS = new Set<unknown>([undefined, FORMAT.json, FORMAT.cbor]);
/** Rate buckets kept at most (least recently used go first): ~2 MB. */
const RATE_ENDPOINTS_MAX = 16_384;
/** Responses kept for duplicate detection: ~50 s of history at 1,000 requests/s, ~50 MB. */
const EXCHANGES_MAX = 50_000;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Methods = Partial<Record<Method, CoapHandler>>;

/** The dispatch table: each resource (docs/protocol.md §11.1), its methods and handlers. */
const WELL_KNOWN: Methods = { GET: wellKnown };
const RESOURCES = new Map<string, Methods>([
  [COAP_PATHS.wellKnown, WELL_KNOWN],
  [COAP_PATHS.register, { POST: register, DELETE: deregister }],
  [COAP_PATHS.down, { GET: down }],
  ...UP_CHANNELS.map((c): [string, Methods] => [coapUplinkPath(c), { POST: uplink(c) }]),
]);
/** `/v1/ota/{deployment}`: one sub-resource per deployment, its payload by Block2. */
const PAYLOAD_PREFIX = `${COAP_PATHS.ota}/`;
const PAYLOAD: Methods = { GET: payloadBlock };

/** The methods of the resource at `path` (none: 4.04), and what the path adds to it. */
function resourceOf(path: string): [Methods | undefined, string] {
  if (path.startsWith(PAYLOAD_PREFIX)) return [PAYLOAD, path.slice(PAYLOAD_PREFIX.length)];
  return [RESOURCES.get(path), ''];
}

/**
 * The CoAP transport (docs/protocol.md §11): registration with the device token, uplinks
 * as POSTs, downlink as notifications of an observed resource, app payloads by Block2.
 * Decodes with src/protocol and hands messages to the same InboundRouter as MQTT; one
 * file per resource in handlers/, behind the table above.
 */
@Injectable()
export class CoapGateway implements Transport, OnApplicationBootstrap, OnModuleDestroy {
  readonly name = 'coap';
  private readonly logger = new Logger('CoAP');
  private readonly queue = new KeyedQueue();
  private readonly sessions = new CoapSessions((s) => this.expired(s));
  private readonly context: CoapContext;
  private server?: Server;
  private guard?: CoapGuard;
  private boundPort = 0;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    authenticator: DeviceAuthenticator,
    logins: LoginAttempts,
    payloads: PayloadSource,
    private readonly router: InboundRouter,
    private readonly link: CoapDeviceLink,
    private readonly links: DeviceLinks,
    private readonly metrics: MetricsService,
    takeovers: SessionTakeovers,
  ) {
    this.context = {
      logger: this.logger,
      maxPayloadBytes: config.mqttMaxPayloadBytes,
      sessions: this.sessions,
      queue: this.queue,
      router,
      authenticator,
      logins,
      payloads,
      metrics,
      takeovers,
      connectedCount: () => link.connectedCount,
      enqueue: (deviceId, what, task) => this.enqueue(deviceId, what, task),
    };
  }

  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  async start(): Promise<void> {
    await this.router.transportStarting();
    this.link.attach(this.sessions);
    this.links.register(this.link);
    const host = this.config.coapHost;
    const server = createServer({ type: host.includes(':') ? 'udp6' : 'udp4' }, (req, res) =>
      this.handle(req, res),
    );
    this.guard = this.guardFor(server);
    server.on('error', (err: Error) => this.logger.error(`socket: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      // A failed bind (EADDRINUSE) comes as an 'error' event, never through the callback.
      const failed = (err: Error) => reject(err);
      server.once('error', failed);
      server.listen(this.config.coapPort, host, (err?: Error) => {
        server.off('error', failed);
        if (err) reject(err);
        else resolve();
      });
    });
    this.server = server;
    const socket = (server as unknown as { _sock: { address(): AddressInfo } })._sock;
    this.boundPort = socket.address().port;
    this.logger.log(`CoAP listening on ${host}:${this.boundPort} (udp)`);
  }

  async stop(): Promise<void> {
    this.guard?.close();
    this.sessions.closeAll();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    await this.queue.drain();
  }

  get port(): number {
    return this.boundPort;
  }

  get address(): TransportAddress {
    return { host: this.config.coapHost, port: this.boundPort, protocol: 'udp' };
  }

  /** The datagram filter, Block1 reassembly and rate limit in front of the package. */
  private guardFor(server: Server): CoapGuard {
    const limits = this.config.coapLimits;
    const uploads = new Block1Uploads({
      timeoutMs: limits.block1TimeoutMs,
      perEndpoint: limits.block1PerEndpoint,
      total: limits.block1Total,
      anonymousTotal: Math.max(1, Math.floor(limits.block1Total / 4)),
      maxBodyBytes: this.config.mqttMaxPayloadBytes,
    });
    const buckets = new EndpointBuckets({
      ratePerS: limits.ratePerS,
      burst: limits.burst,
      maxEndpoints: RATE_ENDPOINTS_MAX,
    });
    const rejected = (code: string) => this.metrics.framesRejected.inc({ code });
    const hooks = {
      admitUpload: (url: URL, endpoint: string) => this.admitUpload(url, endpoint),
      dropped: (reason: string) => rejected(`coap_${reason}`),
      uploadRefused: (code: string) =>
        rejected(code === '4.13' ? 'payload_too_large' : `coap_block1_${code}`),
      debug: (line: string) => this.logger.debug(line),
      held: (count: number, bytes: number) => {
        this.metrics.coapBlock1Held.set({ measure: 'uploads' }, count);
        this.metrics.coapBlock1Held.set({ measure: 'bytes' }, bytes);
      },
    };
    const sweepMs = Math.max(50, Math.min(5_000, limits.block1TimeoutMs / 4));
    return new CoapGuard(server, uploads, buckets, hooks, sweepMs, EXCHANGES_MAX);
  }

  /** A Block1 upload starts only for a registration or a live session of this endpoint. */
  private admitUpload(url: URL, endpoint: string): { anonymous: boolean } {
    if (url.pathname === COAP_PATHS.register) return { anonymous: true };
    if (!coapUplinkChannel(url.pathname)) {
      throw new CoapError('4.04', `no resource ${url.pathname} takes a Block1 upload`);
    }
    this.session(url, endpoint);
    return { anonymous: false };
  }

  private handle(req: IncomingMessage, res: OutgoingMessage): void {
    res.on('error', (err: Error) => this.logger.debug(`response: ${err.message}`));
    const echo = block1Echo(req._packet);
    if (echo) res.setOption('Block1', echo); // RFC 7959 §2.3: the final block's response
    this.dispatch(req, res).catch((err: unknown) => {
      const { code, message, fault } = refusalOf(err);
      if (fault) this.logger.error(`${req.method} ${req.url}: ${(err as Error).message}`);
      answer(res, code, Buffer.from(message));
    });
  }

  private async dispatch(req: IncomingMessage, res: OutgoingMessage): Promise<void> {
    // Appended, not resolved: a first Uri-Path of '' makes req.url '//…', which URL()
    // would read as a host (and throw on a bad one).
    const url = new URL(`coap://gateway${req.url.startsWith('/') ? '' : '/'}${req.url}`);
    const path = url.pathname;
    const [methods, param] = resourceOf(path);
    if (methods !== WELL_KNOWN && !ACCEPTED_FORMATS.has(req.headers['Content-Format'])) {
      throw new CoapError(
        '4.15',
        `Content-Format ${String(req.headers['Content-Format'])}: send application/cbor (60) or application/json (50)`,
      );
    }
    if (!methods) {
      throw new CoapError('4.04', `no resource ${path}; GET ${COAP_PATHS.wellKnown} lists them`);
    }
    const handler = methods[req.method as Method];
    if (!handler) {
      const allowed = Object.keys(methods).join(' or ');
      throw new CoapError('4.05', `${req.method} not allowed here; use ${allowed}`);
    }
    const endpoint = endpointOf(req.rsinfo);
    const session = () => this.session(url, endpoint);
    await handler(this.context, { req, res, url, endpoint, session, param });
  }

  /**
   * The live session named by `?s=`, used from the endpoint that registered it; 4.01
   * tells the device to register (again).
   */
  private session(url: URL, endpoint: string): CoapSession {
    const id = url.searchParams.get(COAP_SESSION_QUERY);
    if (!id) throw new CoapError('4.01', `no session: register at ${COAP_PATHS.register} first`);
    const session = this.sessions.touch(id, endpoint);
    if (session === 'unknown') {
      throw new CoapError('4.01', 'unknown or expired session: register again');
    }
    if (session === 'elsewhere') {
      this.metrics.framesRejected.inc({ code: 'coap_session_elsewhere' });
      throw new CoapError(
        '4.01',
        'session registered from another address or port: register again',
      );
    }
    return session;
  }

  private enqueue(deviceId: string, what: string, task: () => Promise<unknown>): void {
    void this.queue
      .run(deviceId, task)
      .catch((err: Error) => this.logger.error(`${deviceId}/${what}: ${err.message}`));
  }

  private expired(session: CoapSession): void {
    this.metrics.connectedDevices.set({ transport: 'coap' }, this.link.connectedCount);
    const at = Date.now();
    this.enqueue(session.deviceId, 'offline', () =>
      this.router.connectionLost(session.deviceId, at, VIA_COAP),
    );
  }
}
