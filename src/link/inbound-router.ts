import { Injectable, Logger } from '@nestjs/common';
import { RolloutRunner } from '../deployments/rollout-runner';
import { DevicesService } from '../devices/devices.service';
import { EventsService } from '../events/events.service';
import { MonitorService } from '../monitor/monitor.service';
import type { UplinkMessage } from '../protocol';
import { TelemetryService } from '../telemetry/telemetry.service';

/**
 * Hands decoded uplink messages to the domain. Every transport calls this one router, so
 * the domain never learns how a device is connected.
 */
@Injectable()
export class InboundRouter {
  private readonly logger = new Logger('Inbound');

  constructor(
    private readonly devices: DevicesService,
    private readonly telemetry: TelemetryService,
    private readonly monitor: MonitorService,
    private readonly events: EventsService,
    private readonly rollouts: RolloutRunner,
  ) {}

  async route(deviceId: string, message: UplinkMessage, receivedAt: number): Promise<void> {
    switch (message.channel) {
      case 'hello':
        this.logger.log(
          `${deviceId} online: ${message.body.board}, ${message.body.vm.kind} ${message.body.vm.version}`,
        );
        await this.devices.onHello(deviceId, message.body, receivedAt);
        // Not awaited: offers must not hold up the device's next messages (its answers to them).
        void this.rollouts
          .onDeviceOnline(deviceId)
          .catch((err: Error) => this.logger.error(`${deviceId}: deployments: ${err.message}`));
        return;
      case 'telemetry':
        return this.telemetry.ingest(deviceId, message.body, receivedAt);
      case 'status':
        // `online` is for other MQTT observers; the gateway takes presence from hello.
        if (message.body.state === 'offline') return this.connectionLost(deviceId, receivedAt);
        return;
      case 'event':
        return this.events.record(deviceId, message.body, receivedAt);
      case 'reply':
        if (!this.monitor.onReply(deviceId, message.body)) {
          this.logger.warn(
            `${deviceId}: reply to an unknown or expired command ${message.body.id}`,
          );
        }
        return;
      case 'ota':
        return this.rollouts.onOta(deviceId, message.body);
    }
  }

  async connectionLost(deviceId: string, at: number): Promise<void> {
    this.logger.log(`${deviceId} offline`);
    this.monitor.onDeviceOffline(deviceId);
    await this.devices.onOffline(deviceId, at);
  }
}
