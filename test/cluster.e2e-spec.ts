import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { VirtualDevice } from '../devices';
import { waitFor } from './support/gateway';
import { resetPostgres, withPostgres } from './support/postgres';
import { GatewayProcess } from './support/gateway-process';
import {
  deploy,
  deployment,
  firmwareImage,
  type GatewayHandle,
  publishApp,
  startDevices,
  waitForDeployment,
} from './support/ota';
import { type Broker, startMosquitto, stopMosquitto } from './support/mosquitto-broker';
import { describeWithEnv, requireTool } from './support/system-tools';

const HINT =
  'start PostgreSQL (apt-get install postgresql; .ci/run shows how) and export VMFLEET_TEST_DATABASE_URL=postgres://user:pass@127.0.0.1:5432/db';

/**
 * A TCP forwarder standing in for a load balancer in front of the instances' brokers:
 * devices dial it, it dials whichever instance is `target` at the time.
 */
async function forwarder(): Promise<{ url: string; target: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const fwd = { url: '', target: 0, close: () => Promise.resolve() };
  const server = net.createServer((down) => {
    const up = net.connect(fwd.target, '127.0.0.1');
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        down.destroy();
        up.destroy();
      });
    }
    down.pipe(up).pipe(down);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fwd.url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  fwd.close = () => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return fwd;
}

describeWithEnv(
  'VMFLEET_TEST_DATABASE_URL',
  HINT,
  'two gateway instances on one PostgreSQL (e2e)',
  (url) => {
    let a: GatewayProcess;
    let b: GatewayProcess;
    let shared: string;
    let fwd: Awaited<ReturnType<typeof forwarder>>;
    let devices: VirtualDevice[] = [];

    beforeEach(async () => {
      await resetPostgres(url);
      // One data dir (blobs and the manifest signing key) for both, as a shared volume would be.
      shared = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-cluster-'));
      const env = (id: string) => ({
        VMFLEET_DATABASE_URL: url,
        VMFLEET_DATA_DIR: shared,
        VMFLEET_INSTANCE_ID: id,
        VMFLEET_LEASE_TTL_MS: '3000',
      });
      a = await GatewayProcess.start(env('gw-a'));
      b = await GatewayProcess.start(env('gw-b'));
      fwd = await forwarder();
      fwd.target = a.mqttPort;
    }, 120_000);
    afterEach(async () => {
      await Promise.all(devices.map((d) => d.stop()));
      devices = [];
      await fwd.close();
      await Promise.all([a.stop(), b.stop()]);
      fs.rmSync(shared, { recursive: true, force: true });
    });

    it('finishes a rollout whose owner is killed mid-rollout on the other instance, each offer made once', async () => {
      const handle = (gw: GatewayProcess): GatewayHandle => ({
        api: (method, route, body) => gw.api(method, route, body),
        httpUrl: gw.httpUrl,
        apiToken: gw.apiToken,
        mqttUrl: fwd.url,
      });
      devices = await rolloutSurvivesOwnerKill(url, a, handle(a), handle(b), () => {
        fwd.target = b.mqttPort; // the balancer sends reconnecting devices to the live instance
      });
    }, 240_000);

    it('cancels a campaign through the instance that does not run it: the runner stops and the cancel stands', async () => {
      const viaA: GatewayHandle = {
        api: (method, route, body) => a.api(method, route, body),
        httpUrl: a.httpUrl,
        apiToken: a.apiToken,
        mqttUrl: fwd.url,
      };
      devices = await startDevices(viaA, { prefix: 'cb', count: 1, tags: ['cbench'] });
      const made = await a.api('POST', '/api/benchmarks', {
        programs: ['fibonacci', 'sieve', 'matrix', 'heapsort'],
        target: { tag: 'cbench' },
        repetitions: 25,
        native: false,
      });
      expect(made.status).toBe(201);
      const id = made.body.id as number;
      const view = async (gw: GatewayProcess) =>
        (await gw.api('GET', `/api/benchmarks/${id}`)).body;
      await waitFor('gw-a records a run', async () => (await view(a)).recordedRuns >= 1, 60_000);

      const cancel = await b.api('POST', `/api/benchmarks/${id}/cancel`);
      expect(cancel.status).toBeLessThan(300);
      expect(cancel.body.status).toBe('cancelled');

      // gw-a sees the cancel on its next heartbeat, stops after the run in progress and lets go.
      await withPostgres(url, (ds) =>
        waitFor(
          'gw-a releases the campaign lease',
          async () => {
            const rows = await ds.query('SELECT holder FROM leases WHERE name = $1', [
              `campaign:${id}`,
            ]);
            return rows.length === 0;
          },
          20_000,
        ),
      );
      const stopped = await view(a);
      await new Promise((r) => setTimeout(r, 1500));
      const later = await view(b);
      expect(later.status).toBe('cancelled');
      expect(later.recordedRuns).toBe(stopped.recordedRuns);
      expect(later.recordedRuns).toBeLessThan(later.plannedRuns);
    }, 120_000);
  },
);

