import {
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { filter, Observable, Subject } from 'rxjs';
import { LeaseService } from '../cluster/lease.service';
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
/**
 * A sample equal in device, `uptimeMs` and `ts` to one stored this recently is a resend
 * (docs/protocol.md §5.5) and is not stored again.
 */
const DEDUPE_WINDOW_MS = 60 * 60 * 1000;
const RETENTION_SWEEP_MS = 60 * 60 * 1000;
/** With several instances on one database, only this lease's holder sweeps. */
const RETENTION_LEASE = 'telemetry-retention';
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
  private pending = new PendingBatch();
  private flushScheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private flushTimer?: NodeJS.Timeout;
  private retentionTimer?: NodeJS.Timeout;
  private readonly live = new Subject<TelemetrySample>();

  constructor(
    private readonly repo: TelemetryRepository,
    private readonly devices: DevicesService,
    private readonly metrics: MetricsService,
    @Inject(CONFIG) private readonly config: Config,
    @Optional() private readonly leases?: LeaseService,
  ) {}

  onModuleInit(): void {
    this.flushTimer = setInterval(() => void this.flush(), this.config.telemetryFlushMs);
    this.leases?.want(RETENTION_LEASE);
    this.retentionTimer = setInterval(() => void this.sweep(), RETENTION_SWEEP_MS);
    this.flushTimer.unref();
    this.retentionTimer.unref();
    void this.sweep();
  }

  /** The timed retention sweep: one instance of several does it (the lease holder). */
  private async sweep(): Promise<void> {
    if (this.leases && !this.leases.holds(RETENTION_LEASE)) return;
    await this.applyRetention();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.retentionTimer);
    await this.flush();
    this.live.complete();
  }

  /**
   * Queues one sample; it reaches the database with the next batch. The promise resolves
   * when that batch has committed and rejects when it could not be written (or the buffer
   * is full), so a transport acknowledges the sample only once it is stored. `soon` (a
   * device waits for the acknowledgement) commits at the next turn of the event loop
   * instead of at the flush timer: group commit, one transaction for every sample that
   * arrived meanwhile.
   */
  ingest(deviceId: string, t: TelemetryMessage, receivedAt: number, soon = false): Promise<void> {
    if (this.pending.samples.length >= MAX_BUFFERED) {
      this.metrics.samplesDropped.inc();
      return handled(Promise.reject(new Error(`telemetry buffer full (${MAX_BUFFERED} samples)`)));
    }
    const batch = this.pending;
    const sample = sampleFromMessage(deviceId, t, receivedAt);
    batch.samples.push(sample);
    batch.latest.set(deviceId, latestOf(sample));
    // Once per batch: until the write takes it, later samples join the same batch.
    if (batch.samples.length === FLUSH_AT) void this.flush();
    else if (soon) this.flushSoon();
    return batch.committed;
  }

  /** Writes everything queued so far; concurrent calls are serialised. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeBatch());
    return this.flushing;
  }

  private flushSoon(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private async writeBatch(): Promise<void> {
    const batch = this.pending;
    if (batch.samples.length === 0) return;
    this.pending = new PendingBatch();
    try {
      const stored = await this.repo.insertMany(batch.samples, DEDUPE_WINDOW_MS);
      this.metrics.samplesIngested.inc(stored);
      this.metrics.telemetryCommitted(batch.samples);
      batch.commit();
      for (const sample of batch.samples) this.live.next(sample);
    } catch (err) {
      this.metrics.samplesDropped.inc(batch.samples.length);
      this.logger.error(
        `could not store a batch of ${batch.samples.length} samples (QoS 1 senders are not acknowledged and resend): ${(err as Error).message}`,
      );
      batch.fail(err as Error);
      return;
    }
    try {
      await this.devices.recordLatest(batch.latest);
    } catch (err) {
      this.logger.warn(`could not update the devices' latest samples: ${(err as Error).message}`);
    }
  }

  /** A device's samples as their batch commits (the dashboard's live charts). */
  follow(deviceId: string): Observable<TelemetrySample> {
    return this.live.pipe(filter((s) => s.deviceId === deviceId));
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

/** The samples of the next transaction and the promise their senders wait on. */
class PendingBatch {
  readonly samples: TelemetrySample[] = [];
  readonly latest = new Map<string, LatestSample>();
  readonly committed: Promise<void>;
  commit!: () => void;
  fail!: (err: Error) => void;

  constructor() {
    this.committed = handled(
      new Promise<void>((resolve, reject) => {
        this.commit = resolve;
        this.fail = reject;
      }),
    );
  }
}

/** Marks `p` handled, so a QoS 0 sample nobody waits on never surfaces as unhandled. */
function handled(p: Promise<void>): Promise<void> {
  p.catch(() => undefined);
  return p;
}
