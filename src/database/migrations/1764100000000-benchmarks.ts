import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Benchmark campaigns and one row per measured (or missed) run. Runs are not tied to the
 * devices table: a deleted device's measurements stay with the campaign.
 */
export class Benchmarks1764100000000 implements MigrationInterface {
  name = 'Benchmarks1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'benchmark_campaigns',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'name', type: 'varchar', length: '80', isNullable: true },
          { name: 'spec', type: 'text' },
          { name: 'devices', type: 'text' },
          { name: 'planned_runs', type: 'integer' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'reason', type: 'text', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
          { name: 'finished_at', type: 'bigint', isNullable: true },
        ],
        indices: [{ columnNames: ['status'] }],
      }),
    );
    const metric = (name: string, type = 'double precision') => ({
      name,
      type,
      isNullable: true,
    });
    await q.createTable(
      new Table({
        name: 'benchmark_runs',
        columns: [
          { name: 'campaign_id', type: 'integer', isPrimary: true },
          { name: 'device_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'program', type: 'varchar', length: '32', isPrimary: true },
          { name: 'vm', type: 'varchar', length: '16', isPrimary: true },
          { name: 'repetition', type: 'integer', isPrimary: true },
          { name: 'suite', type: 'varchar', length: '16' },
          { name: 'board', type: 'varchar', length: '32' },
          { name: 'engine_version', type: 'varchar', length: '64' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'reason', type: 'text', isNullable: true },
          metric('code_bytes', 'bigint'),
          metric('flash_bytes', 'bigint'),
          metric('ram_bytes', 'bigint'),
          metric('load_ms'),
          metric('exec_ms'),
          metric('instructions', 'bigint'),
          { name: 'at', type: 'bigint' },
        ],
        foreignKeys: [
          {
            columnNames: ['campaign_id'],
            referencedTableName: 'benchmark_campaigns',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('benchmark_runs');
    await q.dropTable('benchmark_campaigns');
  }
}
