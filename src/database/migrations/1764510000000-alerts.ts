import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Alert rules and alerts (docs/monitoring.md "Alerts"). An alert row is one firing of a
 * rule for a device or a deployment, resolved in place; rows outlive their rule.
 */
export class Alerts1764510000000 implements MigrationInterface {
  name = 'Alerts1764510000000';

  async up(q: QueryRunner): Promise<void> {
    const id = {
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    } as const;
    await q.createTable(
      new Table({
        name: 'alert_rules',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '80' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'spec', type: 'text' },
          { name: 'webhook_url', type: 'varchar', length: '2000', isNullable: true },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'alerts',
        columns: [
          id,
          { name: 'rule_id', type: 'integer' },
          { name: 'rule_name', type: 'varchar', length: '80' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'device_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'deployment_id', type: 'integer', isNullable: true },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'value', type: 'double precision', isNullable: true },
          { name: 'message', type: 'text' },
          { name: 'fired_at', type: 'bigint' },
          { name: 'resolved_at', type: 'bigint', isNullable: true },
        ],
        indices: [{ columnNames: ['state'] }, { columnNames: ['rule_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('alerts');
    await q.dropTable('alert_rules');
  }
}
