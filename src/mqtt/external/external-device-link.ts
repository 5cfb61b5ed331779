import { Injectable } from '@nestjs/common';
import type { MqttClient } from 'mqtt';
import { DeviceLink, EncodingMemory } from '../../link/device-link';
import { DownChannel, Encoding, encodePayload, topicFor } from '../../protocol';

/** How long a command's reply is taken as this instance's: longer than any Thing Monitor timeout. */
const REPLY_WINDOW_MS = 10 * 60_000;

/**
 * DeviceLink through an external broker: the gateway publishes on the device's topics as
 * one more client. Who is online comes from the devices' retained `status` (every instance
 * subscribes to all of them), not from connections of its own.
 */
@Injectable()
export class ExternalDeviceLink implements DeviceLink {
  private client?: MqttClient;
  private readonly online = new Set<string>();
  /** Correlation ids of the commands this instance sent → until when a reply counts. */
  private readonly commands = new Map<string, number>();
  readonly encodings = new EncodingMemory();

  attach(client: MqttClient | undefined): void {
    this.client = client;
  }

  /** True when the presence changed. */
  setOnline(deviceId: string, online: boolean): boolean {
    if (online === this.online.has(deviceId)) return false;
    if (online) this.online.add(deviceId);
    else {
      this.online.delete(deviceId);
      this.encodings.forget(deviceId);
    }
    return true;
  }

  get connectedCount(): number {
    return this.online.size;
  }

  isConnected(deviceId: string): boolean {
    return this.online.has(deviceId);
  }

  /**
   * Is this reply to a command this instance sent? Every instance receives every reply;
   * the correlation id (docs/protocol.md §9.3) says whose it is. Each counts once.
   */
  ownsReply(correlationId: string): boolean {
    const until = this.commands.get(correlationId);
    if (until === undefined) return false;
    this.commands.delete(correlationId);
    return until > Date.now();
  }

  private sentCommand(body: object): void {
    const id = (body as { id?: unknown }).id;
    if (typeof id !== 'string') return;
    const now = Date.now();
    // One window for all, so insertion order is expiry order: drop from the front.
    for (const [old, until] of this.commands) {
      if (until > now) break;
      this.commands.delete(old);
    }
    this.commands.set(id, now + REPLY_WINDOW_MS);
  }

  /**
   * The broker owns the connection: credential changes drop sessions through dynamic
   * security (disableClient kicks), so there is nothing to close here.
   */
  async disconnect(): Promise<void> {}

  async send(
    deviceId: string,
    channel: DownChannel,
    body: object,
    encoding?: Encoding,
  ): Promise<boolean> {
    const client = this.client;
    if (!client?.connected || !this.isConnected(deviceId)) return false;
    if (channel === 'cmd') this.sentCommand(body);
    const payload = encodePayload(body, encoding ?? this.encodings.of(deviceId));
    await client.publishAsync(topicFor(deviceId, channel), payload, { qos: 1 });
    return true;
  }
}
