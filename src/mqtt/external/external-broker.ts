import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { CONFIG, Config, ExternalBrokerConfig } from '../../config/config';
import { CredentialHooks } from '../../link/credential-hooks';
import { DeviceLinks } from '../../link/device-links';
import { InboundRouter } from '../../link/inbound-router';
import { DeviceRoster } from '../../link/ports';
import type { Connection, Transport, TransportAddress } from '../../link/transport';
import { MetricsService } from '../../metrics/metrics.service';
import { decodeUplink, parseTopic } from '../../protocol';
import { MqttUplink } from '../mqtt-uplink';
import {
  BROADCAST_CHANNELS,
  broadcastFilter,
  CONTROL_RESPONSE_TOPIC,
  SHARED_CHANNELS,
  sharedFilter,
} from '../../protocol/broker-acl';
import { DynsecClient } from './dynsec-client';
import { DynsecSync } from './dynsec-sync';
import { ExternalDeviceLink } from './external-device-link';

const CONNECT_TIMEOUT_MS = 10_000;
/** A persistent session (VMFLEET_MQTT_CLIENT_ID) outlives a restart by this much (MQTT 5 §3.1.2.11.2). */
const SESSION_EXPIRY_S = 3600;
/** Devices are the broker's: no instance holds them, every instance reaches them. */
const VIA_BROKER: Connection = { transport: 'mqtt', held: false };

/**
 * External broker mode (docs/operations.md "External Mosquitto"): no listener of our own;
 * the gateway joins the broker as an MQTT 5 client. Uplink channels come through shared
 * subscriptions, so N instances split them; `status` and `reply` reach every instance.
 * Device logins live in the broker's dynamic security, kept in step with the device table.
 */
