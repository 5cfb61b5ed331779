import type { VirtualDevice } from '../devices';
import { footprintFile } from '../src/benchmarks/domain/testing/footprints';
import {
  appListSchema,
  appSchema,
  campaignListSchema,
  campaignSchema,
  createdDeviceSchema,
  deploymentDetailSchema,
  deploymentListSchema,
  deviceEventListSchema,
  deviceListSchema,
  deviceSchema,
  fleetSummarySchema,
  footprintsSchema,
  healthSchema,
  monitorReplySchema,
  runListSchema,
  signingKeySchema,
  telemetrySeriesSchema,
} from '../src/protocol/api';
import type { z } from 'zod';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';
import { deploy, firmwareImage, publishApp, startDevices, waitForDeployment } from './support/ota';
import { misfits } from './support/served';

/**
 * Real answers of the gateway against the schemas the CLI parses them with (issue 19):
 * each must parse and carry no field the schema does not name, so a field renamed on the
 * server fails here rather than in the CLI.
 */
describe('REST responses fit the shared schemas (e2e)', () => {
  let gw: TestGateway;
  let devices: VirtualDevice[] = [];
  const deviceId = 'schema-01';

  beforeAll(async () => {
    gw = await startTestGateway();
    devices = await startDevices(gw, {
      prefix: 'schema',
      count: 1,
      tags: ['schema'],
      options: { telemetryIntervalMs: 100 },
    });
    await waitFor('a stored sample', async () => {
      const device = await gw.api<z.infer<typeof deviceSchema>>('GET', `/api/devices/${deviceId}`);
      return device.body.latest?.at ? true : null;
    });
  });
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.stop()));
    await gw.stop();
  });

  async function get(url: string, status = 200): Promise<unknown> {
    const res = await gw.api('GET', url);
    expect(res.status).toBe(status);
    return res.body;
  }

  it.each<[string, z.ZodType]>([
    ['/api/devices', deviceListSchema],
    [`/api/devices/${deviceId}`, deviceSchema],
    [`/api/devices/${deviceId}/telemetry`, telemetrySeriesSchema],
    [`/api/devices/${deviceId}/events`, deviceEventListSchema],
    ['/api/fleet/summary', fleetSummarySchema],
    ['/api/health', healthSchema],
    ['/api/signing-key', signingKeySchema],
    ['/api/benchmarks/footprints', footprintsSchema],
  ])('GET %s', async (url, schema) => {
    expect(misfits(schema, await get(url))).toEqual([]);
  });

  it('the telemetry series has points, each of them fitting', async () => {
    const series = telemetrySeriesSchema.parse(await get(`/api/devices/${deviceId}/telemetry`));
    expect(series.points.length).toBeGreaterThan(0);
  });

  it('a provisioned device, with its token and the signing key', async () => {
    const res = await gw.api('POST', '/api/devices', {
      id: 'schema-new',
      board: 'nrf52840',
      vm: 'mips1',
    });
    expect(res.status).toBe(201);
    expect(misfits(createdDeviceSchema, res.body)).toEqual([]);
  });

  it('stored footprints, with the per-board tables', async () => {
    const res = await gw.api('POST', '/api/benchmarks/footprints', footprintFile());
    expect(res.status).toBe(200);
    const footprints = footprintsSchema.parse(res.body);
    expect(footprints.boards.flatMap((b) => b.rows).length).toBeGreaterThan(0);
    expect(misfits(footprintsSchema, footprints)).toEqual([]);
  });

  it('the Thing Monitor status reply', async () => {
    const res = await gw.api('POST', `/api/devices/${deviceId}/monitor`, { op: 'status' });
    expect(res.status).toBe(200);
    expect(misfits(monitorReplySchema('status'), res.body)).toEqual([]);
  });

  it('apps, a deployment and a benchmark campaign', async () => {
    const published = await publishApp(gw, 'schema-app', '1.0.0', firmwareImage('blink'));
    expect(misfits(appSchema, published)).toEqual([]);
    expect(misfits(appSchema, await get('/api/apps/schema-app/1.0.0'))).toEqual([]);
    const apps = appListSchema.parse(await get('/api/apps'));
    expect(apps.items.map((a) => a.name)).toContain('schema-app');
    expect(misfits(appListSchema, apps)).toEqual([]);

    const id = await deploy(gw, {
      app: { name: 'schema-app', version: '1.0.0' },
      target: { tag: 'schema' },
      healthWindowMs: 200,
    });
    await waitForDeployment(gw, id, 'completed', (d) => d.status === 'completed');
    const detail = deploymentDetailSchema.parse(await get(`/api/deployments/${id}`));
    expect(detail.targets).toHaveLength(1);
    expect(misfits(deploymentDetailSchema, detail)).toEqual([]);
    expect(misfits(deploymentListSchema, await get('/api/deployments'))).toEqual([]);
    // The rollout started the app: the VM's lifecycle is in the device's events now.
    const events = deviceEventListSchema.parse(await get(`/api/devices/${deviceId}/events`));
    expect(events.items.map((e) => e.kind)).toContain('vm');
    expect(misfits(deviceEventListSchema, events)).toEqual([]);

    const created = await gw.api('POST', '/api/benchmarks', {
      programs: ['fibonacci'],
      target: { devices: [deviceId] },
      repetitions: 1,
      native: false,
    });
    expect(created.status).toBe(201);
    expect(misfits(campaignSchema, created.body)).toEqual([]);
    const campaign = campaignSchema.parse(created.body);
    expect(misfits(campaignSchema, await get(`/api/benchmarks/${campaign.id}`))).toEqual([]);
    expect(misfits(campaignListSchema, await get('/api/benchmarks'))).toEqual([]);
    await waitFor(
      'a recorded run',
      async () => {
        const runs = runListSchema.parse(await get(`/api/benchmarks/${campaign.id}/runs`));
        return runs.items.length > 0 ? runs : null;
      },
      60_000,
    );
    expect(misfits(runListSchema, await get(`/api/benchmarks/${campaign.id}/runs`))).toEqual([]);
  }, 90_000);

  it('catches a renamed field, required or optional', async () => {
    const device = (await get(`/api/devices/${deviceId}`)) as Record<string, unknown>;
    const { online, revokedAt, ...rest } = device;
    expect(misfits(deviceSchema, { ...rest, revokedAt, isOnline: online })).toEqual([
      '$.online: Invalid input: expected boolean, received undefined',
      '$.isOnline: not in the schema',
    ]);
    expect(misfits(deviceSchema, { ...rest, online, revokedOn: revokedAt })).toEqual([
      '$.revokedOn: not in the schema',
    ]);
  });
});
