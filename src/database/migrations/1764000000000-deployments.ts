import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Deployments and the state of each targeted device in them. Device rows are not tied to
 * the devices table: a deleted device's history stays with the deployment that reached it.
 */
export class Deployments1764000000000 implements MigrationInterface {
  name = 'Deployments1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'deployments',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'app_name', type: 'varchar', length: '64' },
          { name: 'app_version', type: 'varchar', length: '64' },
          { name: 'vm_kind', type: 'varchar', length: '16' },
          { name: 'target', type: 'text' },
          { name: 'strategy', type: 'text' },
          { name: 'failure_threshold', type: 'integer' },
          { name: 'health_window_ms', type: 'bigint' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'current_wave', type: 'integer' },
          { name: 'wave_count', type: 'integer' },
          { name: 'reason', type: 'text', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
          { name: 'finished_at', type: 'bigint', isNullable: true },
        ],
        indices: [
          { columnNames: ['status'] },
          // "Is this app still being deployed?" when someone deletes it.
          { columnNames: ['app_name', 'app_version'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'deployment_devices',
        columns: [
          { name: 'deployment_id', type: 'integer', isPrimary: true },
          { name: 'device_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'wave', type: 'integer' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'code', type: 'varchar', length: '32', isNullable: true },
          { name: 'reason', type: 'text', isNullable: true },
          { name: 'updated_at', type: 'bigint' },
          { name: 'history', type: 'text' },
        ],
        foreignKeys: [
          {
            columnNames: ['deployment_id'],
            referencedTableName: 'deployments',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        // A device coming online looks up the deployments it is part of.
        indices: [{ columnNames: ['device_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('deployment_devices');
    await q.dropTable('deployments');
  }
}
