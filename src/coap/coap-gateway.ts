import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { createServer, type IncomingMessage, type OutgoingMessage, type Server } from 'coap';
import { randomBytes } from 'node:crypto';
import type { Packet } from 'coap-packet';
import type { AddressInfo } from 'node:net';
import { CONFIG, Config } from '../config/config';
import { RolloutRunner } from '../deployments/rollout-runner';
import { DevicesService } from '../devices/devices.service';
import { DeviceLinks } from '../link/device-links';
import { InboundRouter } from '../link/inbound-router';
import { KeyedQueue } from '../link/keyed-queue';
import { MetricsService } from '../metrics/metrics.service';
import { SessionTakeovers } from '../metrics/session-takeovers';
import {
  COAP_MAX_BLOCK,
  COAP_PATHS,
  COAP_SESSION_QUERY,
  CodecError,
  coapUplinkChannel,
  decodePayload,
  decodeUplink,
  type Encoding,
  encodePayload,
  parseBlockOption,
  encodeBlockOption,
  registerSchema,
  UP_CHANNELS,
} from '../protocol';
import { CoapDeviceLink } from './coap-device-link';
import { Block1Uploads } from './coap-block1';
import { block1Echo, CoapGuard, endpointOf } from './coap-guard';
import { EndpointBuckets } from './coap-rate-limit';
import { LoginThrottle } from '../devices/login-throttle';
import { describeIssues } from '../protocol/zod-issues';
import { CoapError, etagOf, expectMethod, linkFormat, sendAsIs } from './coap-responses';
import { type CoapSession, CoapSessions } from './coap-sessions';

const FORMAT: Record<Encoding, string> = { json: 'application/json', cbor: 'application/cbor' };
const ACCEPTED_FORMATS = new Set<unknown>([undefined, FORMAT.json, FORMAT.cbor]);
/** Rate buckets kept at most (least recently used go first): ~2 MB. */
const RATE_ENDPOINTS_MAX = 16_384;
/** Responses kept for duplicate detection: ~50 s of history at 1,000 requests/s, ~50 MB. */
const EXCHANGES_MAX = 50_000;

/**
 * The CoAP transport (docs/protocol.md §11): registration with the device token, uplinks
 * as POSTs, downlink as notifications of an observed resource, app payloads by Block2.
 * Decodes with src/protocol and hands messages to the same InboundRouter as MQTT.
 */