@Injectable()
export class ExternalBroker implements Transport, OnApplicationBootstrap, OnModuleDestroy {
  readonly name = 'mqtt';
  private readonly logger = new Logger('MQTT');
  private readonly settings: ExternalBrokerConfig;
  private readonly maxPayloadBytes: number;
  private client?: MqttClient;
  private dynsec?: DynsecClient;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly router: InboundRouter,
    private readonly link: ExternalDeviceLink,
    private readonly uplink: MqttUplink,
    private readonly links: DeviceLinks,
    private readonly hooks: CredentialHooks,
    private readonly roster: DeviceRoster,
    private readonly metrics: MetricsService,
  ) {
    if (config.mqttBroker.kind !== 'external')
      throw new Error('ExternalBroker without a broker URL');
    this.settings = config.mqttBroker;
    this.maxPayloadBytes = config.mqttMaxPayloadBytes;
  }

  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  async start(): Promise<void> {
    await this.router.transportStarting();
    const client = await this.connect();
    this.client = client;
    const dynsec = new DynsecClient(client);
    this.dynsec = dynsec;
    const sync = new DynsecSync(dynsec);
    client.handleMessage = (packet, done) => {
      this.received(packet);
      done();
    };
    client.on('close', () => dynsec.close());
    await client.subscribeAsync(CONTROL_RESPONSE_TOPIC, { qos: 1 });
    const report = await sync.resync(await this.roster.roster());
    this.hooks.listen((change) => sync.apply(change));
    this.link.attach(client);
    this.links.register(this.link);
    await this.subscribeUplink(client);
    this.logger.log(
      `joined the MQTT broker ${this.settings.url} as "${this.settings.username}" (dynamic security: ${report.created} device logins added, ${report.removed} removed)`,
    );
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.link.attach(undefined);
    if (client) await client.endAsync().catch(() => client.end(true));
    this.dynsec?.close();
    await this.uplink.drain();
  }

  /** Devices connect to the broker, so this is its port; the gateway listens on none. */
  get port(): number {
    return Number(new URL(this.settings.url).port);
  }

  get tlsPort(): number | null {
    return null;
  }

  get address(): TransportAddress {
    return { host: new URL(this.settings.url).hostname, port: this.port, protocol: 'tcp' };
  }

  /** MQTT over WebSocket is the broker's business (a `listener … websockets` there). */
  attachWebSocket(): void {}

  private async subscribeUplink(client: MqttClient): Promise<void> {
    const filters = [
      ...SHARED_CHANNELS.map(sharedFilter),
      ...BROADCAST_CHANNELS.map(broadcastFilter),
    ];
    const granted = await client.subscribeAsync(filters, { qos: 1 });
    const refused = granted.filter((g) => g.qos >= 0x80).map((g) => g.topic);
    if (refused.length)
      throw new Error(
        `the broker refused the gateway's subscriptions ${refused.join(', ')}: give "${this.settings.username}" the vmfleet-gateway role (vmfleet broker config)`,
      );
  }

  /**
   * One PUBLISH from the broker. Acknowledged as soon as it is queued: mqtt.js handles one
   * packet at a time and MQTT acknowledges in order ([MQTT-4.6.0-2]), so waiting for each
   * telemetry batch to commit would hold every device's uplink behind it.
   */
  private received(packet: IPublishPacket): void {
    const topic = packet.topic;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (topic === CONTROL_RESPONSE_TOPIC) return this.dynsec?.onResponse(payload);
    const parsed = parseTopic(topic);
    if (!parsed) return;
    const { deviceId, channel } = parsed;
    if (channel === 'status') return this.onStatus(deviceId, payload, packet.retain, packet.qos);
    if (channel === 'reply' && !this.isOwnReply(deviceId, payload)) return;
    if (channel === 'hello') this.presence(deviceId, true);
    void this.uplink
      .received(deviceId, topic, payload, packet.qos, VIA_BROKER)
      .catch(() => undefined);
  }

  /**
   * Presence: `online` on connect, the will (or an explicit `offline`) on loss, both
   * retained, so the statuses delivered at subscribe time say who is online now.
   */
  private onStatus(
    deviceId: string,
    payload: Buffer,
    retained: boolean,
    qos: IPublishPacket['qos'],
  ) {
    const decoded = decodeUplink('status', payload, 1024);
    if (!decoded.ok || decoded.message.channel !== 'status') return;
    const online = decoded.message.body.state === 'online';
    const changed = this.presence(deviceId, online);
    // Retained: the state at subscribe time (at start, or after a broker outage, as mqtt.js
    // subscribes again); an `online` one means connected while we were not listening.
    if (retained && online && changed) return this.uplink.stillOnline(deviceId, VIA_BROKER);
    // An `offline` that changes what we knew: live, or retained after an outage (at start
    // nobody is online here yet, so a retained one changes nothing).
    if (!online && changed)
      void this.uplink
        .received(deviceId, `vmfleet/v1/${deviceId}/status`, payload, qos, VIA_BROKER)
        .catch(() => undefined);
  }

  /** Another instance's command (or a reply that does not decode: no instance can tell whose). */
  private isOwnReply(deviceId: string, payload: Buffer): boolean {
    const decoded = decodeUplink('reply', payload, this.maxPayloadBytes);
    if (decoded.ok && decoded.message.channel === 'reply')
      return this.link.ownsReply(decoded.message.body.id);
    this.logger.debug(`${deviceId}: dropped a reply that does not decode`);
    return false;
  }

  private presence(deviceId: string, online: boolean): boolean {
    const changed = this.link.setOnline(deviceId, online);
    if (changed) this.metrics.connectedDevices.set({ transport: 'mqtt' }, this.link.connectedCount);
    return changed;
  }

  private connect(): Promise<MqttClient> {
    const s = this.settings;
    const persistent = s.clientId !== undefined;
    const options: IClientOptions = {
      protocolVersion: 5,
      clientId: s.clientId ?? `vmfleet-gw-${randomBytes(6).toString('hex')}`,
      username: s.username,
      password: s.password,
      clean: !persistent,
      properties: persistent ? { sessionExpiryInterval: SESSION_EXPIRY_S } : undefined,
      reconnectPeriod: 2000,
      connectTimeout: CONNECT_TIMEOUT_MS,
      ca: s.caFile ? fs.readFileSync(s.caFile) : undefined,
    };
    return new Promise((resolve, reject) => {
      const client = connect(s.url, options);
      const fail = (why: string) => {
        clearTimeout(timer);
        client.end(true);
        reject(new Error(`cannot join the MQTT broker ${s.url} as "${s.username}": ${why}`));
      };
      const timer = setTimeout(
        () => fail(`no CONNACK within ${CONNECT_TIMEOUT_MS / 1000} s`),
        CONNECT_TIMEOUT_MS,
      );
      client.once('error', (err) => fail(err.message));
      client.once('connect', () => {
        clearTimeout(timer);
        client.removeAllListeners('error');
        client.on('error', (err) => this.logger.warn(`broker: ${err.message}`));
        client.on('offline', () => this.logger.warn(`lost the broker ${s.url}; reconnecting`));
        client.on('reconnect', () => this.logger.debug(`reconnecting to ${s.url}`));
        resolve(client);
      });
    });
  }
}
