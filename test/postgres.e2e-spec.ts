import 'reflect-metadata';
import type { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { openMigratedDataSource } from '../src/database/migrate';
import { migrations } from '../src/database/migrations';
import { topicFor } from '../src/protocol';
import { cbor, hello, provision, telemetry } from './support/fixtures';
import { startTestGateway, TestGateway, waitFor } from './support/gateway';
import { resetPostgres } from './support/postgres';
import { connectRaw, end, publish } from './support/mqtt';
import { describeWithEnv } from './support/system-tools';

const HINT =
  'start PostgreSQL (apt-get install postgresql; .ci/run shows how) and export VMFLEET_TEST_DATABASE_URL=postgres://user:pass@127.0.0.1:5432/db';

describeWithEnv('VMFLEET_TEST_DATABASE_URL', HINT, 'PostgreSQL persistence (e2e)', (url) => {
  const resetDatabase = () => resetPostgres(url);

  beforeAll(resetDatabase);

  it('runs every migration up and down against a real server', async () => {
    const ds = new DataSource({
      ...dataSourceOptions({ kind: 'postgres', url }),
      migrationsRun: false,
    });
    await ds.initialize();
    try {
      const applied = await ds.runMigrations();
      // Every migration the gateway ships, in order: a new one that fails to apply here fails this line.
      expect(applied.map((m) => m.name)).toEqual(migrations.map((m) => m.name));
      expect(applied.length).toBeGreaterThanOrEqual(4);
      const tables = await ds.query<{ table_name: string }[]>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.map((t) => t.table_name)).toEqual([
        'alert_rules',
        'alerts',
        'api_tokens',
        'app_sequence',
        'apps',
        'benchmark_campaigns',
        'benchmark_footprints',
        'benchmark_runs',
        'deployment_devices',
        'deployments',
        'device_events',
        'device_tags',
        'devices',
        'leases',
        'migrations',
        'telemetry_samples',
      ]);
      for (let i = 0; i < applied.length; i++) await ds.undoLastMigration();
      const after = await ds.query<{ n: string }[]>(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'",
      );
      expect(Number(after[0].n)).toBe(0);
    } finally {
      await ds.destroy();
    }
  });

  it('migrates once when several instances start at once on an empty database', async () => {
    await resetDatabase();
    // Without the migration lock one of these dies on a duplicate CREATE TABLE (pg_type unique index).
    const options = dataSourceOptions({ kind: 'postgres', url });
    const opened = await Promise.allSettled([0, 1, 2].map(() => openMigratedDataSource(options)));
    const sources = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    try {
      expect(opened.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual([
        'ok',
        'ok',
        'ok',
      ]);
      const rows = await sources[0].query<{ name: string }[]>(
        'SELECT name FROM migrations ORDER BY id',
      );
      expect(rows.map((r) => r.name)).toEqual(migrations.map((m) => m.name));
    } finally {
      await Promise.all(sources.map((ds) => ds.destroy()));
      await resetDatabase();
    }
  });

  describe('the gateway on PostgreSQL', () => {
    let gw: TestGateway;
    let client: MqttClient | undefined;

    beforeEach(async () => {
      await resetDatabase();
      gw = await startTestGateway({ VMFLEET_DATABASE_URL: url });
    });
    afterEach(async () => {
      await end(client);
      await gw.stop();
    });

    it('provisions, records presence and stores telemetry with bigint columns as numbers', async () => {
      const token = await provision(gw, 'pg-dev', { tags: ['pg'] });
      client = await connectRaw(gw.mqttUrl, {
        clientId: 'pg-dev',
        username: 'pg-dev',
        password: token,
      });
      await publish(client, topicFor('pg-dev', 'hello'), cbor(hello));
      const big = 2 ** 40;
      await publish(
        client,
        topicFor('pg-dev', 'telemetry'),
        cbor(telemetry({ uptimeMs: big, vm: { state: 'running', instructions: big } })),
      );
      const series = await waitFor('sample in PostgreSQL', async () => {
        const res = await gw.api('GET', '/api/devices/pg-dev/telemetry?step=1h');
        return res.body.points.length ? res.body : null;
      });
      expect(series.points[0]).toMatchObject({
        uptimeMs: big,
        instructions: big,
        vmState: 'running',
        cpuLoad: 0.03,
      });
      const health = await gw.api('GET', '/api/health');
      expect(health.body.database).toBe('postgres');
      const listed = await gw.api('GET', '/api/devices?tag=pg&online=true');
      expect(listed.body.items.map((d: { id: string }) => d.id)).toEqual(['pg-dev']);
    });

    it('fires and resolves an alert and serves the fleet gauges from PostgreSQL', async () => {
      const rule = await gw.api('POST', '/api/alert-rules', {
        kind: 'telemetry',
        name: 'pg ram',
        metric: 'ram_pct',
        op: '>',
        threshold: 1,
      });
      expect(rule.status).toBe(201);
      const token = await provision(gw, 'pg-al');
      client = await connectRaw(gw.mqttUrl, {
        clientId: 'pg-al',
        username: 'pg-al',
        password: token,
      });
      await publish(client, topicFor('pg-al', 'hello'), cbor(hello));
      await publish(client, topicFor('pg-al', 'telemetry'), cbor(telemetry()));
      const [alert] = await waitFor('the alert stored', async () => {
        const res = await gw.api('GET', '/api/alerts?state=firing');
        return res.body.items.length ? res.body.items : null;
      });
      expect(alert).toMatchObject({ deviceId: 'pg-al', ruleId: rule.body.id, deploymentId: null });
      expect(alert.value).toBeCloseTo((100 * 12000) / 262144, 6);
      const patched = await gw.api('PATCH', `/api/alert-rules/${rule.body.id}`, { enabled: false });
      expect(patched.body.enabled).toBe(false);
      await waitFor('resolved', async () => {
        const res = await gw.api('GET', '/api/alerts');
        return res.body.items[0]?.state === 'resolved';
      });
      const metrics = (await gw.api<string>('GET', '/metrics')).body;
      expect(metrics).toMatch(
        /^vmfleet_fleet_devices\{vm="mips1",board="nrf52840",online="true"\} 1$/m,
      );
      expect(metrics).toMatch(
        /^vmfleet_fleet_ram_total_bytes\{vm="mips1",board="nrf52840"\} 262144$/m,
      );
    });
  });
});
