import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, LessThan, Repository } from 'typeorm';
import { BulkWriter } from '../database/bulk-writer';
import type { TelemetrySample } from './domain/sample';
import { TelemetrySampleEntity } from './telemetry-sample.entity';

const COLUMNS =
  'device_id, ts, device_ts, uptime_ms, ram_used, ram_peak, ram_total, flash_used, flash_total, cpu_load, vm_state, instructions, app_id, app_version, heap_used, heap_peak, stack_used, stack_bytes';

@Injectable()
export class TelemetryRepository {
  private readonly writer: BulkWriter;

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

  /** The ingest hot path: one transaction per batch (see BulkWriter). */
  async insertMany(samples: readonly TelemetrySample[]): Promise<void> {
    await this.writer.write(samples.map(toRow));
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

  async deleteOlderThan(ts: number): Promise<number> {
    return (await this.samples.delete({ ts: LessThan(ts) })).affected ?? 0;
  }
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
