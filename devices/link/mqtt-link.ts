import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { connect, IClientOptions, MqttClient } from 'mqtt';
import {
  DOWN_CHANNELS,
  Encoding,
  encodePayload,
  HelloMessage,
  isDownChannel,
  parseTopic,
  StatusMessage,
  topicFor,
  UpChannel,
} from '../../src/protocol';
import type { Random } from '../prng';
import { BackoffPolicy, ReconnectSupervisor } from './backoff';
import { decodeDownlink } from './downlink';
import { AuthRefusedError, authRefusalCode, LinkStoppedError } from './link-errors';
import type { DeviceTransport, TransportEvents } from './transport';

export interface MqttLinkOptions {
  deviceId: string;
  token: string;
  /** mqtt://host:port or ws://host:port/mqtt */
  mqttUrl: string;
  encoding?: Encoding;
  /** Asked on every connect, so the birth message reflects the device as it is then. */
  hello: () => HelloMessage;
  backoff?: BackoffPolicy;
  /** Jitter source for the backoff; seeded by the device so a fleet run is reproducible. */
  random?: Random;
  keepaliveSeconds?: number;
  connectTimeoutMs?: number;
  log?: (message: string) => void;
}

export type { ReconnectPlan } from './transport';
export type MqttLinkEvents = TransportEvents;

