import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../database/columns';

@Entity('apps')
export class AppEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  version!: string;

  @Column({ name: 'vm_kind', type: 'varchar', length: 16 })
  vmKind!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  size!: number;

  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  sequence!: number;

  @Column({ name: 'ram_bytes', type: 'bigint', transformer: bigintAsNumber })
  ramBytes!: number;

  @Column({ name: 'flash_bytes', type: 'bigint', transformer: bigintAsNumber })
  flashBytes!: number;

  @Column({ name: 'stack_bytes', type: 'bigint', transformer: bigintAsNumber })
  stackBytes!: number;

  @Column({ type: 'varchar', length: 16 })
  kid!: string;

  /**
   * The signed COSE_Sign1 as base64: a text column is the one byte-string type both SQLite
   * and PostgreSQL accept from one entity definition (blob vs bytea).
   */
  @Column({ type: 'text' })
  manifest!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintAsNumber })
  createdAt!: number;
}
