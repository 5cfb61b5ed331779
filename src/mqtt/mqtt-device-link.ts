import { Injectable } from '@nestjs/common';
import type { Aedes, Client } from 'aedes';
import { DeviceLink, EncodingMemory } from '../link/device-link';
import { DownChannel, Encoding, encodePayload, topicFor } from '../protocol';

/** DeviceLink over the embedded broker: the gateway publishes as the broker itself. */
@Injectable()
export class MqttDeviceLink implements DeviceLink {
  private broker?: Aedes;
  private readonly clients = new Map<string, Client>();
  readonly encodings = new EncodingMemory();

  attach(broker: Aedes): void {
    this.broker = broker;
  }

  connected(client: Client): void {
    this.clients.set(client.id, client);
  }

  /** True when `client` was the device's current connection (not one it replaced). */
  disconnected(client: Client): boolean {
    if (this.clients.get(client.id) !== client) return false;
    this.clients.delete(client.id);
    this.encodings.forget(client.id);
    return true;
  }

  async disconnect(deviceId: string): Promise<void> {
    const client = this.clients.get(deviceId);
    if (client) await new Promise<void>((resolve) => client.close(() => resolve()));
  }

  isConnected(deviceId: string): boolean {
    return this.clients.has(deviceId);
  }

  get connectedCount(): number {
    return this.clients.size;
  }

  async send(
    deviceId: string,
    channel: DownChannel,
    body: object,
    encoding?: Encoding,
  ): Promise<boolean> {
    const broker = this.broker;
    if (!broker || !this.isConnected(deviceId)) return false;
    const payload = encodePayload(body, encoding ?? this.encodings.of(deviceId));
    await new Promise<void>((resolve, reject) =>
      broker.publish(
        {
          cmd: 'publish',
          topic: topicFor(deviceId, channel),
          payload,
          qos: 1,
          retain: false,
          dup: false,
        },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
    return true;
  }
}
