import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Telemetry `os` (docs/protocol.md §5.3): the heap and stack figures an OS reports of
 * itself (RIOT's malloc_monitor and stack painting). Nullable: virtual devices and older
 * firmware do not send them.
 */
export class OsTelemetry1764200000000 implements MigrationInterface {
  name = 'OsTelemetry1764200000000';

  private readonly columns = ['heap_used', 'heap_peak', 'stack_used', 'stack_bytes'];

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns(
      'telemetry_samples',
      this.columns.map((name) => new TableColumn({ name, type: 'bigint', isNullable: true })),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('telemetry_samples', this.columns);
  }
}
