import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * The app repository: one row per published name@version (payloads live as blobs on disk)
 * and the sequence counter, which outlives deleted apps.
 */
export class Apps1763900000000 implements MigrationInterface {
  name = 'Apps1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'apps',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'version', type: 'varchar', length: '64', isPrimary: true },
          { name: 'vm_kind', type: 'varchar', length: '16' },
          { name: 'size', type: 'bigint' },
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'sequence', type: 'bigint' },
          { name: 'ram_bytes', type: 'bigint' },
          { name: 'flash_bytes', type: 'bigint' },
          { name: 'stack_bytes', type: 'bigint' },
          { name: 'kid', type: 'varchar', length: '16' },
          { name: 'manifest', type: 'text' },
          { name: 'created_at', type: 'bigint' },
        ],
        indices: [
          // Anti-rollback: no two apps ever share a sequence number, even across gateways.
          { columnNames: ['sequence'], isUnique: true },
          // Deleting an app asks whether another one still uses the same blob.
          { columnNames: ['sha256'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'app_sequence',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'issued', type: 'bigint' },
        ],
      }),
    );
    await q.query('INSERT INTO app_sequence (id, issued) VALUES (1, 0)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('app_sequence');
    await q.dropTable('apps');
  }
}
