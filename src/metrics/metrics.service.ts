import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The label values of `vmfleet_connected_devices`. */
export const TRANSPORTS = ['mqtt', 'coap'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/**
 * Prometheus metrics. One registry per gateway instance (not prom-client's global one),
 * so several gateways in one process (tests, benchmarks) do not collide.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly framesRejected = new Counter({
    name: 'vmfleet_frames_rejected_total',
    help: 'Uplink frames refused, by reason code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly connectionsRefused = new Counter({
    name: 'vmfleet_mqtt_connections_refused_total',
    help: 'MQTT connections refused or closed by policy, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly samplesIngested = new Counter({
    name: 'vmfleet_telemetry_samples_ingested_total',
    help: 'Telemetry samples written to the database',
    registers: [this.registry],
  });

  readonly samplesDropped = new Counter({
    name: 'vmfleet_telemetry_samples_dropped_total',
    help: 'Telemetry samples dropped because the ingest buffer was full or a write failed',
    registers: [this.registry],
  });

  /** Set by each transport for its own label only, so neither overwrites the other's count. */
  readonly connectedDevices = new Gauge({
    name: 'vmfleet_connected_devices',
    help: 'Devices connected, by transport (mqtt: an open connection; coap: a live registration)',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });

  readonly sessionTakeovers = new Counter({
    name: 'vmfleet_session_takeovers_total',
    help: 'Sessions a device took over from its own live one (reconnect or re-registration)',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });

  /** Unfinished CoAP Block1 uploads the gateway holds (docs/protocol.md §11.4). */
  readonly coapBlock1Held = new Gauge({
    name: 'vmfleet_coap_block1_held',
    help: 'Unfinished CoAP Block1 uploads held: uploads (count) and bytes (body bytes)',
    labelNames: ['measure'] as const,
    registers: [this.registry],
  });

  readonly otaBytesSent = new Counter({
    name: 'vmfleet_ota_bytes_sent_total',
    help: 'App payload bytes sent to devices in OTA chunks',
    registers: [this.registry],
  });

  readonly otaResults = new Counter({
    name: 'vmfleet_ota_device_results_total',
    help: 'Devices that finished a deployment, by final state',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  /** Uplinks the router applied, by channel (hello, telemetry, event, reply, ota, status). */
  readonly messagesReceived = new Counter({
    name: 'vmfleet_messages_received_total',
    help: 'Uplink messages decoded and handed to the domain, by channel',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  /** Downlinks a transport took, by channel (cmd, update, ota/data …). */
  readonly messagesSent = new Counter({
    name: 'vmfleet_messages_sent_total',
    help: 'Downlink messages sent to connected devices, by channel',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  /** From the gateway receiving a sample to its batch committing (the ack a device waits on). */
  readonly ingestLatency = new Histogram({
    name: 'vmfleet_telemetry_ingest_latency_seconds',
    help: 'Seconds from receiving a telemetry sample to its batch committing to the database',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly batchSamples = new Histogram({
    name: 'vmfleet_telemetry_batch_samples',
    help: 'Telemetry samples per database write (one transaction)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
    registers: [this.registry],
  });

  /** Set by the alerts service: alerts firing now, by rule kind. */
  readonly alertsFiring = new Gauge({
    name: 'vmfleet_alerts_firing',
    help: 'Alerts firing now, by rule kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly alertNotifications = new Counter({
    name: 'vmfleet_alert_notifications_total',
    help: 'Alert webhook deliveries, by outcome (delivered, retried, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Both series from the start: a dashboard shows 0, not "no data", for an idle transport.
    for (const transport of TRANSPORTS) this.connectedDevices.set({ transport }, 0);
  }

  /** One committed telemetry batch: its size, and each sample's wait from receipt (`ts`). */
  telemetryCommitted(samples: readonly { ts: number }[], now = Date.now()): void {
    this.batchSamples.observe(samples.length);
    for (const s of samples) this.ingestLatency.observe(Math.max(0, now - s.ts) / 1000);
  }
}