const STOP_PUBLISH_TIMEOUT_MS = 5_000;
const URL_SCHEMES = new Set(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:']);

// mqtt.js falls back to plain TCP for a scheme it does not know, and misreads
// "host:port"; refuse both here rather than connect somewhere unexpected.
function assertUsableUrl(url: string): void {
  let scheme: string | null = null;
  try {
    scheme = new URL(url).protocol;
  } catch {
    // not a URL at all
  }
  if (scheme === null || !URL_SCHEMES.has(scheme)) {
    throw new Error(`MQTT URL "${url}" must look like mqtt://host:1883 or ws://host:3000/mqtt`);
  }
}

/**
 * A device's MQTT connection to the gateway. mqtt.js' own reconnect is off
 * (reconnectPeriod 0): it retries at a fixed period and cannot tell a refused token
 * from a dropped socket. This link opens a fresh client per attempt instead and waits
 * an exponential, jittered delay between attempts.
 */
export class MqttLink extends EventEmitter<MqttLinkEvents> implements DeviceTransport {
  private client: MqttClient | null = null;
  private ready = false;
  private stopped = false;
  private connects = 0;
  private readonly reconnects: ReconnectSupervisor;
  private startPromise: Promise<void> | null = null;
  private settleStart: ((error?: Error) => void) | null = null;
  private readonly encoding: Encoding;
  private readonly random: Random;
  private readonly closedBytes = { read: 0, written: 0 };

  constructor(private readonly options: MqttLinkOptions) {
    super();
    assertUsableUrl(options.mqttUrl);
    this.encoding = options.encoding ?? 'cbor';
    this.random = options.random ?? Math.random;
    this.reconnects = new ReconnectSupervisor({
      connect: () => this.openConnection(),
      stopped: () => this.stopped,
      random: this.random,
      policy: options.backoff,
      onReconnecting: (notice) => this.emit('reconnecting', notice),
    });
  }

  get connected(): boolean {
    return this.ready;
  }

  /** Bytes this link read and wrote on its sockets, over every connection so far. */
  wireBytes(): { read: number; written: number } {
    const now = socketBytes(this.client);
    return {
      read: this.closedBytes.read + now.read,
      written: this.closedBytes.written + now.written,
    };
  }

  /**
   * Drops the connection as a network loss would: the socket goes without a DISCONNECT,
   * so the broker publishes the will, and the link reconnects with its backoff.
   */
  dropConnection(): void {
    this.client?.stream.destroy();
  }

  /** Resolves on the first successful connect; rejects on an auth refusal before it. */
  start(): Promise<void> {
    if (this.startPromise) return this.startPromise;
    if (this.stopped) return Promise.reject(new LinkStoppedError(this.options.deviceId));
    this.startPromise = new Promise<void>((resolve, reject) => {
      this.settleStart = (error) => {
        this.settleStart = null;
        if (error) reject(error);
        else resolve();
      };
    });
    try {
      this.openConnection();
    } catch (error) {
      // mqtt.connect throws on a URL it cannot use (no protocol, unknown scheme).
      this.stopped = true;
      this.settleStart?.(error as Error);
    }
    return this.startPromise;
  }

  /**
   * Leaves cleanly: a retained offline status first, then DISCONNECT. The broker discards
   * the will on DISCONNECT ([MQTT-3.14.4-3]), so without the explicit status the
   * retained `online` would stay forever.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.reconnects.cancel();
    this.settleStart?.(new LinkStoppedError(this.options.deviceId));
    const client = this.client;
    if (!client) return;
    // Without an ack for the offline status, close without DISCONNECT: the broker then
    // publishes the will, which says the same ([MQTT-3.1.2-8]).
    const acked = client.connected && (await this.publishOffline(client));
    if (acked) await client.endAsync();
    else client.end(true);
    this.handleClose(client, null);
  }

  /** Publishes on one of this device's uplink channels; rejects when not connected. */
  async publish(channel: UpChannel, body: object, qos: 0 | 1, retain = false): Promise<void> {
    const client = this.client;
    if (!client?.connected) throw new Error(`device "${this.options.deviceId}" is not connected`);
    await this.publishOn(client, channel, body, qos, retain);
  }

  private async publishOn(
    client: MqttClient,
    channel: UpChannel,
    body: object,
    qos: 0 | 1,
    retain: boolean,
  ): Promise<void> {
    const payload = encodePayload(body, this.encoding);
    await client.publishAsync(topicFor(this.options.deviceId, channel), payload, { qos, retain });
  }

  private openConnection(): void {
    const client = connect(this.options.mqttUrl, this.clientOptions());
    this.client = client;
    let lastError: Error | null = null;
    client.on('error', (error) => {
      lastError = error;
    });
    client.on('connect', () => void this.announce(client));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('close', () => this.handleClose(client, lastError));
  }

  private clientOptions(): IClientOptions {
    const { deviceId, token } = this.options;
    const offline: StatusMessage = { state: 'offline' };
    return {
      clientId: deviceId,
      username: deviceId,
      password: token,
      protocolVersion: 4,
      clean: true, // [MQTT-3.1.2-6]: no session state survives the connection
      reconnectPeriod: 0,
      queueQoSZero: false, // telemetry while offline is dropped, as on a real device
      keepalive: this.options.keepaliveSeconds ?? 60,
      connectTimeout: this.options.connectTimeoutMs ?? 30_000,
      // [MQTT-3.1.2-8]: the broker publishes this when the connection drops without
      // DISCONNECT; retained ([MQTT-3.1.2-17]) so late subscribers see the state too.
      will: {
        topic: topicFor(deviceId, 'status'),
        payload: encodePayload(offline, this.encoding),
        qos: 1,
        retain: true,
      },
    };
  }

  /** Birth sequence on every connect: online status, downlink subscriptions, hello. */
  private async announce(client: MqttClient): Promise<void> {
    try {
      const online: StatusMessage = { state: 'online' };
      await this.publishOn(client, 'status', online, 1, true);
      // Subscribed before hello, so an error the gateway answers to hello reaches us.
      const topics = DOWN_CHANNELS.map((channel) => topicFor(this.options.deviceId, channel));
      const granted = await client.subscribeAsync(topics, { qos: 1 });
      const refused = granted.filter((grant) => grant.qos === 128).map((grant) => grant.topic);
      if (refused.length > 0) this.log(`gateway refused subscriptions: ${refused.join(', ')}`);
      await this.publishOn(client, 'hello', this.options.hello(), 1, false);
    } catch (error) {
      // Usually the connection dropped mid-sequence. Closing it (a no-op then) makes sure
      // a half-announced connection is never kept: the close handler schedules a retry.
      this.log(`birth sequence interrupted: ${(error as Error).message}`);
      client.end(true);
      return;
    }
    if (client !== this.client || this.stopped) return;
    this.reconnects.succeeded();
    this.ready = true;
    this.connects++;
    this.emit('connect', { reconnect: this.connects > 1 });
    this.settleStart?.();
  }

  private handleClose(client: MqttClient, error: Error | null): void {
    if (client !== this.client) return;
    this.client = null;
    const last = socketBytes(client);
    this.closedBytes.read += last.read;
    this.closedBytes.written += last.written;
    // Forced end releases mqtt.js' timers and fails any publish still awaiting its ack.
    client.end(true);
    const wasReady = this.ready;
    this.ready = false;
    if (wasReady) this.emit('disconnect', { cause: error?.message ?? null });
    if (this.stopped) return;
    const refusal = authRefusalCode(error);
    if (refusal !== null && this.settleStart) {
      // First refusal while start() waits: report it instead of retrying a bad token.
      this.stopped = true;
      this.settleStart(new AuthRefusedError(this.options.deviceId, refusal, error!.message));
      return;
    }
    this.reconnects.schedule(error);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (!parsed || parsed.deviceId !== this.options.deviceId || !isDownChannel(parsed.channel)) {
      this.log(`ignoring message on unexpected topic ${topic}`);
      return;
    }
    const result = decodeDownlink(parsed.channel, payload);
    if (result.ok) this.emit('downlink', result.message);
    else this.log(`ignoring ${parsed.channel} message: ${result.reason}`);
  }

  /** True when the broker acknowledged the retained offline status in time. */
  private async publishOffline(client: MqttClient): Promise<boolean> {
    const offline: StatusMessage = { state: 'offline' };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), STOP_PUBLISH_TIMEOUT_MS);
    });
    const published = this.publishOn(client, 'status', offline, 1, true).then(() => true);
    try {
      return await Promise.race([published, timeout]);
    } catch (error) {
      this.log(`could not publish offline status: ${(error as Error).message}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private log(message: string): void {
    this.options.log?.(`[${this.options.deviceId}] ${message}`);
  }
}

/** A TCP socket counts its bytes; a WebSocket stream does not, and counts as 0. */
export function socketBytes(client: MqttClient | null): { read: number; written: number } {
  const stream = client?.stream as Partial<Pick<Socket, 'bytesRead' | 'bytesWritten'>> | undefined;
  return { read: stream?.bytesRead ?? 0, written: stream?.bytesWritten ?? 0 };
}
