import type { Config } from '../config/config';
import type { DevicesService } from '../devices/devices.service';
import type { LatestSample } from '../devices/domain/device';
import { MetricsService } from '../metrics/metrics.service';
import { telemetry } from '../../test/support/fixtures';
import type { TelemetrySample } from './domain/sample';
import type { TelemetryRepository } from './telemetry.repository';
import { TelemetryService } from './telemetry.service';

const FLUSH_MS = 250;

/** A repository whose writes the test lets through (or fails) one at a time. */
class GatedRepository {
  readonly writes: TelemetrySample[][] = [];
  private gates: Array<{ open: () => void; fail: (err: Error) => void }> = [];
  gated = false;

  insertMany(samples: TelemetrySample[]): Promise<number> {
    this.writes.push([...samples]);
    if (!this.gated) return Promise.resolve(samples.length);
    return new Promise<number>((resolve, reject) => {
      this.gates.push({ open: () => resolve(samples.length), fail: reject });
    });
  }
  open(): void {
    this.gates.shift()?.open();
  }
  openAll(): void {
    this.gated = false;
    while (this.gates.length > 0) this.open();
  }
  fail(message: string): void {
    this.gates.shift()?.fail(new Error(message));
  }
}

/** Settles `p` into what it did, without letting a rejection go unhandled. */
const outcome = (p: Promise<void>) => {
  const state: { settled: string } = { settled: 'pending' };
  p.then(
    () => (state.settled = 'stored'),
    (err: Error) => (state.settled = err.message),
  );
  return state;
};

describe('TelemetryService batching (fake timers)', () => {
  let repo: GatedRepository;
  let latest: Array<Map<string, LatestSample>>;
  let metrics: MetricsService;
  let service: TelemetryService;
  let recordLatest: jest.Mock;

  beforeEach(() => {
    jest.useFakeTimers();
    repo = new GatedRepository();
    latest = [];
    metrics = new MetricsService();
    recordLatest = jest.fn((m: Map<string, LatestSample>) => {
      latest.push(new Map(m));
      return Promise.resolve();
    });
    const devices = { recordLatest } as unknown as DevicesService;
    const config = { telemetryFlushMs: FLUSH_MS, telemetryRetentionDays: 30 } as Config;
    service = new TelemetryService(
      repo as unknown as TelemetryRepository,
      devices,
      metrics,
      config,
    );
    // Only the flush timer matters here; the retention sweep is not exercised.
    service['applyRetention'] = () => Promise.resolve();
    service.onModuleInit();
  });
  afterEach(async () => {
    repo.openAll();
    await service.onApplicationShutdown();
    jest.useRealTimers();
  });

  const counter = async (name: 'samplesIngested' | 'samplesDropped') =>
    (await metrics[name].get()).values.reduce((n, v) => n + v.value, 0);

  it('holds a sample until the flush timer writes its batch, then resolves it', async () => {
    const a = outcome(service.ingest('d-1', telemetry({ uptimeMs: 1 }), 1000));
    const b = outcome(service.ingest('d-2', telemetry({ uptimeMs: 2 }), 1001));
    await jest.advanceTimersByTimeAsync(FLUSH_MS - 1);
    expect([repo.writes.length, a.settled, b.settled]).toEqual([0, 'pending', 'pending']);
    await jest.advanceTimersByTimeAsync(1);
    expect(repo.writes.map((w) => w.length)).toEqual([2]);
    expect([a.settled, b.settled]).toEqual(['stored', 'stored']);
    expect(await counter('samplesIngested')).toBe(2);
    expect([...latest[0].keys()].sort()).toEqual(['d-1', 'd-2']);
  });

  it("commits a waiting sender's sample at the next turn, with everything that arrived meanwhile", async () => {
    const qos0 = outcome(service.ingest('d-1', telemetry({ uptimeMs: 1 }), 1000));
    const qos1 = outcome(service.ingest('d-2', telemetry({ uptimeMs: 2 }), 1000, true));
    const another = outcome(service.ingest('d-3', telemetry({ uptimeMs: 3 }), 1000, true));
    await jest.advanceTimersByTimeAsync(0);
    // One transaction for all three, long before the flush timer.
    expect(repo.writes.map((w) => w.map((s) => s.deviceId))).toEqual([['d-1', 'd-2', 'd-3']]);
    expect([qos0.settled, qos1.settled, another.settled]).toEqual(['stored', 'stored', 'stored']);
  });

  it('writes a full batch at once; samples that arrive meanwhile wait for the next', async () => {
    repo.gated = true;
    for (let i = 0; i < 2000; i++) void service.ingest('d-1', telemetry({ uptimeMs: i }), i);
    await jest.advanceTimersByTimeAsync(0);
    expect(repo.writes.map((w) => w.length)).toEqual([2000]);
    const after = outcome(service.ingest('d-1', telemetry({ uptimeMs: 2000 }), 2000));
    await jest.advanceTimersByTimeAsync(FLUSH_MS);
    // Writes are serialised: the timer's flush waits for the first one to commit.
    expect([repo.writes.length, after.settled]).toEqual([1, 'pending']);
    repo.open();
    await jest.advanceTimersByTimeAsync(0);
    expect(repo.writes.map((w) => w.length)).toEqual([2000, 1]);
    repo.open();
    await jest.advanceTimersByTimeAsync(0);
    expect(after.settled).toBe('stored');
  });

  it('writes a burst in one batch, however large', async () => {
    for (let i = 0; i < 5000; i++) void service.ingest('d-1', telemetry({ uptimeMs: i }), i);
    await jest.advanceTimersByTimeAsync(0);
    expect(repo.writes.map((w) => w.length)).toEqual([5000]);
  });

  it('rejects every sample of a batch that could not be written, and goes on with the next', async () => {
    repo.gated = true;
    const lost = outcome(service.ingest('d-1', telemetry({ uptimeMs: 1 }), 1000, true));
    await jest.advanceTimersByTimeAsync(0);
    repo.fail('disk I/O error');
    await jest.advanceTimersByTimeAsync(0);
    expect(lost.settled).toBe('disk I/O error');
    expect(await counter('samplesDropped')).toBe(1);
    expect(recordLatest).not.toHaveBeenCalled();
    const next = outcome(service.ingest('d-1', telemetry({ uptimeMs: 2 }), 1001, true));
    await jest.advanceTimersByTimeAsync(0);
    repo.open();
    await jest.advanceTimersByTimeAsync(0);
    expect(next.settled).toBe('stored');
  });

  it('refuses new samples once 100,000 are buffered, and counts them', async () => {
    repo.gated = true;
    for (let i = 0; i < 100_000; i++) void service.ingest('d-1', telemetry({ uptimeMs: i }), i);
    const refused = outcome(service.ingest('d-1', telemetry({ uptimeMs: -1 }), 0));
    await jest.advanceTimersByTimeAsync(0);
    expect(refused.settled).toBe('telemetry buffer full (100000 samples)');
    expect(await counter('samplesDropped')).toBe(1);
    expect(repo.writes.map((w) => w.length)).toEqual([100_000]);
  });

  it('stores the batch even when the devices table could not take the latest samples', async () => {
    recordLatest.mockRejectedValueOnce(new Error('locked'));
    const a = outcome(service.ingest('d-1', telemetry({ uptimeMs: 1 }), 1000, true));
    await jest.advanceTimersByTimeAsync(0);
    expect(a.settled).toBe('stored');
    expect(repo.writes).toHaveLength(1);
  });
});
