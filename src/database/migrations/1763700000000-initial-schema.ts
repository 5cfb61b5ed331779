import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Devices, their tags and telemetry samples. Written with the driver-neutral Table API. */
export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.options.type === 'postgres';
    await q.createTable(
      new Table({
        name: 'devices',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'board', type: 'varchar', length: '32' },
          { name: 'vm_kind', type: 'varchar', length: '16' },
          { name: 'vm_version', type: 'varchar', length: '64', isNullable: true },
          { name: 'firmware', type: 'varchar', length: '64', isNullable: true },
          { name: 'limits', type: 'text', isNullable: true },
          { name: 'token_hash', type: 'varchar', length: '128' },
          { name: 'online', type: 'boolean', default: false },
          { name: 'connected_at', type: 'bigint', isNullable: true },
          { name: 'last_seen_at', type: 'bigint', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'latest_telemetry', type: 'text', isNullable: true },
        ],
        indices: [{ columnNames: ['vm_kind'] }, { columnNames: ['online'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'device_tags',
        columns: [
          { name: 'device_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'tag', type: 'varchar', length: '64', isPrimary: true },
        ],
        foreignKeys: [
          {
            columnNames: ['device_id'],
            referencedTableName: 'devices',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await q.createIndex('device_tags', new TableIndex({ columnNames: ['tag'] }));
    await q.createTable(
      new Table({
        name: 'telemetry_samples',
        columns: [
          // SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL needs BIGINT for volume.
          {
            name: 'id',
            type: postgres ? 'bigint' : 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'device_id', type: 'varchar', length: '64' },
          { name: 'ts', type: 'bigint' },
          { name: 'device_ts', type: 'bigint', isNullable: true },
          { name: 'uptime_ms', type: 'bigint' },
          { name: 'ram_used', type: 'bigint' },
          { name: 'ram_peak', type: 'bigint' },
          { name: 'ram_total', type: 'bigint' },
          { name: 'flash_used', type: 'bigint' },
          { name: 'flash_total', type: 'bigint' },
          { name: 'cpu_load', type: postgres ? 'double precision' : 'real' },
          { name: 'vm_state', type: 'varchar', length: '16' },
          { name: 'instructions', type: 'bigint' },
          { name: 'app_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'app_version', type: 'varchar', length: '64', isNullable: true },
        ],
      }),
    );
    await q.createIndex('telemetry_samples', new TableIndex({ columnNames: ['device_id', 'ts'] }));
    await q.createIndex('telemetry_samples', new TableIndex({ columnNames: ['ts'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('telemetry_samples');
    await q.dropTable('device_tags');
    await q.dropTable('devices');
  }
}
