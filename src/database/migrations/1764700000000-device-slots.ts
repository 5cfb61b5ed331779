import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * What a device's two app slots hold (docs/protocol.md §5.2 `slots`), as its last hello or
 * OTA report said, and when: null for devices that never reported them.
 */
export class DeviceSlots1764700000000 implements MigrationInterface {
  name = 'DeviceSlots1764700000000';

  private readonly columns = [
    new TableColumn({ name: 'slots', type: 'text', isNullable: true }),
    new TableColumn({ name: 'slots_at', type: 'bigint', isNullable: true }),
  ];

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('devices', this.columns);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('devices', this.columns);
  }
}
