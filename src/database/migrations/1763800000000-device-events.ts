import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Events devices send: app publishes and emits, VM lifecycle changes. */
export class DeviceEvents1763800000000 implements MigrationInterface {
  name = 'DeviceEvents1763800000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.options.type === 'postgres';
    await q.createTable(
      new Table({
        name: 'device_events',
        columns: [
          {
            name: 'id',
            type: postgres ? 'bigint' : 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'device_id', type: 'varchar', length: '64' },
          { name: 'ts', type: 'bigint' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'body', type: 'text' },
        ],
      }),
    );
    await q.createIndex('device_events', new TableIndex({ columnNames: ['device_id', 'ts'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('device_events');
  }
}
