import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/columns';

@Entity('device_events')
@Index(['deviceId', 'ts'])
export class DeviceEventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ name: 'device_id', type: 'varchar', length: 64 })
  deviceId!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  ts!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  /** The event's own fields (name, value, state, fault…), as sent. */
  @Column({ type: 'simple-json' })
  body!: Record<string, unknown>;
}
