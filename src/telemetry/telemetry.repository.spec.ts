import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import type { TelemetrySample } from './domain/sample';
import { TelemetrySampleEntity } from './telemetry-sample.entity';
import { TelemetryRepository } from './telemetry.repository';

const HOUR = 3_600_000;

function sample(over: Partial<TelemetrySample> = {}): TelemetrySample {
  return {
    deviceId: 'dev-a',
    ts: 10 * HOUR,
    deviceTs: null,
    uptimeMs: 5000,
    ramUsed: 1,
    ramPeak: 2,
    ramTotal: 10,
    flashUsed: 1,
    flashTotal: 10,
    cpuLoad: 0.5,
    vmState: 'idle',
    instructions: 0,
    appId: null,
    appVersion: null,
    heapUsed: null,
    heapPeak: null,
    stackUsed: null,
    stackBytes: null,
    ...over,
  };
}

type Database = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
const postgresUrl = process.env.VMFLEET_TEST_DATABASE_URL;
const databases: [string, (dir: string) => Database][] = [
  ['SQLite', (dir) => ({ kind: 'sqlite', file: path.join(dir, 'db.sqlite') })],
  ...(postgresUrl
    ? [['PostgreSQL', () => ({ kind: 'postgres', url: postgresUrl })] as [string, () => Database]]
    : []),
];

/**
 * Telemetry resends are stored once (docs/protocol.md §5.5), on a real SQLite file, and on
 * PostgreSQL when VMFLEET_TEST_DATABASE_URL names one (its schema is dropped first).
 */
describe.each(databases)('TelemetryRepository.insertMany (%s)', (_name, database) => {
  let dir: string;
  let ds: DataSource;
  let repo: TelemetryRepository;
  const rows = async () =>
    Number((await ds.query<{ n: number }[]>('SELECT COUNT(*) AS n FROM telemetry_samples'))[0].n);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-telemetry-'));
    ds = new DataSource({ ...dataSourceOptions(database(dir)), migrationsRun: false });
    await ds.initialize();
    await ds.dropDatabase();
    await ds.runMigrations();
    repo = new TelemetryRepository(ds.getRepository(TelemetrySampleEntity));
  });
  afterEach(async () => {
    await ds.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['the same sample resent a minute later', 0, sample({ ts: 10 * HOUR + 60_000 })],
    ['the same uptime, now with a device ts', 1, sample({ deviceTs: 77, ts: 10 * HOUR + 1 })],
    ['another uptime', 1, sample({ uptimeMs: 5001 })],
    ['another device', 1, sample({ deviceId: 'dev-b' })],
    ['the same uptime over an hour later (a reboot)', 1, sample({ ts: 11 * HOUR + 1 })],
  ])('%s: stores %d more', async (_what, more, next) => {
    expect(await repo.insertMany([sample()], HOUR)).toBe(1);
    expect(await repo.insertMany([next], HOUR)).toBe(more);
    expect(await rows()).toBe(1 + more);
  });

  it('tells samples apart by device ts, and absent from present', async () => {
    const a = sample({ deviceTs: 100 });
    expect(await repo.insertMany([a, sample({ deviceTs: 200 }), sample()], HOUR)).toBe(3);
    expect(await repo.insertMany([{ ...a, ts: a.ts + 5 }], HOUR)).toBe(0);
    expect(await rows()).toBe(3);
  });

  it('stores a resend inside one batch once', async () => {
    expect(
      await repo.insertMany(
        [sample(), sample({ ts: 10 * HOUR + 3 }), sample({ uptimeMs: 6000 })],
        HOUR,
      ),
    ).toBe(2);
    expect(await rows()).toBe(2);
  });
});
