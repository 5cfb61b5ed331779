import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PublishPacket } from 'aedes';
import { CONFIG, Config } from '../config/config';
import { InboundRouter } from '../link/inbound-router';
import { KeyedQueue } from '../link/keyed-queue';
import type { Connection } from '../link/transport';
import { MetricsService } from '../metrics/metrics.service';
import { decodeUplink, parseTopic } from '../protocol';
import { MqttDeviceLink } from './mqtt-device-link';

/** How often one device's rejected frames are logged at most. */
const REJECT_LOG_INTERVAL_MS = 10_000;

/**
 * Decodes what devices publish and hands it to the router, one device at a time in
 * arrival order. Bad frames never throw past here: they are counted, logged with the
 * device id (throttled) and answered on the device's `error` channel.
 */
@Injectable()
export class MqttUplink {
  private readonly logger = new Logger('MQTT');
  private readonly queue = new KeyedQueue();
  private readonly lastRejectLog = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly router: InboundRouter,
    private readonly link: MqttDeviceLink,
    private readonly metrics: MetricsService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /**
   * Takes one PUBLISH of a device. The promise resolves when the broker may acknowledge it:
   * at once for QoS 0 and for a refused frame (the refusal is the answer, §6), once the
   * message is durable for QoS 1 (docs/protocol.md §5.5). It rejects when a QoS 1 message
   * could not be stored: the broker then closes the connection unacknowledged, and the
   * device resends after reconnecting ([MQTT-4.4.0-1]).
   */
  received(
    deviceId: string,
    topic: string,
    payload: Buffer,
    qos: PublishPacket['qos'],
    via: Connection,
  ): Promise<void> {
    const receivedAt = Date.now();
    const channel = parseTopic(topic)?.channel ?? topic;
    const result = decodeUplink(channel, payload, this.config.mqttMaxPayloadBytes);
    if (!result.ok) {
      this.metrics.framesRejected.inc({ code: result.code });
      this.logReject(deviceId, channel, `${result.code}: ${result.reason}`);
      void this.link
        .send(
          deviceId,
          'error',
          { code: result.code, message: result.reason, channel },
          result.encoding,
        )
        .catch(() => undefined);
      return Promise.resolve();
    }
    this.link.encodings.remember(deviceId, result.encoding);
    const delivery = qos === 0 ? 'best-effort' : 'confirmed';
    const durable = this.queue
      .run(deviceId, () => this.router.route(deviceId, result.message, receivedAt, via, delivery))
      .then((routed) => routed.durable)
      .catch((err: Error) => {
        // A lost QoS 0 batch is logged once, by TelemetryService, not once per sample.
        if (qos !== 0 || channel !== 'telemetry')
          this.logger.error(`${deviceId}/${channel}: not stored: ${err.message}`);
        throw err;
      });
    if (qos !== 0) return durable;
    durable.catch(() => undefined);
    return Promise.resolve();
  }

  connectionLost(deviceId: string, via: Connection): void {
    const at = Date.now();
    void this.queue
      .run(deviceId, () => this.router.connectionLost(deviceId, at, via))
      .catch((err: Error) => this.logger.error(`${deviceId} offline: ${err.message}`));
  }

  /** External broker: the device's session predates this gateway (its retained status). */
  stillOnline(deviceId: string, via: Connection): void {
    const at = Date.now();
    void this.queue
      .run(deviceId, () => this.router.stillOnline(deviceId, at, via))
      .catch((err: Error) => this.logger.warn(`${deviceId} online: ${err.message}`));
  }

  drain(): Promise<void> {
    return this.queue.drain();
  }

  private logReject(deviceId: string, channel: string, what: string): void {
    const now = Date.now();
    const last = this.lastRejectLog.get(deviceId);
    if (last && now - last.at < REJECT_LOG_INTERVAL_MS) {
      last.suppressed++;
      return;
    }
    const more = last?.suppressed ? ` (${last.suppressed} more since last report)` : '';
    this.logger.warn(`${deviceId}: rejected frame on ${channel}: ${what}${more}`);
    this.lastRejectLog.set(deviceId, { at: now, suppressed: 0 });
  }
}
