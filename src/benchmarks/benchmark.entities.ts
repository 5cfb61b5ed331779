import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/columns';
import type { CampaignDevice, CampaignSpec } from './domain/campaign';

@Entity('benchmark_campaigns')
export class BenchmarkCampaignEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 80, nullable: true })
  name!: string | null;

  @Column({ type: 'simple-json' })
  spec!: CampaignSpec;

  @Column({ type: 'simple-json' })
  devices!: CampaignDevice[];

  @Column({ name: 'planned_runs', type: 'integer' })
  plannedRuns!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintAsNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintAsNumber })
  updatedAt!: number;

  @Column({ name: 'finished_at', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  finishedAt!: number | null;
}

const metric = { type: 'double precision', nullable: true } as const;
const count = { type: 'bigint', nullable: true, transformer: bigintAsNumber } as const;

@Entity('benchmark_runs')
export class BenchmarkRunEntity {
  @PrimaryColumn({ name: 'campaign_id', type: 'integer' })
  campaignId!: number;

  @PrimaryColumn({ name: 'device_id', type: 'varchar', length: 64 })
  deviceId!: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  program!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  vm!: string;

  @PrimaryColumn({ type: 'integer' })
  repetition!: number;

  @Column({ type: 'varchar', length: 16 })
  suite!: string;

  @Column({ type: 'varchar', length: 32 })
  board!: string;

  @Column({ name: 'engine_version', type: 'varchar', length: 64 })
  engineVersion!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'code_bytes', ...count })
  codeBytes!: number | null;

  @Column({ name: 'flash_bytes', ...count })
  flashBytes!: number | null;

  @Column({ name: 'ram_bytes', ...count })
  ramBytes!: number | null;

  @Column({ name: 'load_ms', ...metric })
  loadMs!: number | null;

  @Column({ name: 'exec_ms', ...metric })
  execMs!: number | null;

  @Column({ ...count })
  instructions!: number | null;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  at!: number;
}
