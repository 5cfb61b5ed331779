import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { RolloutRunner } from '../deployments/rollout-runner';
import { DevicesService } from '../devices/devices.service';
import { EventsService } from '../events/events.service';
import { UplinkTap } from '../metrics/uplink-tap';
import { MonitorService } from '../monitor/monitor.service';
import type { UplinkMessage } from '../protocol';
import { TelemetryService } from '../telemetry/telemetry.service';
import type { Connection } from './transport';

/**
 * How a transport delivers a message (docs/protocol.md §5.5): `confirmed` when it will
 * acknowledge the message to the device (MQTT QoS 1 PUBACK, a CoAP CON's 2.04) once
 * `durable` resolves, so the store commits it soon; `best-effort` when nothing waits.
 */
export type Delivery = 'confirmed' | 'best-effort';

/**
 * What routing a message gave: `durable` resolves once it is stored or acted on (a
 * telemetry sample when its batch has committed), and rejects when it could not be.
 */
export interface Routed {
  durable: Promise<void>;
}

const DONE: Routed = { durable: Promise.resolve() };

/**
 * Hands decoded uplink messages to the domain. Every transport calls this one router, so
 * the domain never learns how a device is connected.
 */
@Injectable()
export class InboundRouter {
  private readonly logger = new Logger('Inbound');
  private starting?: Promise<void>;

  constructor(
    private readonly devices: DevicesService,
    private readonly telemetry: TelemetryService,
    private readonly monitor: MonitorService,
    private readonly events: EventsService,
    private readonly rollouts: RolloutRunner,
    private readonly tap: UplinkTap,
  ) {}

  /**
   * Applies one message. Resolves when the next message of the device may be applied;
   * everything but telemetry is durable by then, telemetry once `durable` resolves. A
   * message a domain rule refuses is logged and counts as handled; any other failure (the
   * database) rejects, and the transport does not acknowledge the message. `via` is the
   * connection it came over: a hello records it, an offline status ends it.
   */
  async route(
    deviceId: string,
    message: UplinkMessage,
    receivedAt: number,
    via: Connection,
    delivery: Delivery = 'best-effort',
  ): Promise<Routed> {
    this.tap.publish(deviceId, message, receivedAt);
    try {
      return await this.apply(deviceId, message, receivedAt, via, delivery);
    } catch (err) {
      // A rule refused the message: it is handled (a resend would be refused the same way).
      if (!(err instanceof DomainError)) throw err;
      this.logger.warn(`${deviceId}/${message.channel}: ${err.message}`);
      return DONE;
    }
  }

  private async apply(
    deviceId: string,
    message: UplinkMessage,
    receivedAt: number,
    via: Connection,
    delivery: Delivery,
  ): Promise<Routed> {
    switch (message.channel) {
      case 'hello':
        this.logger.log(
          `${deviceId} online: ${message.body.board}, ${message.body.vm.kind} ${message.body.vm.version}`,
        );
        await this.devices.onHello(deviceId, message.body, receivedAt, via);
        // Not awaited: offers must not hold up the device's next messages (its answers to them).
        void this.rollouts
          .onDeviceOnline(deviceId)
          .catch((err: Error) => this.logger.error(`${deviceId}: deployments: ${err.message}`));
        return DONE;
      case 'telemetry':
        return {
          durable: this.telemetry.ingest(
            deviceId,
            message.body,
            receivedAt,
            delivery === 'confirmed',
          ),
        };
      case 'status':
        // `online` is for other MQTT observers; the gateway takes presence from hello.
        if (message.body.state === 'offline') await this.connectionLost(deviceId, receivedAt, via);
        return DONE;
      case 'event':
        await this.events.record(deviceId, message.body, receivedAt);
        return DONE;
      case 'reply':
        if (!this.monitor.onReply(deviceId, message.body)) {
          this.logger.warn(
            `${deviceId}: reply to an unknown or expired command ${message.body.id}`,
          );
        }
        return DONE;
      case 'ota':
        // The slots first: the deployment's state, once it shows, is the step they follow.
        if (message.body.kind === 'report' && message.body.slots)
          await this.devices.onSlots(deviceId, message.body.slots, receivedAt);
        await this.rollouts.onOta(deviceId, message.body);
        return DONE;
    }
  }

  /**
   * A transport is about to accept devices: nobody is connected yet, so every device
   * counts as offline. Runs once per gateway whichever transport starts first.
   */
  transportStarting(): Promise<void> {
    this.starting ??= this.devices.markAllOffline();
    return this.starting;
  }

  /**
   * The device is back on a downlink it had already announced (a CoAP re-observation):
   * it may have missed offers, so the deployments resend them (offers are idempotent).
   */
  deviceOnline(deviceId: string): Promise<void> {
    return this.rollouts.onDeviceOnline(deviceId);
  }

  /**
   * The device was connected before this gateway started (an external broker holds its
   * session; its retained status says online): online again, offers resent.
   */
  async stillOnline(deviceId: string, at: number, via: Connection): Promise<void> {
    await this.devices.onStillOnline(deviceId, at, via);
    await this.rollouts.onDeviceOnline(deviceId);
  }

  /** The connection `via` ended (the device is offline unless it is connected elsewhere now). */
  async connectionLost(deviceId: string, at: number, via: Connection): Promise<void> {
    this.logger.log(`${deviceId} offline (${via.transport})`);
    this.monitor.onDeviceOffline(deviceId);
    await this.devices.onOffline(deviceId, at, via);
  }
}
