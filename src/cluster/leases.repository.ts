import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The `leases` table: (name, holder, expires_at). Taking and renewing are one statement,
 * an upsert whose update applies only when the row is ours or expired, so two instances
 * racing for a free lease cannot both get it (PostgreSQL locks the conflicting row;
 * SQLite has a single writer). Times are the caller's milliseconds, so tests fake them.
 */
@Injectable()
export class LeasesRepository {
  constructor(private readonly db: DataSource) {}

  /** Takes or renews `name` for `holder` until `expiresAt`; true when `holder` has it now. */
  async acquire(name: string, holder: string, now: number, expiresAt: number): Promise<boolean> {
    const [a, b, c, d] = this.params(4);
    const rows = await this.db.query<{ holder: string }[]>(
      `INSERT INTO leases (name, holder, expires_at) VALUES (${a}, ${b}, ${c})
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at < ${d}
       RETURNING holder`,
      [name, holder, expiresAt, now],
    );
    return rows.length === 1 && rows[0].holder === holder;
  }

  /** Gives `name` up at once, if `holder` has it, so another instance need not wait for it to expire. */
  async release(name: string, holder: string): Promise<void> {
    const [a, b] = this.params(2);
    await this.db.query(`DELETE FROM leases WHERE name = ${a} AND holder = ${b}`, [name, holder]);
  }

  /** Who holds `name` at `now`, or null when nobody does. */
  async holder(name: string, now: number): Promise<string | null> {
    const [a, b] = this.params(2);
    const rows = await this.db.query<{ holder: string }[]>(
      `SELECT holder FROM leases WHERE name = ${a} AND expires_at >= ${b}`,
      [name, now],
    );
    return rows[0]?.holder ?? null;
  }

  /** The names starting with `prefix` (no `%` or `_` in it: LIKE's wildcards) held at `now`. */
  async heldWithPrefix(prefix: string, now: number): Promise<string[]> {
    const [a, b] = this.params(2);
    const rows = await this.db.query<{ name: string }[]>(
      `SELECT name FROM leases WHERE name LIKE ${a} AND expires_at >= ${b}`,
      [`${prefix}%`, now],
    );
    return rows.map((r) => r.name);
  }

  private params(n: number): string[] {
    const pg = this.db.options.type === 'postgres';
    return Array.from({ length: n }, (_, i) => (pg ? `$${i + 1}` : '?'));
  }
}
