import type { Database, Statement } from 'better-sqlite3';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Writes many rows of one fixed shape fast. TypeORM's query builder costs more per row
 * than the broker does per message (measured with bench:ingest), so the telemetry hot
 * path uses a prepared statement on SQLite and multi-row parameterised INSERTs on
 * PostgreSQL, both inside one transaction.
 */
export class BulkWriter {
  private sqliteStatement?: Statement;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sqlPrefix: string,
    private readonly columnCount: number,
  ) {}

  async write(rows: readonly unknown[][]): Promise<void> {
    if (rows.length === 0) return;
    const native = nativeSqlite(this.dataSource);
    if (native) {
      const stmt = (this.sqliteStatement ??= native.prepare(
        `${this.sqlPrefix} (${placeholders(this.columnCount, () => '?')})`,
      ));
      native.transaction((all: readonly unknown[][]) => all.forEach((r) => stmt.run(...r)))(rows);
      return;
    }
    await this.dataSource.transaction((m) => this.writePostgres(m, rows));
  }

  private async writePostgres(m: EntityManager, rows: readonly unknown[][]): Promise<void> {
    // 400 rows × 15 columns stays far below PostgreSQL's 65535 bind parameters.
    for (let i = 0; i < rows.length; i += 400) {
      const chunk = rows.slice(i, i + 400);
      let n = 0;
      const values = chunk
        .map(() => `(${placeholders(this.columnCount, () => `$${++n}`)})`)
        .join(',');
      await m.query(`${this.sqlPrefix} ${values}`, chunk.flat());
    }
  }
}

/** The better-sqlite3 handle behind a DataSource, or null on other drivers. */
export function nativeSqlite(dataSource: DataSource): Database | null {
  if (dataSource.options.type !== 'better-sqlite3') return null;
  return (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
}

function placeholders(count: number, next: () => string): string {
  return Array.from({ length: count }, next).join(',');
}

/**
 * Runs one statement (with `?` placeholders) per row inside one transaction: a prepared
 * statement on SQLite, numbered parameters on PostgreSQL.
 */
export class RowStatement {
  private sqliteStatement?: Statement;
  private readonly postgresSql: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sql: string,
  ) {
    let n = 0;
    this.postgresSql = sql.replace(/\?/g, () => `$${++n}`);
  }

  async runAll(rows: readonly unknown[][]): Promise<void> {
    if (rows.length === 0) return;
    const native = nativeSqlite(this.dataSource);
    if (native) {
      const stmt = (this.sqliteStatement ??= native.prepare(this.sql));
      native.transaction((all: readonly unknown[][]) => all.forEach((r) => stmt.run(...r)))(rows);
      return;
    }
    await this.dataSource.transaction(async (m) => {
      for (const row of rows) await m.query(this.postgresSql, row);
    });
  }
}
