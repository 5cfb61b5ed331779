import type { DataSource, EntityManager } from 'typeorm';
import { nativeSqlite } from '../database/bulk-writer';
import type { DeviceRollout, RolloutState, StateChange } from './domain/deployment';

/** One change to one device's entry: given the entry as stored, what it becomes (null: nothing). */
export interface EntryChange {
  deviceId: string;
  change: (entry: DeviceRollout) => DeviceRollout | null;
}

/** A change applied to a stored entry: `after` is `before` when the change changed nothing. */
export interface EntryTransition {
  before: DeviceRollout;
  after: DeviceRollout;
  changed: boolean;
}

interface Row {
  deployment_id: number;
  device_id: string;
  wave: number;
  state: string;
  code: string | null;
  reason: string | null;
  updated_at: number | string;
  history: string;
}

const COLUMNS = 'deployment_id, device_id, wave, state, code, reason, updated_at, history';

/**
 * The deployment_devices rows in plain SQL. TypeORM's entity hydration cost more per row
 * than a whole rollout step (profiled with bench:ota --cpu-prof), and a rollout reads and
 * writes every device's row: reads map rows by hand, and a batch of changes is one
 * transaction — a prepared statement per row on SQLite, one locked SELECT and one UPDATE
 * on PostgreSQL. Columns as the deployments migration made them (history is JSON text).
 */
