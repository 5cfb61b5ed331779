import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, LessThan, Repository } from 'typeorm';
import type { Statement } from 'better-sqlite3';
import { BulkWriter, nativeSqlite } from '../database/bulk-writer';
import type { TelemetrySample } from './domain/sample';
import { TelemetrySampleEntity } from './telemetry-sample.entity';

const COLUMNS =
  'device_id, ts, device_ts, uptime_ms, ram_used, ram_peak, ram_total, flash_used, flash_total, cpu_load, vm_state, instructions, app_id, app_version, heap_used, heap_peak, stack_used, stack_bytes';

/** Device ids per IN (…) list: well below SQLite's and PostgreSQL's parameter limits. */
const IN_CHUNK = 500;
const HAS_OS = (alias: string) =>
  `(${alias}.heap_peak IS NOT NULL OR ${alias}.stack_used IS NOT NULL)`;

/** A device's OS heap high-water mark and stack use at `ts` (telemetry `os`). */
export interface OsSample {
  deviceId: string;
  ts: number;
  heapPeak: number | null;
  stackUsed: number | null;
}

@Injectable()
export class TelemetryRepository {
  private readonly writer: BulkWriter;
  private sqliteSeen?: Statement;
  private sqliteInsert?: Statement;

  constructor(
    @InjectRepository(TelemetrySampleEntity)
    private readonly samples: Repository<TelemetrySampleEntity>,
  ) {
    this.writer = new BulkWriter(
      samples.manager.connection,
      `INSERT INTO telemetry_samples (${COLUMNS}) VALUES`,
      18,
    );
  }

  /**
   * The ingest hot path: one transaction per batch (see BulkWriter). A sample whose device,
   * `uptimeMs` and device `ts` equal those of a sample received less than `windowMs`
   * before it (in this batch or stored) is a resend and is skipped. Returns how many
   * samples were stored.
   */
  async insertMany(samples: readonly TelemetrySample[], windowMs: number): Promise<number> {
    const fresh = uniqueInBatch(samples);
    const native = nativeSqlite(this.samples.manager.connection);
    if (native) {
      const seen = (this.sqliteSeen ??= native.prepare(
        `SELECT 1 FROM telemetry_samples WHERE device_id = ? AND uptime_ms = ? AND device_ts IS ? AND ts >= ? LIMIT 1`,
      ));
      const insert = (this.sqliteInsert ??= native.prepare(
        `INSERT INTO telemetry_samples (${COLUMNS}) VALUES (${COLUMNS.split(',')
          .map(() => '?')
          .join(',')})`,
      ));
      return native.transaction(() => {
        let stored = 0;
        for (const s of fresh) {
          if (seen.get(s.deviceId, s.uptimeMs, s.deviceTs, s.ts - windowMs)) continue;
          insert.run(...toRow(s));
          stored++;
        }
        return stored;
      })();
    }
    const stored = await this.storedKeys(fresh, windowMs);
    const rows = fresh.filter((s) => !stored.has(keyOf(s)));
    await this.writer.write(rows.map(toRow));
    return rows.length;
  }

  /** The dedupe keys of `samples` already stored within the window (PostgreSQL). */
  private async storedKeys(samples: readonly TelemetrySample[], windowMs: number) {
    const keys = new Set<string>();
    if (samples.length === 0) return keys;
    const since = Math.min(...samples.map((s) => s.ts)) - windowMs;
    const rows: { device_id: string; uptime_ms: string; device_ts: string | null }[] =
      await this.samples.query(
        `SELECT device_id, uptime_ms, device_ts FROM telemetry_samples
          WHERE ts >= $1 AND (device_id, uptime_ms) IN
            (SELECT * FROM unnest($2::varchar[], $3::bigint[]))`,
        [since, samples.map((s) => s.deviceId), samples.map((s) => s.uptimeMs)],
      );
    for (const r of rows) {
      keys.add(
        keyOf({
          deviceId: r.device_id,
          uptimeMs: Number(r.uptime_ms),
          deviceTs: r.device_ts === null ? null : Number(r.device_ts),
        }),
      );
    }
    return keys;
  }

  async range(
    deviceId: string,
    from: number,
    to: number,
    limit: number,
  ): Promise<TelemetrySample[]> {
    const rows = await this.samples.find({
      where: { deviceId, ts: Between(from, to - 1) },
      order: { ts: 'ASC' },
      take: limit,
    });
    return rows.map(({ id: _id, ...sample }) => sample);
  }

  /**
   * Each device's newest sample that carries telemetry `os` heap or stack figures (RIOT
   * devices send them; virtual devices do not), for the footprint report's runtime peak.
   */
  async latestOs(deviceIds: readonly string[]): Promise<OsSample[]> {
    const found: OsSample[] = [];
    for (let i = 0; i < deviceIds.length; i += IN_CHUNK) {
      const ids = deviceIds.slice(i, i + IN_CHUNK);
      const rows = await this.samples
        .createQueryBuilder('s')
        .innerJoin(
          (sub) =>
            sub
              .select('l.device_id', 'device_id')
              .addSelect('MAX(l.ts)', 'ts')
              .from(TelemetrySampleEntity, 'l')
              .where('l.device_id IN (:...ids)', { ids })
              .andWhere(HAS_OS('l'))
              .groupBy('l.device_id'),
          'latest',
          'latest.device_id = s.device_id AND latest.ts = s.ts',
        )
        .where(HAS_OS('s'))
        .orderBy('s.id', 'DESC')
        .getMany();
      const seen = new Set<string>();
      for (const r of rows) {
        if (seen.has(r.deviceId)) continue; // two samples in the same ms: the later row
        seen.add(r.deviceId);
        found.push({
          deviceId: r.deviceId,
          ts: r.ts,
          heapPeak: r.heapPeak,
          stackUsed: r.stackUsed,
        });
      }
    }
    return found;
  }

  async deleteOlderThan(ts: number): Promise<number> {
    return (await this.samples.delete({ ts: LessThan(ts) })).affected ?? 0;
  }
}

type SampleKey = Pick<TelemetrySample, 'deviceId' | 'uptimeMs' | 'deviceTs'>;

function keyOf(s: SampleKey): string {
  return `${s.deviceId}\u0000${s.uptimeMs}\u0000${s.deviceTs ?? ''}`;
}

/**
 * `samples` without resends of an earlier one in the same list. Window is not checked
 * here: one batch spans well under the dedupe window.
 */
function uniqueInBatch(samples: readonly TelemetrySample[]): TelemetrySample[] {
  const seen = new Set<string>();
  return samples.filter((s) => {
    const key = keyOf(s);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toRow(s: TelemetrySample): unknown[] {
  return [
    s.deviceId,
    s.ts,
    s.deviceTs,
    s.uptimeMs,
    s.ramUsed,
    s.ramPeak,
    s.ramTotal,
    s.flashUsed,
    s.flashTotal,
    s.cpuLoad,
    s.vmState,
    s.instructions,
    s.appId,
    s.appVersion,
    s.heapUsed,
    s.heapPeak,
    s.stackUsed,
    s.stackBytes,
  ];
}