@Injectable()
export class CoapGateway implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('CoAP');
  private readonly queue = new KeyedQueue();
  private readonly sessions = new CoapSessions((s) => this.expired(s));
  private server?: Server;
  private guard?: CoapGuard;
  private boundPort = 0;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly devices: DevicesService,
    private readonly router: InboundRouter,
    private readonly rollouts: RolloutRunner,
    private readonly link: CoapDeviceLink,
    private readonly links: DeviceLinks,
    private readonly metrics: MetricsService,
    private readonly takeovers: SessionTakeovers,
    private readonly throttle: LoginThrottle,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
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

  get port(): number {
    return this.boundPort;
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

  async onModuleDestroy(): Promise<void> {
    this.guard?.close();
    this.sessions.closeAll();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    await this.queue.drain();
  }

  private handle(req: IncomingMessage, res: OutgoingMessage): void {
    res.on('error', (err: Error) => this.logger.debug(`response: ${err.message}`));
    const echo = block1Echo(req._packet);
    if (echo) res.setOption('Block1', echo); // RFC 7959 §2.3: the final block's response
    this.dispatch(req, res).catch((err: unknown) => {
      const known = err instanceof CoapError;
      if (!known) this.logger.error(`${req.method} ${req.url}: ${(err as Error).message}`);
      const code = known ? err.code : '5.00';
      this.answer(res, code, Buffer.from(known ? err.message : 'internal error'));
    });
  }

  private async dispatch(req: IncomingMessage, res: OutgoingMessage): Promise<void> {
    // Appended, not resolved: a first Uri-Path of '' makes req.url '//…', which URL()
    // would read as a host (and throw on a bad one).
    const url = new URL(`coap://gateway${req.url.startsWith('/') ? '' : '/'}${req.url}`);
    const path = url.pathname;
    const method = req.method;
    if (path === COAP_PATHS.wellKnown) {
      expectMethod(method, 'GET');
      return this.answer(res, '2.05', Buffer.from(linkFormat()), 'application/link-format');
    }
    if (!ACCEPTED_FORMATS.has(req.headers['Content-Format'])) {
      throw new CoapError(
        '4.15',
        `Content-Format ${String(req.headers['Content-Format'])}: send application/cbor (60) or application/json (50)`,
      );
    }
    const endpoint = endpointOf(req.rsinfo);
    if (path === COAP_PATHS.register) {
      if (method === 'POST') return this.register(req, res, endpoint);
      expectMethod(method, 'DELETE');
      const session = this.session(url, endpoint);
      this.sessions.close(session, true);
      return this.answer(res, '2.02');
    }
    if (path === COAP_PATHS.down) {
      expectMethod(method, 'GET');
      return this.observe(req, res, this.session(url, endpoint));
    }
    if (path.startsWith(`${COAP_PATHS.ota}/`)) {
      expectMethod(method, 'GET');
      const deployment = path.slice(COAP_PATHS.ota.length + 1);
      return this.payloadBlock(req, res, this.session(url, endpoint), deployment);
    }
    const channel = coapUplinkChannel(path);
    if (channel) {
      expectMethod(method, 'POST');
      return this.uplink(req, res, this.session(url, endpoint), channel);
    }
    throw new CoapError('4.04', `no resource ${path}; GET ${COAP_PATHS.wellKnown} lists them`);
  }

  private async register(
    req: IncomingMessage,
    res: OutgoingMessage,
    endpoint: string,
  ): Promise<void> {
    let value: Record<string, unknown>;
    let encoding: Encoding;
    try {
      ({ value, encoding } = decodePayload(req.payload));
    } catch (err) {
      if (err instanceof CodecError) throw new CoapError('4.00', `${err.code}: ${err.message}`);
      throw err;
    }
    const parsed = registerSchema.safeParse(value);
    if (!parsed.success) {
      const why = describeIssues(parsed.error.issues);
      throw new CoapError('4.00', `invalid registration: ${why}`);
    }
    const { id, token, hello, lifetime } = parsed.data;
    // Per address, not endpoint: a guesser changes source ports for free.
    const address = req.rsinfo.address;
    const throttled = this.throttle.check(id, address);
    if (!throttled.allow) {
      // 4.29 Too Many Requests (RFC 8516): Max-Age says when to try again; token unchecked.
      this.metrics.connectionsRefused.inc({ reason: 'login_throttled' });
      res.setOption('Max-Age', Math.ceil(throttled.retryAfterMs / 1000));
      throw new CoapError('4.29', `too many wrong logins; retry in ${throttled.retryAfterMs} ms`);
    }
    if (!(await this.devices.authenticate(id, token))) {
      this.throttle.failed(id, address);
      this.metrics.connectionsRefused.inc({ reason: 'bad_credentials' });
      this.logger.warn(
        `refused registration for "${id}" from ${address}: wrong device id or token`,
      );
      throw new CoapError('4.01', 'bad device id or token');
    }
    this.throttle.succeeded(id, address);
    if (this.sessions.ofDevice(id)) this.takeovers.record('coap', id);
    // Registering (again) binds the session to this endpoint (docs/protocol.md §11.4).
    const session = this.sessions.open(id, endpoint, hello, lifetime, encoding);
    this.metrics.connectedDevices.set({ transport: 'coap' }, this.link.connectedCount);
    const body = encodePayload({ session: session.id, lifetime }, encoding);
    this.answer(res, '2.01', body, FORMAT[encoding]);
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

  /** Opens the downlink; the device counts as online from here, as after an MQTT hello. */
  /**
   * `/v1/down`: Observe 0 opens the downlink, and the device counts as online from here,
   * as after an MQTT hello; Observe 1 closes it; a plain GET with Block2 reads on in the
   * last notification that did not fit one datagram.
   */
  private observe(req: IncomingMessage, res: OutgoingMessage, session: CoapSession): void {
    const encoding = session.encoding;
    const first = encodePayload({ channel: null }, encoding);
    if (req.headers.Observe !== 0) {
      if (req.headers.Observe === 1) {
        session.observer?.end();
        session.observer = null;
      }
      const raw = req._packet.options?.find((o) => o.name === 'Block2')?.value;
      if (raw) return this.laterBlock(res, session, raw);
      return this.answer(res, '2.05', first, FORMAT[encoding]);
    }
    session.observer?.end();
    const packet = (res as unknown as { _packet: Packet })._packet;
    const observer = {
      notify: (payload: Buffer, enc: Encoding) => {
        if (res.writableEnded) return;
        packet.options = (packet.options ?? []).filter(
          (o) => o.name !== 'Block2' && o.name !== 'ETag',
        );
        res.setOption('Content-Format', FORMAT[enc]);
        if (payload.length <= COAP_MAX_BLOCK) return void res.write(payload);
        const large = { payload, etag: randomBytes(4) };
        session.large = large;
        res.setOption('Block2', encodeBlockOption({ num: 0, more: true, size: COAP_MAX_BLOCK }));
        res.setOption('ETag', large.etag);
        res.write(payload.subarray(0, COAP_MAX_BLOCK));
      },
      end: () => {
        if (!res.writableEnded) res.end();
      },
    };
    session.observer = observer;
    res.on('finish', () => {
      if (session.observer === observer) session.observer = null;
    });
    // Fresh until the session would end: no re-registration every 60 s (RFC 7641 §3.3.1).
    res.setOption('Max-Age', Math.round(session.lifetimeMs / 1000));
    res.setOption('Content-Format', FORMAT[encoding]);
    res.write(first);
    const deviceId = session.deviceId;
    if (session.announced) {
      // A re-observation: the device may have missed notifications; offers are idempotent.
      this.enqueue(deviceId, 'reobserve', () => this.rollouts.onDeviceOnline(deviceId));
      return;
    }
    session.announced = true;
    const hello = { channel: 'hello' as const, body: session.hello };
    this.enqueue(deviceId, 'hello', () => this.router.route(deviceId, hello, Date.now()));
  }

  /** Block `num` ≥ 1 of the last large notification. */
  private laterBlock(res: OutgoingMessage, session: CoapSession, raw: Buffer): void {
    const block = parseBlockOption(raw);
    const large = session.large;
    if (!block) throw new CoapError('4.02', 'Block2: malformed or SZX 7');
    if (!large) throw new CoapError('4.04', 'no notification to read on: observe /v1/down');
    const start = block.num * block.size;
    if (start >= large.payload.length) {
      throw new CoapError(
        '4.02',
        `block ${block.num} is past the end of ${large.payload.length} bytes`,
      );
    }
    const end = Math.min(start + block.size, large.payload.length);
    res.setOption('Content-Format', FORMAT[session.encoding]);
    res.setOption('Block2', encodeBlockOption({ ...block, more: end < large.payload.length }));
    res.setOption('ETag', large.etag);
    sendAsIs(res, large.payload.subarray(start, end));
  }

  private uplink(
    req: IncomingMessage,
    res: OutgoingMessage,
    session: CoapSession,
    channel: (typeof UP_CHANNELS)[number],
  ): void {
    const receivedAt = Date.now();
    const limit = this.config.mqttMaxPayloadBytes;
    const result = decodeUplink(channel, req.payload, limit);
    const deviceId = session.deviceId;
    if (!result.ok) {
      this.metrics.framesRejected.inc({ code: result.code });
      this.logger.warn(`${deviceId}: rejected ${channel}: ${result.code}: ${result.reason}`);
      const body = encodePayload(
        { code: result.code, message: result.reason, channel },
        result.encoding,
      );
      if (result.code === 'payload_too_large') res.setOption('Size1', limit);
      const code = result.code === 'payload_too_large' ? '4.13' : '4.00';
      return this.answer(res, code, body, FORMAT[result.encoding]);
    }
    session.encoding = result.encoding;
    const message = result.message;
    if (message.channel === 'status' && message.body.state === 'offline') {
      this.sessions.close(session, true);
    } else if (req._packet.confirmable) {
      // A CON is answered 2.04 once the message is durable (docs/protocol.md §5.5).
      void this.queue
        .run(deviceId, () => this.router.route(deviceId, message, receivedAt, 'confirmed'))
        .then((routed) => routed.durable)
        .then(
          () => this.answer(res, '2.04'),
          (err: Error) => {
            this.logger.error(`${deviceId}/${channel}: not stored, answered 5.03: ${err.message}`);
            this.answer(res, '5.03');
          },
        );
      return;
    } else {
      this.enqueue(deviceId, channel, () => this.router.route(deviceId, message, receivedAt));
    }
    this.answer(res, '2.04');
  }

  /** One Block2 block of the payload a deployment is sending this device. */
  private async payloadBlock(
    req: IncomingMessage,
    res: OutgoingMessage,
    session: CoapSession,
    deploymentText: string,
  ): Promise<void> {
    const deployment = /^[1-9]\d{0,9}$/.test(deploymentText) ? Number(deploymentText) : NaN;
    const transfer = Number.isSafeInteger(deployment)
      ? await this.rollouts.transferPayload(deployment, session.deviceId)
      : null;
    if (!transfer) {
      throw new CoapError(
        '4.04',
        `deployment ${deploymentText} is not sending ${session.deviceId} anything`,
      );
    }
    const raw = req._packet.options?.find((o) => o.name === 'Block2')?.value;
    const block = raw ? parseBlockOption(raw) : null;
    if (raw && !block) throw new CoapError('4.02', 'Block2: malformed or SZX 7');
    const payload = transfer.payload;
    const total = payload.length;
    const size = Math.min(block?.size ?? COAP_MAX_BLOCK, COAP_MAX_BLOCK);
    const num = block?.num ?? 0;
    const start = num * size;
    if (start >= total && total > 0) {
      throw new CoapError('4.02', `block ${num} is past the end of ${total} bytes`);
    }
    const end = Math.min(start + size, total);
    res.setOption('Content-Format', 'application/octet-stream');
    if (block || total > size) {
      res.setOption('Block2', encodeBlockOption({ num, more: end < total, size }));
      res.setOption('ETag', etagOf(payload));
      if (num === 0) res.setOption('Size2', total);
    }
    // Cut here and send as it is: the coap package would hash and cache the whole
    // payload on every block (its own Block2 path), O(size) per block.
    const slice = Buffer.from(payload.buffer, payload.byteOffset + start, end - start);
    sendAsIs(res, slice);
    transfer.sent(end - start);
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
      this.router.connectionLost(session.deviceId, at),
    );
  }

  private answer(res: OutgoingMessage, code: string, payload?: Buffer, format?: string): void {
    if (res.writableEnded) return;
    res.code = code;
    if (format) res.setOption('Content-Format', format);
    res.end(payload);
  }
}
