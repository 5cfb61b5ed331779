import type { VirtualDevice } from '../devices';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';
import { startDevices } from './support/ota';

/** `/metrics` counts every transport's devices, each under its own label. */
describe('connected devices in /metrics (e2e)', () => {
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

  async function connected(): Promise<Record<string, number>> {
    const res = await gw.api<string>('GET', '/metrics');
    const counts: Record<string, number> = {};
    for (const m of res.body.matchAll(/^vmfleet_connected_devices\{transport="(\w+)"\} (\d+)$/gm)) {
      counts[m[1]] = Number(m[2]);
    }
    return counts;
  }

  it('reports MQTT and CoAP presence apart, and neither transport overwrites the other', async () => {
    expect(await connected()).toEqual({ mqtt: 0, coap: 0 });
    const mqtt = await startDevices(gw, { prefix: 'mq', count: 2 });
    const coap = await startDevices(gw, {
      prefix: 'co',
      count: 1,
      options: { transport: 'coap', coapUrl: gw.coapUrl },
    });
    devices = [...mqtt, ...coap];
    await waitFor('every device online', async () => {
      const list = (await gw.api('GET', '/api/devices')).body as { items: { online: boolean }[] };
      return list.items.length === 3 && list.items.every((d) => d.online);
    });
    expect(await connected()).toEqual({ mqtt: 2, coap: 1 });

    // An MQTT disconnect recounts MQTT only: the CoAP device still counts.
    await mqtt[0].stop();
    await waitFor('one MQTT device left', async () => (await connected()).mqtt === 1);
    expect(await connected()).toEqual({ mqtt: 1, coap: 1 });
  });
});
