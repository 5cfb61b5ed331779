import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { LeaseService } from './lease.service';
import { LeasesRepository } from './leases.repository';

const TTL = 9_000;

describe('leases', () => {
  let db: DataSource;
  let now: number;
  const clock = () => now;
  const instance = (id: string) =>
    new LeaseService(
      new LeasesRepository(db),
      { instanceId: id, leaseTtlMs: TTL },
      { single: false, clock },
    );

  beforeEach(async () => {
    db = new DataSource({ ...dataSourceOptions({ kind: 'sqlite', file: ':memory:' }) });
    await db.initialize();
    now = 1_000_000;
  });
  afterEach(() => db.destroy());

  it('gives a free lease to one instance and refuses it to the other until it expires', async () => {
    const a = instance('a');
    const b = instance('b');
    expect(await a.acquire('deployment:1')).toBe(true);
    expect(await b.acquire('deployment:1')).toBe(false);
    expect(b.holds('deployment:1')).toBe(false);
    now += TTL; // expires_at is now exactly: not yet expired
    expect(await b.acquire('deployment:1')).toBe(false);
    now += 1;
    expect(await b.acquire('deployment:1')).toBe(true);
    expect(await new LeasesRepository(db).holder('deployment:1', now)).toBe('b');
  });

  it('stops believing it holds a lease before the others may take it', async () => {
    const a = instance('a');
    expect(await a.acquire('x')).toBe(true);
    now += Math.floor((TTL * 2) / 3) - 1;
    expect(a.holds('x')).toBe(true);
    now += 1;
    expect(a.holds('x')).toBe(false);
    // Not expired in the table yet: a renewal by its holder still succeeds.
    expect(await a.acquire('x')).toBe(true);
  });

  it('renews held leases on the heartbeat, so a live holder keeps them for ever', async () => {
    const a = instance('a');
    const b = instance('b');
    await a.acquire('x');
    for (let i = 0; i < 10; i++) {
      now += TTL / 3;
      await a.heartbeat();
      expect(await b.acquire('x')).toBe(false);
    }
    expect(a.holds('x')).toBe(true);
  });

  it('drops a lease another instance took over while this one was stalled', async () => {
    const a = instance('a');
    const b = instance('b');
    await a.acquire('x');
    now += TTL + 1;
    expect(await b.acquire('x')).toBe(true);
    await a.heartbeat();
    expect(a.holds('x')).toBe(false);
    expect(await a.acquire('x')).toBe(false);
  });

  it('takes a wanted lease on the first heartbeat after its holder died', async () => {
    const a = instance('a');
    const b = instance('b');
    a.want('retention');
    b.want('retention');
    await a.heartbeat();
    await b.heartbeat();
    expect([a.holds('retention'), b.holds('retention')]).toEqual([true, false]);
    now += TTL + 1; // a died: it renews no more
    await b.heartbeat();
    expect(b.holds('retention')).toBe(true);
  });

  it('hands a released lease over at once', async () => {
    const a = instance('a');
    const b = instance('b');
    await a.acquire('x');
    await b.release('x'); // not b's: nothing happens
    expect(await b.acquire('x')).toBe(false);
    await a.release('x');
    expect(await b.acquire('x')).toBe(true);
  });

  it('holds everything without a table on a single-instance database', async () => {
    const repo = new LeasesRepository(db);
    const single = new LeaseService(
      repo,
      { instanceId: 'solo', leaseTtlMs: TTL },
      { single: true, clock },
    );
    expect(single.holds('anything')).toBe(true);
    expect(await single.acquire('anything')).toBe(true);
    expect(await repo.holder('anything', now)).toBeNull();
  });
});
