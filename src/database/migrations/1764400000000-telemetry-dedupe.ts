import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Telemetry resends are stored once (docs/protocol.md §5.5): each sample is looked up by
 * device and `uptimeMs` before it is written, so that lookup needs an index.
 */
export class TelemetryDedupe1764400000000 implements MigrationInterface {
  name = 'TelemetryDedupe1764400000000';

  private readonly index = new TableIndex({
    name: 'IDX_telemetry_samples_device_uptime',
    columnNames: ['device_id', 'uptime_ms'],
  });

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('telemetry_samples', this.index);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('telemetry_samples', this.index);
  }
}
