import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * Several instances on one database (docs/operations.md "Several instances"): leases with
 * an expiry, and on each device's rollout entry which instance offered it and how many
 * times it went from pending to offered (once per wave, however many instances run).
 */
export class Leases1764520000000 implements MigrationInterface {
  name = 'Leases1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'leases',
        columns: [
          { name: 'name', type: 'varchar', length: '128', isPrimary: true },
          { name: 'holder', type: 'varchar', length: '64' },
          { name: 'expires_at', type: 'bigint' },
        ],
      }),
    );
    await q.addColumns('deployment_devices', [
      new TableColumn({ name: 'offered_by', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'offers', type: 'integer', default: 0 }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('deployment_devices', 'offers');
    await q.dropColumn('deployment_devices', 'offered_by');
    await q.dropTable('leases');
  }
}
