import { Logger } from '@nestjs/common';
import { DataSource, type DataSourceOptions, type Migration } from 'typeorm';

/**
 * The PostgreSQL advisory lock every instance takes around its migrations ('vmfl'). Two
 * instances starting at once on a database that needs migrating would otherwise both run
 * the same CREATE TABLE, and the second would die with a duplicate-key error.
 */
export const MIGRATION_LOCK_KEY = 0x766d666c;

const POLL_MS = 250;

/**
 * Runs the pending migrations; on PostgreSQL only while holding the migration lock, so of
 * several instances one migrates and the others wait, then find nothing left to do.
 * SQLite has one instance and its own file lock.
 */
export async function runMigrationsExclusive(
  ds: DataSource,
  logger = new Logger('Migrations'),
): Promise<Migration[]> {
  if (ds.options.type !== 'postgres') return ds.runMigrations();
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    // Advisory locks belong to a session: take and give it back on this one connection.
    let waited = false;
    for (;;) {
      const rows = (await runner.query('SELECT pg_try_advisory_lock($1) AS got', [
        MIGRATION_LOCK_KEY,
      ])) as { got: boolean }[];
      if (rows[0].got) break;
      if (!waited) logger.log('another instance is migrating the database: waiting for it');
      waited = true;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    try {
      const applied = await ds.runMigrations();
      if (applied.length) logger.log(`applied ${applied.map((m) => m.name).join(', ')}`);
      return applied;
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

/** The gateway's DataSource: connected, then migrated under the lock (never by `migrationsRun`). */
export async function openMigratedDataSource(options: DataSourceOptions): Promise<DataSource> {
  const ds = new DataSource({ ...options, migrationsRun: false });
  await ds.initialize();
  try {
    await runMigrationsExclusive(ds);
  } catch (err) {
    await ds.destroy();
    throw err;
  }
  return ds;
}
