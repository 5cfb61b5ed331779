import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * How a device is connected (the device view's `transport` and `instance`, README "REST API"):
 * `transport` is `mqtt`, `mqtt-ws` or `coap`; `instance` the gateway instance that holds
 * the connection (its embedded broker or its CoAP session), null behind an external
 * broker. Both are set at hello and cleared when the device goes offline; a disconnect
 * clears them only while they still name the connection that ended, so a stale session of
 * another instance cannot take a device offline (docs/operations.md "CoAP devices").
 */
export class DeviceTransport1764710000000 implements MigrationInterface {
  name = 'DeviceTransport1764710000000';

  private readonly columns = [
    new TableColumn({ name: 'transport', type: 'varchar', length: '16', isNullable: true }),
    new TableColumn({ name: 'instance', type: 'varchar', length: '64', isNullable: true }),
  ];

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('devices', this.columns);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('devices', this.columns);
  }
}
