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

  /** The instance that last moved it from pending to offered (docs/operations.md "Several instances"). */
  @Column({ name: 'offered_by', type: 'varchar', length: 64, nullable: true })
  offeredBy?: string | null;

  /** How many times it went from pending to offered: once per deployment, whatever the instances. */
  @Column({ type: 'integer', default: 0 })
  offers?: number;
}
