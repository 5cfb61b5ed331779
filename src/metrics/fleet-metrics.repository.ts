import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface CountBy {
  key: string;
  n: number;
}

/** A device's row as the fleet gauges read it: what it is and its newest sample. */
export interface FleetDeviceRow {
  vm: string;
  board: string;
  online: boolean;
  ramUsed: number | null;
  ramTotal: number | null;
  flashUsed: number | null;
  flashTotal: number | null;
}

interface RawDevice {
  vm_kind: string;
  board: string;
  online: boolean | number;
  latest_telemetry: string | null;
}

interface RawCount {
  k: string;
  n: string | number;
}

/**
 * The aggregate reads behind the fleet gauges, one query each per scrape. Plain SQL over the
 * tables other features own, read-only and the same on SQLite and PostgreSQL; it never
 * writes, so it cannot break those features' invariants.
 */
@Injectable()
export class FleetMetricsRepository {
  constructor(private readonly db: DataSource) {}

  deploymentsByStatus(): Promise<CountBy[]> {
    return this.countBy('deployments', 'status');
  }

  deploymentDevicesByState(): Promise<CountBy[]> {
    return this.countBy('deployment_devices', 'state');
  }

  campaignsByStatus(): Promise<CountBy[]> {
    return this.countBy('benchmark_campaigns', 'status');
  }

  benchmarkRunsByStatus(): Promise<CountBy[]> {
    return this.countBy('benchmark_runs', 'status');
  }

  async devices(): Promise<FleetDeviceRow[]> {
    const rows = await this.db.query<RawDevice[]>(
      'SELECT vm_kind, board, online, latest_telemetry FROM devices',
    );
    return rows.map((r) => {
      const latest = parseLatest(r.latest_telemetry);
      return {
        vm: r.vm_kind,
        board: r.board,
        online: Boolean(r.online),
        ramUsed: latest?.ramUsed ?? null,
        ramTotal: latest?.ramTotal ?? null,
        flashUsed: latest?.flashUsed ?? null,
        flashTotal: latest?.flashTotal ?? null,
      };
    });
  }

  private async countBy(table: string, column: string): Promise<CountBy[]> {
    // Table and column are constants of this file, never input.
    const rows = await this.db.query<RawCount[]>(
      `SELECT ${column} AS k, COUNT(*) AS n FROM ${table} GROUP BY ${column}`,
    );
    return rows.map((r) => ({ key: String(r.k), n: Number(r.n) }));
  }
}

type Latest = Partial<Record<'ramUsed' | 'ramTotal' | 'flashUsed' | 'flashTotal', number>>;

/** `simple-json` column: JSON text, or null. A row that does not parse counts as no sample. */
function parseLatest(text: string | null): Latest | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as Latest;
  } catch {
    return null;
  }
}
