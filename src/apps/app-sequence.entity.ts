import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../database/columns';

/**
 * One row: the highest sequence number the repository ever issued. Kept apart from the
 * apps so deleting the newest app never lets a number be issued twice (anti-rollback).
 */
@Entity('app_sequence')
export class AppSequenceEntity {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  issued!: number;
}
