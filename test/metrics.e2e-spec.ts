import type { MqttClient } from 'mqtt';
import type { VirtualDevice } from '../devices';
import { RawCoap } from './support/coap';
import { cbor, hello, provision } from './support/fixtures';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';
import { closed, connectRaw, end } from './support/mqtt';
import { startDevices } from './support/ota';

/** `/metrics` counts every transport's devices, each under its own label. */
describe('connected devices in /metrics (e2e)', () => {
  let gw: TestGateway;
  let devices: VirtualDevice[] = [];
  const clients: MqttClient[] = [];
  let coap: RawCoap | undefined;

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await Promise.all(devices.map((d) => d.stop()));
    devices = [];
    await Promise.all(clients.splice(0).map(end));
    coap?.close();
    coap = undefined;
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

  async function takeovers(): Promise<Record<string, number>> {
    const res = await gw.api<string>('GET', '/metrics');
    const counts: Record<string, number> = {};
    const line = /^vmfleet_session_takeovers_total\{transport="(\w+)"\} (\d+)$/gm;
    for (const m of res.body.matchAll(line)) counts[m[1]] = Number(m[2]);
    return counts;
  }

  it('counts a device taking over its own live session, per transport', async () => {
    const token = await provision(gw, 'dev-a');
    const options = { clientId: 'dev-a', username: 'dev-a', password: token };
    const first = await connectRaw(gw.mqttUrl, options);
    clients.push(first);
    const gone = closed(first);
    clients.push(await connectRaw(gw.mqttUrl, options));
    await gone; // [MQTT-3.1.4-2]: the broker closed the first connection

    const coapToken = await provision(gw, 'c-1');
    coap = await RawCoap.open(gw.coapPort);
    for (let i = 0; i < 3; i++) {
      const payload = cbor({ id: 'c-1', token: coapToken, hello });
      const res = await coap.request({ method: 'POST', url: '/v1/register', payload });
      expect(res.code).toBe('2.01');
    }
    expect(await takeovers()).toEqual({ mqtt: 1, coap: 2 });
  });
});
