import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import {
  Aedes,
  type AuthenticateError,
  type Client,
  type PublishPacket,
  type Subscription,
} from 'aedes';
import memoryPersistence from 'aedes-persistence';
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { UnauthorizedError, TooManyAttemptsError } from '../common/domain-error';
import { codesOf } from '../common/error-codes';
import { CONFIG, Config } from '../config/config';
import { DeviceLinks } from '../link/device-links';
import { InboundRouter } from '../link/inbound-router';
import { DeviceAuthenticator, LoginAttempts } from '../link/ports';
import type { Connection, Transport, TransportAddress } from '../link/transport';
import { MetricsService } from '../metrics/metrics.service';
import { SessionTakeovers } from '../metrics/session-takeovers';
import { mayPublish, maySubscribe } from './access-policy';
import { limitPacketSize } from './frame-limit';
import { MqttDeviceLink } from './mqtt-device-link';
import { MqttUplink } from './mqtt-uplink';
import { withRetainedIndex } from './retained-index';
import { loadTlsMaterial } from './tls';

/** Room for the fixed header, topic and packet id around the largest payload. */
const HEADER_ALLOWANCE = 1024;
export const MQTT_WS_PATH = '/mqtt';
const OVER_TCP: Connection = { transport: 'mqtt', held: true };
const OVER_WEBSOCKET: Connection = { transport: 'mqtt-ws', held: true };

/** What the gateway knows of a connection before aedes reads it. */
interface Peer {
  /** For login throttling. */
  address: string;
  via: Connection;
}

/** The embedded aedes broker: listeners, device authentication and per-device ACL. */
@Injectable()
export class MqttBroker implements Transport, OnApplicationBootstrap, OnModuleDestroy {
  readonly name = 'mqtt';
  private readonly logger = new Logger('MQTT');
  private aedes?: Aedes;
  private tcp?: net.Server;
  private tlsServer?: tls.Server;
  /** Each connection's peer, by the (frame-limited) stream aedes reads. */
  private readonly peers = new WeakMap<object, Peer>();
  private ws?: WebSocketServer;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly authenticator: DeviceAuthenticator,
    private readonly router: InboundRouter,
    private readonly link: MqttDeviceLink,
    private readonly uplink: MqttUplink,
    private readonly metrics: MetricsService,
    private readonly links: DeviceLinks,
    private readonly takeovers: SessionTakeovers,
    private readonly throttle: LoginAttempts,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  /** The TCP listener (and TLS, if on); WebSocket comes with the HTTP server. */
  async start(): Promise<void> {
    await this.router.transportStarting();
    const aedes = await Aedes.createBroker({
      id: 'vmfleet',
      maxClientsIdLength: 64,
      connectTimeout: 10_000,
      drainTimeout: 30_000,
      heartbeatInterval: 60_000,
      // One retained status per device: looked up by topic, not scanned per SUBSCRIBE.
      persistence: withRetainedIndex(memoryPersistence()),
      authenticate: (client, username, password, done) =>
        void this.authenticate(client, username, password).then(
          (err) => done(err, err === null),
          (err: Error) => done(Object.assign(err, { returnCode: 3 as const }), false),
        ),
      // aedes writes PUBACK only after this hook: a QoS 1 message is acknowledged once durable.
      authorizePublish: (client, packet, done) =>
        void this.acceptPublish(client, packet).then(
          () => done(null),
          (err: Error) => done(err),
        ),
      authorizeSubscribe: (client, sub, done) => this.authorizeSubscribe(client, sub, done),
    });
    this.aedes = aedes;
    this.link.attach(aedes);
    this.links.register(this.link);
    this.watch(aedes);
    this.tcp = net.createServer((socket) => {
      socket.setNoDelay(true);
      aedes.handle(this.accept(socket, socket.remoteAddress));
    });
    await listen(this.tcp, this.config.mqttPort, this.config.bindHost);
    await this.listenTls(aedes);
    const tlsNote = this.tlsServer ? `, TLS ${this.tlsPort}` : '';
    this.logger.log(
      `MQTT broker listening on ${this.config.bindHost}:${this.port}${tlsNote} (and WebSocket ${MQTT_WS_PATH})`,
    );
  }

  /** MQTT over TLS (VMFLEET_MQTT_TLS_PORT, 8883) with the gateway's certificate; plain MQTT stays. */
  private async listenTls(aedes: Aedes): Promise<void> {
    if (this.config.mqttTlsPort === null) return;
    const { cert, key } = loadTlsMaterial(this.config);
    this.tlsServer = tls.createServer({ cert, key, minVersion: 'TLSv1.2' }, (socket) => {
      socket.setNoDelay(true);
      aedes.handle(this.accept(socket, socket.remoteAddress));
    });
    // A client that does not speak TLS (plain MQTT on 8883) only fails its own handshake.
    this.tlsServer.on('tlsClientError', (err) =>
      this.logger.debug(`TLS handshake: ${err.message}`),
    );
    await listen(this.tlsServer, this.config.mqttTlsPort, this.config.bindHost);
  }

  /** The bound MQTT-over-TLS port, or null when TLS is off. */
  get tlsPort(): number | null {
    const address = this.tlsServer?.address();
    return typeof address === 'object' && address ? address.port : null;
  }

  /** MQTT over WebSocket on the HTTP server, for browsers and proxies. */
  attachWebSocket(server: http.Server): void {
    this.ws = new WebSocketServer({ server, path: MQTT_WS_PATH });
    this.ws.on('connection', (socket, req) => {
      const stream = createWebSocketStream(socket);
      this.aedes?.handle(this.accept(stream, req.socket.remoteAddress, OVER_WEBSOCKET), req);
    });
  }

