import { Injectable } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import type { DownChannel } from '../protocol';
import type { DeviceLink } from './device-link';

/**
 * The DeviceLink the domain uses: each transport registers its own link at start, and
 * a message goes down the transport the device is connected on.
 */
@Injectable()
export class DeviceLinks implements DeviceLink {
  private readonly transports: DeviceLink[] = [];

  constructor(private readonly metrics: MetricsService) {}

  register(transport: DeviceLink): void {
    this.transports.push(transport);
  }

  async send(deviceId: string, channel: DownChannel, body: object): Promise<boolean> {
    const transport = this.transports.find((t) => t.isConnected(deviceId));
    const sent = transport ? await transport.send(deviceId, channel, body) : false;
    if (sent) this.metrics.messagesSent.inc({ channel });
    return sent;
  }

  isConnected(deviceId: string): boolean {
    return this.transports.some((t) => t.isConnected(deviceId));
  }

  async disconnect(deviceId: string): Promise<void> {
    await Promise.all(this.transports.map((t) => t.disconnect(deviceId)));
  }
}
