import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../database/columns';
import type { StateChange } from './domain/deployment';

@Entity('deployment_devices')
export class DeploymentDeviceEntity {
  @PrimaryColumn({ name: 'deployment_id', type: 'integer' })
  deploymentId!: number;

  @PrimaryColumn({ name: 'device_id', type: 'varchar', length: 64 })
  deviceId!: string;

  @Column({ type: 'integer' })
  wave!: number;

  @Column({ type: 'varchar', length: 16 })
  state!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  code!: string | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintAsNumber })
  updatedAt!: number;

  @Column({ type: 'simple-json' })
  history!: StateChange[];
}
