import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../database/columns';

const bytes = { type: 'bigint', transformer: bigintAsNumber } as const;

/** One firmware build's sections (vmfleet-footprint/1); a new upload of a VM and board replaces it. */
@Entity('benchmark_footprints')
export class FootprintEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  board!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  vm!: string;

  @Column({ name: 'text_bytes', ...bytes })
  textBytes!: number;

  @Column({ name: 'data_bytes', ...bytes })
  dataBytes!: number;

  @Column({ name: 'bss_bytes', ...bytes })
  bssBytes!: number;

  @Column({ type: 'varchar', length: 64 })
  riot!: string;

  @Column({ name: 'built_at', ...bytes })
  builtAt!: number;

  @Column({ name: 'uploaded_at', ...bytes })
  uploadedAt!: number;
}
