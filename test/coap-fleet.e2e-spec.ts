import type { VirtualDevice } from '../devices';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';
import { deploy, firmwareImage, publishApp, startDevices, waitForDeployment } from './support/ota';

/**
 * The domain cannot tell the transports apart: half the fleet on MQTT, half on CoAP, the
 * same telemetry, Thing Monitor session, injected event and rollout (with one rollback)
 * for both, and the same results per transport.
 */
describe('a mixed MQTT + CoAP fleet (e2e)', () => {
  let gw: TestGateway;
  let devices: VirtualDevice[] = [];

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await Promise.all(devices.map((d) => d.stop()));
    devices = [];
    await gw.stop();
  });

  const api = async (method: string, url: string, body?: unknown) => {
    const res = await gw.api(method, url, body);
    if (res.status >= 300)
      throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  it('serves both transports identically: telemetry, monitor, events, rollout and rollback', async () => {
    const mqtt = await startDevices(gw, {
      prefix: 'mq',
      count: 3,
      tags: ['mixed'],
      options: { telemetryIntervalMs: 200 },
    });
    const coap = await startDevices(gw, {
      prefix: 'co',
      count: 3,
      tags: ['mixed'],
      options: { transport: 'coap', coapUrl: gw.coapUrl, telemetryIntervalMs: 200 },
    });
    devices = [...mqtt, ...coap];
    const ids = devices.map((d) => d.id);
    const transportOf = (id: string) => (id.startsWith('mq') ? 'mqtt' : 'coap');

    // Presence and telemetry.
    await waitFor('every device online with telemetry', async () => {
      const list = (await api('GET', '/api/devices?tag=mixed')) as {
        items: { id: string; online: boolean; latest: unknown }[];
      };
      return list.items.length === 6 && list.items.every((d) => d.online && d.latest);
    });

    // A rollout: v1 healthy everywhere, then a faulty v2 rolled back everywhere.
    await publishApp(gw, 'mixed', '1.0.0', firmwareImage('button-counter'));
    await publishApp(gw, 'mixed', '2.0.0', firmwareImage('wild-store'));
    const target = { target: { tag: 'mixed' }, healthWindowMs: 300 };
    const v1 = await deploy(gw, { app: { name: 'mixed', version: '1.0.0' }, ...target });
    const done = await waitForDeployment(gw, v1, 'v1 completed', (d) => d.status === 'completed');
    expect(done.counts.healthy).toBe(6);

    // A Thing Monitor session and an injected button press on each device.
    for (const id of ids) {
      await waitFor(`${id} serving events`, async () => {
        const s = (await api('POST', `/api/devices/${id}/monitor`, { op: 'status' })) as {
          result: { phase: string };
        };
        return s.result.phase === 'serving';
      });
      const inject = (await api('POST', `/api/devices/${id}/monitor`, {
        op: 'inject',
        args: { event: 1 },
      })) as { result: { queued: boolean } };
      expect(inject.result.queued).toBe(true);
    }
    for (const id of ids) {
      await waitFor(`${id}: the press published`, async () => {
        const events = (await api('GET', `/api/devices/${id}/events?kind=publish`)) as {
          items: { name: string; value: number }[];
        };
        return events.items.some((e) => e.name === 'presses' && e.value === 1);
      });
      const regs = (await api('POST', `/api/devices/${id}/monitor`, { op: 'registers' })) as {
        result: { pc: number; registers: Record<string, number> };
      };
      expect(regs.result.pc).toBeGreaterThan(0);
    }

    const v2 = await deploy(gw, {
      app: { name: 'mixed', version: '2.0.0' },
      ...target,
      failureThreshold: 100,
    });
    const rolled = await waitForDeployment(gw, v2, 'v2 final on every device', (d) =>
      d.targets.every((t) => ['rolled-back', 'failed', 'healthy'].includes(t.state)),
    );

    // Identical outcomes per transport.
    const outcome = (transport: string) =>
      rolled.targets
        .filter((t) => transportOf(t.deviceId) === transport)
        .map((t) => `${t.state}/${t.code}/${t.history.map((h) => h.state).join('>')}`);
    expect(outcome('mqtt')).toHaveLength(3);
    expect(new Set(outcome('mqtt'))).toEqual(new Set(outcome('coap')));
    expect(rolled.targets.every((t) => t.state === 'rolled-back' && t.code === 'app_fault')).toBe(
      true,
    );
    for (const d of devices) {
      await waitFor(`${d.id} back on 1.0.0`, () => d.vmStatus().app?.version === '1.0.0');
    }
    const sent = rolled.targets.map((t) => t.bytesSent);
    expect(sent.every((b) => b === firmwareImage('wild-store').length)).toBe(true);
  });

  it('CoAP devices register and observe again after a gateway restart on the same port', async () => {
    devices = await startDevices(gw, {
      prefix: 'rs',
      count: 2,
      options: { transport: 'coap', coapUrl: gw.coapUrl, telemetryIntervalMs: 200 },
    });
    const online = async () =>
      Promise.all(
        devices.map(async (d) => (await gw.api('GET', `/api/devices/${d.id}`)).body.online),
      );
    await waitFor('both online', async () => (await online()).every(Boolean));
    const { dataDir, coapPort, apiToken } = gw;
    await gw.restartable();
    gw = await startTestGateway(
      { VMFLEET_COAP_PORT: String(coapPort), VMFLEET_API_TOKEN: apiToken },
      { dataDir },
    );
    await waitFor('both online again', async () => (await online()).every(Boolean), 15_000);
    for (const d of devices) {
      const res = await gw.api('POST', `/api/devices/${d.id}/monitor`, { op: 'status' });
      expect(res.status).toBe(200);
    }
  });
});
