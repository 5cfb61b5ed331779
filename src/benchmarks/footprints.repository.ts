import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { FootprintBuild } from './domain/footprint';
import { FootprintEntity } from './footprint.entity';

@Injectable()
export class FootprintsRepository {
  constructor(
    @InjectRepository(FootprintEntity) private readonly footprints: Repository<FootprintEntity>,
  ) {}

  /** Inserts each build, or replaces the stored one of the same board and VM. */
  async upsert(builds: readonly FootprintBuild[]): Promise<void> {
    if (builds.length === 0) return;
    await this.footprints.upsert(
      builds.map((b) => this.footprints.create(b)),
      ['board', 'vm'],
    );
  }

  /** Every stored build, by board, then VM. */
  async all(): Promise<FootprintBuild[]> {
    const rows = await this.footprints.find({ order: { board: 'ASC', vm: 'ASC' } });
    return rows.map((row) => ({ ...row }));
  }
}
