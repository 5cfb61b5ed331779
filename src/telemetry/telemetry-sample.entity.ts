import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintAsNumber } from '../database/columns';

@Entity('telemetry_samples')
@Index(['deviceId', 'ts'])
export class TelemetrySampleEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ name: 'device_id', type: 'varchar', length: 64 })
  deviceId!: string;

  /** Gateway receive time, Unix ms: the device clock may be absent or skewed. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  ts!: number;

  @Column({ name: 'device_ts', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  deviceTs!: number | null;

  @Column({ name: 'uptime_ms', type: 'bigint', transformer: bigintAsNumber })
  uptimeMs!: number;

  @Column({ name: 'ram_used', type: 'bigint', transformer: bigintAsNumber })
  ramUsed!: number;

  @Column({ name: 'ram_peak', type: 'bigint', transformer: bigintAsNumber })
  ramPeak!: number;

  @Column({ name: 'ram_total', type: 'bigint', transformer: bigintAsNumber })
  ramTotal!: number;

  @Column({ name: 'flash_used', type: 'bigint', transformer: bigintAsNumber })
  flashUsed!: number;

  @Column({ name: 'flash_total', type: 'bigint', transformer: bigintAsNumber })
  flashTotal!: number;

  @Column({ name: 'cpu_load', type: 'float' })
  cpuLoad!: number;

  @Column({ name: 'vm_state', type: 'varchar', length: 16 })
  vmState!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  instructions!: number;

  @Column({ name: 'app_id', type: 'varchar', length: 128, nullable: true })
  appId!: string | null;

  @Column({ name: 'app_version', type: 'varchar', length: 64, nullable: true })
  appVersion!: string | null;

  @Column({ name: 'heap_used', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  heapUsed!: number | null;

  @Column({ name: 'heap_peak', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  heapPeak!: number | null;

  @Column({ name: 'stack_used', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  stackUsed!: number | null;

  @Column({ name: 'stack_bytes', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  stackBytes!: number | null;
}
