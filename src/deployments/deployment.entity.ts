import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/columns';
import type { DeploymentTarget, RolloutStrategy } from './domain/deployment';

@Entity('deployments')
export class DeploymentEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'app_name', type: 'varchar', length: 64 })
  appName!: string;

  @Column({ name: 'app_version', type: 'varchar', length: 64 })
  appVersion!: string;

  @Column({ name: 'vm_kind', type: 'varchar', length: 16 })
  vmKind!: string;

  @Column({ type: 'simple-json' })
  target!: DeploymentTarget;

  @Column({ type: 'simple-json' })
  strategy!: RolloutStrategy;

  @Column({ name: 'failure_threshold', type: 'integer' })
  failureThreshold!: number;

  @Column({ name: 'health_window_ms', type: 'bigint', transformer: bigintAsNumber })
  healthWindowMs!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ name: 'current_wave', type: 'integer' })
  currentWave!: number;

  @Column({ name: 'wave_count', type: 'integer' })
  waveCount!: number;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintAsNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintAsNumber })
  updatedAt!: number;

  @Column({ name: 'finished_at', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  finishedAt!: number | null;
}