const mosquitto =
  requireTool('mosquitto', 'mosquitto') && requireTool('mosquitto_ctrl', 'mosquitto');

describeWithEnv(
  'VMFLEET_TEST_DATABASE_URL',
  HINT,
  'two gateway instances, one Mosquitto, one PostgreSQL (e2e)',
  (url) => {
    let a: GatewayProcess;
    let b: GatewayProcess;
    let shared: string;
    let broker: Broker;
    let devices: VirtualDevice[] = [];

    beforeEach(async () => {
      if (!mosquitto) return; // skipped loudly by requireTool
      await resetPostgres(url);
      shared = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-cluster-mq-'));
      broker = await startMosquitto(shared);
      const env = (id: string) => ({
        ...broker.env,
        VMFLEET_DATABASE_URL: url,
        VMFLEET_DATA_DIR: shared,
        VMFLEET_INSTANCE_ID: id,
        VMFLEET_LEASE_TTL_MS: '3000',
      });
      a = await GatewayProcess.start(env('gw-a'));
      b = await GatewayProcess.start(env('gw-b'));
    }, 120_000);
    afterEach(async () => {
      if (!mosquitto) return;
      await Promise.all(devices.map((d) => d.stop()));
      devices = [];
      await Promise.all([a.stop(), b.stop()]);
      await stopMosquitto(broker);
      fs.rmSync(shared, { recursive: true, force: true });
    });

    (mosquitto ? it : it.skip)(
      'finishes a rollout through the broker when its owner is killed, each offer made once',
      async () => {
        const handle = (gw: GatewayProcess): GatewayHandle => ({
          api: (method, route, body) => gw.api(method, route, body),
          httpUrl: gw.httpUrl,
          apiToken: gw.apiToken,
          mqttUrl: broker.env.VMFLEET_MQTT_BROKER_URL,
        });
        // The devices stay connected to Mosquitto: only the instance behind it changes.
        devices = await rolloutSurvivesOwnerKill(url, a, handle(a), handle(b), () => undefined);
      },
      240_000,
    );
  },
);

/**
 * Runs a three-wave rollout to 8 devices through instance A, SIGKILLs A inside the first
 * wave's health window, and checks that B finishes it: every device healthy on 2.0.0,
 * offered exactly once (the first wave by A, the rest by B), no state twice in a history.
 */
async function rolloutSurvivesOwnerKill(
  url: string,
  a: GatewayProcess,
  viaA: GatewayHandle,
  viaB: GatewayHandle,
  afterKill: () => void,
): Promise<VirtualDevice[]> {
  const devices = await startDevices(viaA, {
    prefix: 'c',
    count: 8,
    tags: ['c'],
    options: { otaPaceMs: 30, otaFetchRetryMs: 1000 },
  });
  await publishApp(viaA, 'demo', '1.0.0', firmwareImage('blink'));
  await publishApp(viaA, 'demo', '2.0.0', firmwareImage('md5sum'));
  const id = await deploy(viaA, {
    app: { name: 'demo', version: '2.0.0' },
    target: { tag: 'c' },
    strategy: { kind: 'waves', percents: [25, 50, 100] },
    healthWindowMs: 1500,
  });
  await waitForDeployment(viaA, id, 'wave 1 running', (d) => d.counts.running > 0, 30_000);
  expect((await deployment(viaA, id)).counts.pending).toBeGreaterThan(0);
  await a.kill();
  afterKill();

  const done = await waitForDeployment(
    viaB,
    id,
    'completed by the other instance',
    (d) => d.status === 'completed',
    60_000,
  );
  expect(done.counts.healthy).toBe(8);
  for (const t of done.targets) {
    const states = t.history.map((h) => h.state);
    // No transition recorded twice: each state once in the device's history.
    expect({ device: t.deviceId, states }).toEqual({
      device: t.deviceId,
      states: [...new Set(states)],
    });
  }
  await waitFor('every device on 2.0.0', () =>
    devices.every((d) => d.vmStatus().app?.version === '2.0.0'),
  );

  await withPostgres(url, async (ds) => {
    const rows = await ds.query<{ device_id: string; offers: number; offered_by: string }[]>(
      'SELECT device_id, offers, offered_by FROM deployment_devices WHERE deployment_id = $1 ORDER BY device_id',
      [id],
    );
    expect(rows).toHaveLength(8);
    expect(rows.filter((r) => Number(r.offers) !== 1)).toEqual([]);
    // The first wave was offered by the killed instance, the rest by the one that took over.
    expect(new Set(rows.map((r) => r.offered_by))).toEqual(new Set(['gw-a', 'gw-b']));
    const lease = await ds.query<{ holder: string }[]>(
      'SELECT holder FROM leases WHERE name = $1',
      [`deployment:${id}`],
    );
    expect(lease).toEqual([]); // released when it completed
  });
  return devices;
}
