import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/columns';

/** A rule: kind, name and webhook as columns; the kind's own fields as JSON in `spec`. */
@Entity('alert_rules')
export class AlertRuleEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 80 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ type: 'text' })
  spec!: string;

  @Column({ name: 'webhook_url', type: 'varchar', length: 2000, nullable: true })
  webhookUrl!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintAsNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintAsNumber })
  updatedAt!: number;
}

/**
 * One alert: a rule firing for a device (or a deployment) from `fired_at` until
 * `resolved_at`. Kept after its rule is deleted (history), so no foreign key.
 */
@Entity('alerts')
@Index(['state'])
@Index(['ruleId'])
export class AlertEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'rule_id', type: 'integer' })
  ruleId!: number;

  @Column({ name: 'rule_name', type: 'varchar', length: 80 })
  ruleName!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ name: 'device_id', type: 'varchar', length: 64, nullable: true })
  deviceId!: string | null;

  @Column({ name: 'deployment_id', type: 'integer', nullable: true })
  deploymentId!: number | null;

  @Column({ type: 'varchar', length: 16 })
  state!: string;

  @Column({ type: 'double precision', nullable: true })
  value!: number | null;

  @Column({ type: 'text' })
  message!: string;

  @Column({ name: 'fired_at', type: 'bigint', transformer: bigintAsNumber })
  firedAt!: number;

  @Column({ name: 'resolved_at', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  resolvedAt!: number | null;
}
