import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Firmware footprints (vmfleet-footprint/1, docs/benchmarks.md "VM footprint"): the ELF
 * sections of each VM build per board, one row per board and VM, replaced on upload.
 * Times are Unix ms as everywhere else.
 */
export class Footprints1764300000000 implements MigrationInterface {
  name = 'Footprints1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'benchmark_footprints',
        columns: [
          { name: 'board', type: 'varchar', length: '32', isPrimary: true },
          { name: 'vm', type: 'varchar', length: '16', isPrimary: true },
          { name: 'text_bytes', type: 'bigint' },
          { name: 'data_bytes', type: 'bigint' },
          { name: 'bss_bytes', type: 'bigint' },
          { name: 'riot', type: 'varchar', length: '64' },
          { name: 'built_at', type: 'bigint' },
          { name: 'uploaded_at', type: 'bigint' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('benchmark_footprints');
  }
}
