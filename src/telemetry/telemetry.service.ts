import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CONFIG, Config } from '../config/config';
import { DevicesService } from '../devices/devices.service';
import type { LatestSample } from '../devices/domain/device';
import { MetricsService } from '../metrics/metrics.service';
import type { TelemetryMessage } from '../protocol';
import { downsample } from './domain/downsample';
import { summariseFleet, FleetSummary } from './domain/fleet-summary';
import {
  latestOf,
  sampleFromMessage,
  type TelemetryPoint,
  type TelemetrySample,
} from './domain/sample';
import { MAX_POINTS, RangeQuery, resolveRange } from './domain/time-range';
import { TelemetryRepository, type OsSample } from './telemetry.repository';

/** Samples held in memory at most; beyond it new samples are dropped and counted. */
const MAX_BUFFERED = 100_000;
/** A full batch is written at once instead of waiting for the timer. */
const FLUSH_AT = 2_000;
const RETENTION_SWEEP_MS = 60 * 60 * 1000;
/** Raw rows read for one downsampled query. */
const MAX_RAW_ROWS = 200_000;

export interface TelemetrySeries {
  deviceId: string;
  from: number;
  to: number;
  stepMs: number;
  points: TelemetryPoint[];
}

@Injectable()
export class TelemetryService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Telemetry');
  private buffer: TelemetrySample[] = [];
  private latest = new Map<string, LatestSample>();
  private flushing: Promise<void> = Promise.resolve();
  private flushTimer?: NodeJS.Timeout;
  private retentionTimer?: NodeJS.Timeout;

  constructor(
    private readonly repo: TelemetryRepository,
    private readonly devices: DevicesService,
    private readonly metrics: MetricsService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onModuleInit(): void {
    this.flushTimer = setInterval(() => void this.flush(), this.config.telemetryFlushMs);
    this.retentionTimer = setInterval(() => void this.applyRetention(), RETENTION_SWEEP_MS);
    this.flushTimer.unref();
    this.retentionTimer.unref();
    void this.applyRetention();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.retentionTimer);
    await this.flush();
  }

  /** Queues one sample; it reaches the database with the next batch. */
  ingest(deviceId: string, t: TelemetryMessage, receivedAt: number): void {
    if (this.buffer.length >= MAX_BUFFERED) {
      this.metrics.samplesDropped.inc();
      return;
    }
    const sample = sampleFromMessage(deviceId, t, receivedAt);
    this.buffer.push(sample);
    this.latest.set(deviceId, latestOf(sample));
    if (this.buffer.length >= FLUSH_AT) void this.flush();
  }

  /** Writes everything queued so far; concurrent calls are serialised. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeBatch());
    return this.flushing;
  }

  private async writeBatch(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    const latest = this.latest;
    this.buffer = [];
    this.latest = new Map();
    try {
      await this.repo.insertMany(batch);
      await this.devices.recordLatest(latest);
      this.metrics.samplesIngested.inc(batch.length);
    } catch (err) {
      this.metrics.samplesDropped.inc(batch.length);
      this.logger.error(`lost a batch of ${batch.length} samples: ${(err as Error).message}`);
    }
  }

  async series(deviceId: string, query: RangeQuery): Promise<TelemetrySeries> {
    await this.devices.get(deviceId);
    const range = resolveRange(query, Date.now());
    const raw = await this.repo.range(deviceId, range.from, range.to, MAX_RAW_ROWS);
    return { deviceId, ...range, points: downsample(raw, range.stepMs).slice(0, MAX_POINTS) };
  }

  /** Each device's newest heap peak and stack use (telemetry `os`), for those that sent any. */
  async latestOs(deviceIds: readonly string[]): Promise<OsSample[]> {
    await this.flush();
    return this.repo.latestOs(deviceIds);
  }

  async fleetSummary(): Promise<FleetSummary> {
    return summariseFleet(await this.devices.list({}));
  }

  async applyRetention(): Promise<void> {
    const cutoff = Date.now() - this.config.telemetryRetentionDays * 86_400_000;
    try {
      const removed = await this.repo.deleteOlderThan(cutoff);
      if (removed)
        this.logger.log(
          `retention: removed ${removed} samples older than ${new Date(cutoff).toISOString()}`,
        );
    } catch (err) {
      this.logger.warn(`retention sweep failed: ${(err as Error).message}`);
    }
  }
}
