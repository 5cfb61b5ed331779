import type { VirtualDevice } from '../devices';
import { LeaseService } from '../src/cluster/lease.service';
import { DevicesService } from '../src/devices/devices.service';
import { decodePayload, type Registered } from '../src/protocol';
import { RawCoap } from './support/coap';
import { cbor, hello, provision } from './support/fixtures';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';
import { resetPostgres } from './support/postgres';
import { startDevices } from './support/ota';
import { describeWithEnv } from './support/system-tools';

const HINT =
  'start PostgreSQL (apt-get install postgresql; .ci/run shows how) and export VMFLEET_TEST_DATABASE_URL=postgres://user:pass@127.0.0.1:5432/db';

interface DeviceRow {
  id: string;
  online: boolean;
  transport?: string | null;
  instance?: string | null;
}

const instanceOf = (gw: TestGateway) => gw.app.get(LeaseService).instanceId;

async function deviceOf(gw: TestGateway, id: string): Promise<DeviceRow> {
  const res = await gw.api<DeviceRow>('GET', `/api/devices/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** Registers `id` at the gateway behind `coap` and observes its downlink: online from here. */
async function connectCoap(coap: RawCoap, id: string, token: string): Promise<string> {
  const res = await coap.request({
    method: 'POST',
    url: '/v1/register',
    payload: cbor({ id, token, hello }),
  });
  expect(res.code).toBe('2.01');
  const session = (decodePayload(res.payload).value as Registered).session;
  const observe = coap.datagram({
    method: 'GET',
    url: `/v1/down?s=${session}`,
    options: [{ name: 'Observe', value: Buffer.alloc(0) }],
  });
  coap.send(observe.bytes);
  const first = await coap.waitFor((p) => p.token.equals(observe.token), 'the observation');
  expect(first.code).toBe('2.05');
  return session;
}

describe('the transport and instance of a device in the device view (e2e)', () => {
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

  it('shows mqtt, mqtt-ws and coap with the instance, filters by transport, clears both offline', async () => {
    const [tcp] = await startDevices(gw, { prefix: 'tr-mqtt', count: 1 });
    const [ws] = await startDevices(gw, {
      prefix: 'tr-ws',
      count: 1,
      options: { mqttUrl: `${gw.httpUrl.replace(/^http/, 'ws')}/mqtt` },
    });
    const [coap] = await startDevices(gw, {
      prefix: 'tr-coap',
      count: 1,
      options: { transport: 'coap', coapUrl: gw.coapUrl },
    });
    devices = [tcp, ws, coap];
    const me = instanceOf(gw);
    const expected = { [tcp.id]: 'mqtt', [ws.id]: 'mqtt-ws', [coap.id]: 'coap' };

    const list = await waitFor('three devices online', async () => {
      const res = await gw.api<{ items: DeviceRow[] }>('GET', '/api/devices');
      return res.body.items.filter((d) => d.online).length === 3 ? res.body.items : null;
    });
    for (const d of list) {
      expect({ id: d.id, transport: d.transport, instance: d.instance }).toEqual({
        id: d.id,
        transport: expected[d.id],
        instance: me,
      });
    }

    const onlyCoap = await gw.api<{ items: DeviceRow[] }>('GET', '/api/devices?transport=coap');
    expect(onlyCoap.body.items.map((d) => d.id)).toEqual([coap.id]);
    const bad = await gw.api('GET', '/api/devices?transport=zigbee');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('transport');

    await coap.stop();
    await tcp.stop();
    for (const id of [coap.id, tcp.id]) {
      await waitFor(`${id} offline`, async () => !(await deviceOf(gw, id)).online);
      expect(await deviceOf(gw, id)).toMatchObject({ transport: null, instance: null });
    }
    expect(await deviceOf(gw, ws.id)).toMatchObject({ online: true, transport: 'mqtt-ws' });
  }, 60_000);
});

describeWithEnv(
  'VMFLEET_TEST_DATABASE_URL',
  HINT,
  'a CoAP device moving between two instances on one PostgreSQL (e2e)',
  (url) => {
    let a: TestGateway | undefined;
    let b: TestGateway | undefined;
    const raw: RawCoap[] = [];
    /** The instances read it from the environment (ClusterModule): a short one, as in cluster.e2e. */
    const TTL = 3000;

    beforeEach(async () => {
      process.env.VMFLEET_LEASE_TTL_MS = String(TTL);
      await resetPostgres(url);
    }, 60_000);

    async function startA(): Promise<TestGateway> {
      a = await startTestGateway({ VMFLEET_DATABASE_URL: url });
      return a;
    }
    afterEach(async () => {
      raw.splice(0).forEach((r) => r.close());
      await b?.stop();
      await a?.stop();
      a = b = undefined;
      delete process.env.VMFLEET_LEASE_TTL_MS;
    });

    it('is taken over by the instance it registers with; the old session ending leaves it online', async () => {
      const a = await startA();
      const id = 'moving-01';
      const token = await provision(a, id);
      const toA = await RawCoap.open(a.coapPort);
      const toB = () => RawCoap.open(b!.coapPort);
      raw.push(toA);
      const sessionA = await connectCoap(toA, id, token);
      await waitFor('online at A', async () => (await deviceOf(a, id)).instance === instanceOf(a));

      // A second instance starting marks offline only what it held itself.
      b = await startTestGateway({ VMFLEET_DATABASE_URL: url });
      expect(await deviceOf(b, id)).toMatchObject({ online: true, instance: instanceOf(a) });

      // The device (its address moved by the balancer) registers with B: B holds it now.
      const viaB = await toB();
      raw.push(viaB);
      const sessionB = await connectCoap(viaB, id, token);
      await waitFor('held by B', async () => (await deviceOf(a, id)).instance === instanceOf(b!));

      // A still has its own session with an open observation, but must not send into it.
      const command = await a.api('POST', `/api/devices/${id}/monitor`, { op: 'status' });
      expect(command.status).toBe(409);
      expect(command.body).toMatchObject({ code: 'device_elsewhere' });
      expect(command.body.message).toContain(`"${instanceOf(b)}"`);

      // A's session ends (as when it expires): stale, so the device stays online on B.
      const aOffline = jest.spyOn(a.app.get(DevicesService), 'onOffline');
      const bye = await toA.request({ method: 'DELETE', url: `/v1/register?s=${sessionA}` });
      expect(bye.code).toBe('2.02');
      await waitFor('A applied the end of its session', () => aOffline.mock.results.length === 1);
      await aOffline.mock.results[0].value;
      expect(await deviceOf(a, id)).toMatchObject({
        online: true,
        transport: 'coap',
        instance: instanceOf(b),
      });

      // B's own session ending does take it offline.
      const end = await viaB.request({ method: 'DELETE', url: `/v1/register?s=${sessionB}` });
      expect(end.code).toBe('2.02');
      await waitFor('offline', async () => !(await deviceOf(a, id)).online);
      expect(await deviceOf(a, id)).toMatchObject({ transport: null, instance: null });
    }, 60_000);

    it('sets the devices of a stopped instance offline once its lease is gone, not those of a live one', async () => {
      const first = await startA();
      const id = 'orphan-01';
      const token = await provision(first, id);
      const toA = await RawCoap.open(first.coapPort);
      raw.push(toA);
      await connectCoap(toA, id, token);
      await waitFor('online at A', async () => (await deviceOf(first, id)).online);
      const connected = Date.now();
      b = await startTestGateway({ VMFLEET_DATABASE_URL: url });

      // B's sweeps, once the device is older than a TTL (younger ones are never swept).
      const service = b.app.get(DevicesService);
      const sweep = service.sweepOrphans.bind(service);
      const late: Promise<number>[] = [];
      jest.spyOn(service, 'sweepOrphans').mockImplementation(() => {
        const swept = sweep();
        if (Date.now() > connected + TTL + 100) late.push(swept);
        return swept;
      });
      await waitFor('a sweep by B past the TTL', () => late.length > 0, 10_000);
      expect(await late[0]).toBe(0);
      expect(await deviceOf(b, id)).toMatchObject({ online: true, instance: instanceOf(first) });

      // A stops (its CoAP sessions end without a word to the database): B sweeps the device.
      await first.stop();
      a = undefined;
      await waitFor('offline by B', async () => !(await deviceOf(b!, id)).online, 10_000);
      expect(await deviceOf(b, id)).toMatchObject({ transport: null, instance: null });
      expect(await Promise.all(late)).toContain(1);
    }, 60_000);
  },
);
