import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import {
  type CountBy,
  type FleetDeviceRow,
  FleetMetricsRepository,
} from './fleet-metrics.repository';
import { MetricsService } from './metrics.service';

type Measure = 'ramUsed' | 'ramTotal' | 'flashUsed' | 'flashTotal';

/** The fleet's bytes by VM kind and board: `vmfleet_fleet_<name>` ← each device's newest sample. */
const BYTE_GAUGES: ReadonlyArray<readonly [string, Measure, string]> = [
  ['ram_used_bytes', 'ramUsed', 'RAM in use'],
  ['ram_total_bytes', 'ramTotal', 'RAM'],
  ['flash_used_bytes', 'flashUsed', 'flash in use'],
  ['flash_total_bytes', 'flashTotal', 'flash'],
];

/**
 * Gauges read from the database at scrape time (deployments, campaigns, the fleet's
 * resources), so they are right after a restart and across gateway instances sharing one
 * database. A read that fails leaves the gauge empty for that scrape and is logged.
 */
@Injectable()
export class FleetGauges implements OnModuleInit {
  private readonly logger = new Logger('Metrics');

  constructor(
    private readonly metrics: MetricsService,
    private readonly repo: FleetMetricsRepository,
  ) {}

  onModuleInit(): void {
    this.countGauge('vmfleet_deployments', 'Deployments, by status', 'status', () =>
      this.repo.deploymentsByStatus(),
    );
    this.countGauge(
      'vmfleet_deployment_devices',
      "Devices in deployments, by rollout state (every deployment's devices)",
      'state',
      () => this.repo.deploymentDevicesByState(),
    );
    this.countGauge('vmfleet_benchmark_campaigns', 'Benchmark campaigns, by status', 'status', () =>
      this.repo.campaignsByStatus(),
    );
    this.countGauge(
      'vmfleet_benchmark_runs',
      'Benchmark runs of all campaigns, by result status',
      'status',
      () => this.repo.benchmarkRunsByStatus(),
    );
    this.fleetGauges();
  }

  private countGauge(
    name: string,
    help: string,
    label: string,
    read: () => Promise<CountBy[]>,
  ): void {
    const safe = (what: string) => this.safely(what, read);
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        for (const { key, n } of await safe(name)) this.set({ [label]: key }, n);
      },
    });
  }

  /** Devices and their bytes by VM kind and board, from one read of the devices per scrape. */
  private fleetGauges(): void {
    // The five gauges of one scrape share one read of the devices: prom-client collects every
    // metric of a scrape at once, so they all find the read in flight; the next scrape reads anew.
    let inFlight: Promise<FleetDeviceRow[]> | null = null;
    const read = () => {
      if (inFlight) return inFlight;
      const rows = this.safely('fleet devices', () => this.repo.devices());
      inFlight = rows;
      void rows.finally(() => {
        if (inFlight === rows) inFlight = null;
      });
      return rows;
    };
    new Gauge({
      name: 'vmfleet_fleet_devices',
      help: 'Provisioned devices, by VM kind, board and whether they are online',
      labelNames: ['vm', 'board', 'online'],
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        for (const d of await read()) {
          this.inc({ vm: d.vm, board: d.board, online: String(d.online) });
        }
      },
    });
    for (const [suffix, field, what] of BYTE_GAUGES) {
      new Gauge({
        name: `vmfleet_fleet_${suffix}`,
        help: `Sum of ${what} over devices, by VM kind and board (each device's newest sample)`,
        labelNames: ['vm', 'board'],
        registers: [this.metrics.registry],
        async collect() {
          this.reset();
          for (const d of await read()) {
            const v = d[field];
            if (v !== null) this.inc({ vm: d.vm, board: d.board }, v);
          }
        },
      });
    }
  }

  private async safely<T>(what: string, read: () => Promise<T[]>): Promise<T[]> {
    try {
      return await read();
    } catch (err) {
      this.logger.warn(`/metrics: could not read ${what}: ${(err as Error).message}`);
      return [];
    }
  }
}
