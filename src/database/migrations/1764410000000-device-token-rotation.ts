import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Device token rotation and revocation (docs/cli.md `devices rotate-token`, `devices
 * revoke`): the previous token's hash stays valid until `previous_token_until`; a revoked
 * device keeps its row and history but no token is accepted for it.
 */
export class DeviceTokenRotation1764410000000 implements MigrationInterface {
  name = 'DeviceTokenRotation1764410000000';

  private readonly columns = [
    new TableColumn({
      name: 'previous_token_hash',
      type: 'varchar',
      length: '128',
      isNullable: true,
    }),
    new TableColumn({ name: 'previous_token_until', type: 'bigint', isNullable: true }),
    new TableColumn({ name: 'token_rotated_at', type: 'bigint', isNullable: true }),
    new TableColumn({ name: 'revoked_at', type: 'bigint', isNullable: true }),
  ];

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('devices', this.columns);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('devices', this.columns);
  }
}
