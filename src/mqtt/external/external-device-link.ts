import { Injectable } from '@nestjs/common';
import type { MqttClient } from 'mqtt';
import { DeviceLink, EncodingMemory } from '../../link/device-link';
import { DownChannel, Encoding, encodePayload, topicFor } from '../../protocol';

/**
 * How long after sending a device a command this instance takes the device's replies as
 * its own: longer than any Thing Monitor timeout.
 */
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
  /** Device → until when its replies are for this instance (it sent the command). */
  private readonly asked = new Map<string, number>();
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

  /** Did this instance send the device a command lately (so a reply from it is ours)? */
  awaitsReply(deviceId: string): boolean {
    const until = this.asked.get(deviceId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.asked.delete(deviceId);
    return false;
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
    if (channel === 'cmd') this.asked.set(deviceId, Date.now() + REPLY_WINDOW_MS);
    const payload = encodePayload(body, encoding ?? this.encodings.of(deviceId));
    await client.publishAsync(topicFor(deviceId, channel), payload, { qos: 1 });
    return true;
  }
}
