import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';

/** A connection to the test database without the gateway's migrations, for `fn`, then closed. */
export async function withPostgres<T>(url: string, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = new DataSource({
    ...dataSourceOptions({ kind: 'postgres', url }),
    migrationsRun: false,
  });
  await ds.initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}

/** Drops every table, so the next gateway starts on an empty database. */
export function resetPostgres(url: string): Promise<void> {
  return withPostgres(url, (ds) => ds.dropDatabase());
}