  get port(): number {
    const address = this.tcp?.address();
    return typeof address === 'object' && address ? address.port : this.config.mqttPort;
  }

  get address(): TransportAddress {
    return { host: this.config.bindHost, port: this.port, protocol: 'tcp' };
  }

  async stop(): Promise<void> {
    this.ws?.clients.forEach((c) => c.terminate());
    this.ws?.close();
    // Stop accepting first, but await the server only after aedes has closed the
    // connections it holds: net.Server.close() completes once they are all gone.
    const tcpClosed = Promise.all(
      [this.tcp, this.tlsServer].map(
        (server) =>
          new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
      ),
    );
    await new Promise<void>((resolve) =>
      this.aedes ? this.aedes.close(() => resolve()) : resolve(),
    );
    await tcpClosed;
    await this.uplink.drain();
  }

  /** The connection aedes reads (frame-limited), remembering the peer's address and transport. */
  private accept(
    conn: Parameters<typeof limitPacketSize>[0],
    address: string | undefined,
    via = OVER_TCP,
  ) {
    const wrapped = this.limit(conn);
    this.peers.set(wrapped, { address: address ?? 'unknown', via });
    return wrapped;
  }

  private viaOf(client: Client): Connection {
    return this.peers.get(client.conn)?.via ?? OVER_TCP;
  }

  private limit(conn: Parameters<typeof limitPacketSize>[0]) {
    const max = this.config.mqttMaxPayloadBytes + HEADER_ALLOWANCE;
    return limitPacketSize(conn, max, (err) => {
      this.metrics.connectionsRefused.inc({ reason: 'packet_too_large' });
      this.logger.warn(`closing a connection: ${err.message}`);
    });
  }

  private async authenticate(
    client: Client,
    username?: string,
    password?: Buffer,
  ): Promise<AuthenticateError | null> {
    const address = this.peers.get(client.conn)?.address ?? 'unknown';
    const throttled = this.throttle.check(client.id, address);
    if (!throttled.allow) return this.refuseThrottled(client.id, address, throttled.retryAfterMs);
    // Client id, username and device id are one and the same (docs/protocol.md).
    const ok =
      username !== undefined &&
      username === client.id &&
      password !== undefined &&
      (await this.authenticator.authenticate(client.id, password.toString('utf8')));
    if (ok) {
      this.throttle.succeeded(client.id, address);
      // The broker closes the live connection with this client id ([MQTT-3.1.4-2]).
      if (this.link.isConnected(client.id)) this.takeovers.record('mqtt', client.id);
      return null;
    }
    this.throttle.failed(client.id, address);
    this.metrics.connectionsRefused.inc({ reason: 'bad_credentials' });
    this.logger.warn(
      `refused connection for "${client.id}" from ${address}: wrong device id or token`,
    );
    const err = new UnauthorizedError('bad device id or token');
    return Object.assign(err, { returnCode: codesOf(err).connack });
  }

  /**
   * CONNACK 0x05 "not authorized" (3.1.1 §3.2.2.3; aedes speaks 3.1.1 only, so MQTT 5's
   * 0x97 quota exceeded does not arise): too many wrong logins from this address or for this
   * device, the token is not even checked (docs/protocol.md "Login throttling").
   */
  private refuseThrottled(id: string, address: string, retryAfterMs: number): AuthenticateError {
    this.metrics.connectionsRefused.inc({ reason: 'login_throttled' });
    this.logger.debug(`throttled login for "${id}" from ${address}: retry in ${retryAfterMs} ms`);
    const err = new TooManyAttemptsError(
      `too many wrong logins; retry in ${retryAfterMs} ms`,
      retryAfterMs,
    );
    return Object.assign(err, { returnCode: codesOf(err).connack });
  }

  /**
   * Checks a device's PUBLISH (the last will too) against the ACL and hands it to the
   * uplink. Resolves when aedes may acknowledge and forward it; a rejection closes the
   * connection (§3), unacknowledged.
   */
  private async acceptPublish(client: Client | null, packet: PublishPacket): Promise<void> {
    if (!client) throw new Error('publish without a client');
    const decision = mayPublish(client.id, packet.topic, packet.retain);
    if (!decision.allow) {
      this.metrics.connectionsRefused.inc({ reason: 'acl_publish' });
      this.logger.warn(`${client.id}: ${decision.reason}; disconnecting`);
      throw new Error(decision.reason);
    }
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    await this.uplink.received(client.id, packet.topic, payload, packet.qos, this.viaOf(client));
  }

  private authorizeSubscribe(
    client: Client,
    sub: Subscription,
    done: (err: Error | null, sub?: Subscription | null) => void,
  ): void {
    const decision = maySubscribe(client.id, sub.topic);
    if (decision.allow) return done(null, sub);
    this.metrics.connectionsRefused.inc({ reason: 'acl_subscribe' });
    this.logger.warn(`${client.id}: ${decision.reason}; disconnecting`);
    done(new Error(decision.reason));
  }

  private watch(aedes: Aedes): void {
    aedes.on('clientReady', (client) => {
      this.link.connected(client);
      this.metrics.connectedDevices.set({ transport: 'mqtt' }, this.link.connectedCount);
    });
    aedes.on('clientDisconnect', (client) => {
      if (this.link.disconnected(client)) this.uplink.connectionLost(client.id, this.viaOf(client));
      this.metrics.connectedDevices.set({ transport: 'mqtt' }, this.link.connectedCount);
    });
    aedes.on('clientError', (client, err) =>
      this.logger.debug(`${client?.id ?? '?'}: ${err.message}`),
    );
    aedes.on('connectionError', (client, err) =>
      this.logger.debug(`connection error ${client?.id ?? '?'}: ${err.message}`),
    );
  }
}

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}
