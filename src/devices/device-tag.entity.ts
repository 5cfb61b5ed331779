import { Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import type { DeviceEntity } from './device.entity';

@Entity('device_tags')
export class DeviceTagEntity {
  @PrimaryColumn({ name: 'device_id', type: 'varchar', length: 64 })
  deviceId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  tag!: string;

  // By name: the two entities refer to each other.
  @ManyToOne('DeviceEntity', 'tags', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'device_id' })
  device!: Relation<DeviceEntity>;
}
