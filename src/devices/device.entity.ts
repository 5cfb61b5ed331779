import { Column, Entity, OneToMany, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../database/columns';
import type { DeviceTagEntity } from './device-tag.entity';
import type { AppSlotsReport } from '../protocol';
import type { LatestSample } from './domain/device';

@Entity('devices')
export class DeviceEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  board!: string;

  @Column({ name: 'vm_kind', type: 'varchar', length: 16 })
  vmKind!: string;

  @Column({ name: 'vm_version', type: 'varchar', length: 64, nullable: true })
  vmVersion!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  firmware!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  limits!: Record<string, number> | null;

  @Column({ name: 'token_hash', type: 'varchar', length: 128 })
  tokenHash!: string;

  @Column({ name: 'previous_token_hash', type: 'varchar', length: 128, nullable: true })
  previousTokenHash!: string | null;

  /** Until when the previous token is still accepted (a rotation's grace period). */
  @Column({
    name: 'previous_token_until',
    type: 'bigint',
    nullable: true,
    transformer: bigintAsNumber,
  })
  previousTokenUntil!: number | null;

  @Column({ name: 'token_rotated_at', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  tokenRotatedAt!: number | null;

  /** Set: no token is accepted; the device and its history stay. */
  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  revokedAt!: number | null;

  @Column({ type: 'boolean', default: false })
  online!: boolean;

  /** `mqtt`, `mqtt-ws` or `coap` while online (migration 1764710000000). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  transport!: string | null;

  /** The instance holding the connection; null behind an external broker or offline. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  instance!: string | null;

  @Column({ name: 'connected_at', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  connectedAt!: number | null;

  @Column({ name: 'last_seen_at', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  lastSeenAt!: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintAsNumber })
  createdAt!: number;

  @Column({ name: 'latest_telemetry', type: 'simple-json', nullable: true })
  latestTelemetry!: LatestSample | null;

  /** Both app slots as the last hello or OTA report said (migration 1764700000000). */
  @Column({ type: 'simple-json', nullable: true })
  slots!: AppSlotsReport | null;

  @Column({ name: 'slots_at', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  slotsAt!: number | null;

  @OneToMany('DeviceTagEntity', 'device', { cascade: true })
  tags!: DeviceTagEntity[];
}
