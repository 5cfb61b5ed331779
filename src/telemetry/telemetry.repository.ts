import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, LessThan, Repository } from 'typeorm';
import type { TelemetrySample } from './domain/sample';
import { TelemetrySampleEntity } from './telemetry-sample.entity';

/** Rows per INSERT: 14 columns × 400 stays far below SQLite's and PostgreSQL's parameter limits. */
const INSERT_CHUNK = 400;

@Injectable()
export class TelemetryRepository {
  constructor(
    @InjectRepository(TelemetrySampleEntity)
    private readonly samples: Repository<TelemetrySampleEntity>,
  ) {}

  async insertMany(samples: readonly TelemetrySample[]): Promise<void> {
    if (samples.length === 0) return;
    await this.samples.manager.transaction(async (m) => {
      for (let i = 0; i < samples.length; i += INSERT_CHUNK) {
        await m.insert(
          TelemetrySampleEntity,
          samples.slice(i, i + INSERT_CHUNK),
        );
      }
    });
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

  async count(): Promise<number> {
    return this.samples.count();
  }

  async deleteOlderThan(ts: number): Promise<number> {
    return (await this.samples.delete({ ts: LessThan(ts) })).affected ?? 0;
  }

  async deleteForDevice(deviceId: string): Promise<void> {
    await this.samples.delete({ deviceId });
  }
}