export class EntryRows {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a new deployment's entries, inside the transaction `m` that stores the deployment. */
  async insert(
    m: EntityManager,
    deploymentId: number,
    entries: readonly Omit<DeviceRollout, 'deploymentId'>[],
  ): Promise<void> {
    const native = nativeSqlite(this.dataSource);
    if (native) {
      // The same connection: the rows are part of the transaction TypeORM opened.
      const insert = native.prepare(
        `INSERT INTO deployment_devices (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const e of entries) {
        const history = JSON.stringify(e.history);
        insert.run(
          deploymentId,
          e.deviceId,
          e.wave,
          e.state,
          e.code,
          e.reason,
          e.updatedAt,
          history,
        );
      }
      return;
    }
    for (let i = 0; i < entries.length; i += 1000) {
      const chunk = entries.slice(i, i + 1000);
      await m.query(
        `INSERT INTO deployment_devices (${COLUMNS}) SELECT $1, * FROM ` +
          'unnest($2::varchar[], $3::integer[], $4::varchar[], $5::varchar[], $6::text[], $7::bigint[], $8::text[])',
        [
          deploymentId,
          chunk.map((e) => e.deviceId),
          chunk.map((e) => e.wave),
          chunk.map((e) => e.state),
          chunk.map((e) => e.code),
          chunk.map((e) => e.reason),
          chunk.map((e) => e.updatedAt),
          chunk.map((e) => JSON.stringify(e.history)),
        ],
      );
    }
  }

  /** Every entry of a deployment, by wave then device id. */
  async all(deploymentId: number): Promise<DeviceRollout[]> {
    const native = nativeSqlite(this.dataSource);
    const sql = `SELECT ${COLUMNS} FROM deployment_devices WHERE deployment_id = ? ORDER BY wave, device_id`;
    const rows = native
      ? (native.prepare(sql).all(deploymentId) as Row[])
      : await this.dataSource.query<Row[]>(sql.replace('?', '$1'), [deploymentId]);
    return rows.map(toEntry);
  }

  /**
   * Applies the changes in order (several to one device apply one after the other) to the
   * rows as stored, in one transaction: the rows are locked from read to write on
   * PostgreSQL (`FOR UPDATE`, in device id order so two instances cannot deadlock), so
   * each transition happens once whichever instances try it. A change from pending to
   * offered records `instanceId` as the offerer and counts the offer. One result per
   * change, null when the device has no entry.
   */
  async apply(
    deploymentId: number,
    changes: readonly EntryChange[],
    instanceId: string,
  ): Promise<(EntryTransition | null)[]> {
    if (changes.length === 0) return [];
    const ids = [...new Set(changes.map((c) => c.deviceId))];
    const native = nativeSqlite(this.dataSource);
    if (native) {
      const select = native.prepare(
        `SELECT ${COLUMNS} FROM deployment_devices WHERE deployment_id = ? AND device_id = ?`,
      );
      const update = native.prepare(
        'UPDATE deployment_devices SET state = ?, code = ?, reason = ?, updated_at = ?, history = ?, ' +
          'offered_by = CASE WHEN ? THEN ? ELSE offered_by END, offers = offers + ? ' +
          'WHERE deployment_id = ? AND device_id = ?',
      );
      return native.transaction(() => {
        const stored = ids.map((id) => select.get(deploymentId, id) as Row | undefined);
        const { results, writes } = applyAll(stored.filter(isRow).map(toEntry), changes);
        for (const w of writes) {
          const e = w.entry;
          const offered = w.offered ? 1 : 0;
          update.run(
            e.state,
            e.code,
            e.reason,
            e.updatedAt,
            JSON.stringify(e.history),
            offered,
            instanceId,
            offered,
            deploymentId,
            e.deviceId,
          );
        }
        return results;
      })();
    }
    return this.dataSource.transaction((m) =>
      this.applyPostgres(m, deploymentId, ids, changes, instanceId),
    );
  }

  private async applyPostgres(
    m: EntityManager,
    deploymentId: number,
    ids: string[],
    changes: readonly EntryChange[],
    instanceId: string,
  ): Promise<(EntryTransition | null)[]> {
    const rows = await m.query<Row[]>(
      `SELECT ${COLUMNS} FROM deployment_devices WHERE deployment_id = $1 AND device_id = ANY($2) ` +
        'ORDER BY device_id FOR UPDATE',
      [deploymentId, ids],
    );
    const { results, writes } = applyAll(rows.map(toEntry), changes);
    if (writes.length > 0) {
      const column = <T>(pick: (w: (typeof writes)[number]) => T) => writes.map(pick);
      await m.query(
        'UPDATE deployment_devices d SET state = u.state, code = u.code, reason = u.reason, ' +
          'updated_at = u.updated_at, history = u.history, ' +
          'offered_by = CASE WHEN u.offered THEN $2 ELSE d.offered_by END, ' +
          'offers = d.offers + CASE WHEN u.offered THEN 1 ELSE 0 END ' +
          'FROM unnest($3::varchar[], $4::varchar[], $5::varchar[], $6::text[], $7::bigint[], $8::text[], $9::boolean[]) ' +
          'AS u(device_id, state, code, reason, updated_at, history, offered) ' +
          'WHERE d.deployment_id = $1 AND d.device_id = u.device_id',
        [
          deploymentId,
          instanceId,
          column((w) => w.entry.deviceId),
          column((w) => w.entry.state),
          column((w) => w.entry.code),
          column((w) => w.entry.reason),
          column((w) => w.entry.updatedAt),
          column((w) => JSON.stringify(w.entry.history)),
          column((w) => w.offered),
        ],
      );
    }
    return results;
  }
}

/** The changes applied in order to the stored entries; the rows to write (each once) and whether one was offered. */
function applyAll(
  stored: DeviceRollout[],
  changes: readonly EntryChange[],
): { results: (EntryTransition | null)[]; writes: { entry: DeviceRollout; offered: boolean }[] } {
  const current = new Map(stored.map((e) => [e.deviceId, e]));
  const written = new Map<string, { entry: DeviceRollout; offered: boolean }>();
  const results = changes.map(({ deviceId, change }) => {
    const before = current.get(deviceId);
    if (!before) return null;
    const after = change(before);
    if (!after) return { before, after: before, changed: false };
    current.set(deviceId, after);
    const offered = before.state === 'pending' && after.state === 'offered';
    written.set(deviceId, { entry: after, offered: offered || !!written.get(deviceId)?.offered });
    return { before, after, changed: true };
  });
  return { results, writes: [...written.values()] };
}

function isRow(row: Row | undefined): row is Row {
  return row !== undefined;
}

function toEntry(row: Row): DeviceRollout {
  return {
    deploymentId: Number(row.deployment_id),
    deviceId: row.device_id,
    wave: Number(row.wave),
    state: row.state as RolloutState,
    code: row.code,
    reason: row.reason,
    updatedAt: Number(row.updated_at),
    history: JSON.parse(row.history) as StateChange[],
  };
}
