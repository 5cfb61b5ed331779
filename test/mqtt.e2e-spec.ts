import type { MqttClient } from 'mqtt';
import { decodePayload, encodePayload, topicFor } from '../src/protocol';
import { cbor, hello, provision, telemetry } from './support/fixtures';
import { startTestGateway, TestGateway, waitFor } from './support/gateway';
import { closed, connectRaw, end, nextMessage, publish, subscribe } from './support/mqtt';

describe('device protocol over MQTT (e2e)', () => {
  let gw: TestGateway;
  const clients: MqttClient[] = [];

  async function connectDevice(id: string, token: string, will = true): Promise<MqttClient> {
    const client = await connectRaw(gw.mqttUrl, {
      clientId: id,
      username: id,
      password: token,
      will: will
        ? {
            topic: topicFor(id, 'status'),
            payload: cbor({ state: 'offline' }),
            qos: 1,
            retain: true,
          }
        : undefined,
    });
    clients.push(client);
    return client;
  }

  const device = async (id: string) => (await gw.api('GET', `/api/devices/${id}`)).body;

  beforeEach(async () => {
    gw = await startTestGateway({ VMFLEET_MQTT_MAX_PAYLOAD_BYTES: '4096' });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(end));
    await gw.stop();
  });

  it('refuses a wrong token, an unknown device and a username that is not the client id', async () => {
    const token = await provision(gw, 'dev-a');
    await expect(
      connectRaw(gw.mqttUrl, { clientId: 'dev-a', username: 'dev-a', password: 'wrong' }),
    ).rejects.toThrow(/Bad username or password/);
    await expect(
      connectRaw(gw.mqttUrl, { clientId: 'ghost', username: 'ghost', password: token }),
    ).rejects.toThrow(/Bad username or password/);
    await expect(
      connectRaw(gw.mqttUrl, { clientId: 'dev-a', username: 'dev-b', password: token }),
    ).rejects.toThrow(/Bad username or password/);
    await expect(connectRaw(gw.mqttUrl, { clientId: 'dev-a', username: 'dev-a' })).rejects.toThrow(
      /Bad username or password/,
    );
    const client = await connectDevice('dev-a', token);
    expect(client.connected).toBe(true);
  });

  it('marks a device online on hello with what it reported, offline by last will', async () => {
    const client = await connectDevice('dev-a', await provision(gw, 'dev-a'));
    await publish(client, topicFor('dev-a', 'hello'), cbor(hello));
    const online = await waitFor('online', async () =>
      (await device('dev-a')).online ? device('dev-a') : null,
    );
    expect(online).toMatchObject({
      vm: { kind: 'mips1', version: 'test/1' },
      firmware: 'riot-test',
      limits: hello.limits,
    });
    (client.stream as { destroy(): void }).destroy(); // no DISCONNECT: the broker publishes the will
    await waitFor('offline', async () => !(await device('dev-a')).online);
  });

  it('marks a device offline on a clean disconnect too', async () => {
    const client = await connectDevice('dev-a', await provision(gw, 'dev-a'), false);
    await publish(client, topicFor('dev-a', 'hello'), cbor(hello));
    await waitFor('online', async () => (await device('dev-a')).online);
    await end(client);
    await waitFor('offline', async () => !(await device('dev-a')).online);
  });

  it('stores telemetry, serves it downsampled and in the fleet summary', async () => {
    const client = await connectDevice('dev-a', await provision(gw, 'dev-a'));
    await publish(client, topicFor('dev-a', 'hello'), cbor(hello));
    for (let i = 0; i < 10; i++) {
      await publish(
        client,
        topicFor('dev-a', 'telemetry'),
        cbor(
          telemetry({
            uptimeMs: 1000 * i,
            ram: { used: 10000 + i * 100, peak: 11000, total: 262144 },
          }),
        ),
      );
    }
    const series = await waitFor('10 samples', async () => {
      const res = await gw.api('GET', '/api/devices/dev-a/telemetry?step=1h');
      return res.body.points[0]?.samples === 10 ? res.body : null;
    });
    expect(series.stepMs).toBe(3_600_000);
    expect(series.points[0]).toMatchObject({
      ramUsed: 10450,
      ramPeak: 11000,
      uptimeMs: 9000,
      vmState: 'idle',
    });
    const summary = (await gw.api('GET', '/api/fleet/summary')).body;
    expect(summary.devices).toEqual({ total: 1, online: 1 });
    expect(summary.byVm).toEqual([
      expect.objectContaining({
        key: 'mips1',
        total: 1,
        online: 1,
        ramUsed: 10900,
        ramTotal: 262144,
      }),
    ]);
    expect(summary.byBoard[0]).toMatchObject({ key: 'nrf52840', flashUsed: 60000 });
    const bad = await gw.api('GET', '/api/devices/dev-a/telemetry?from=yesterday');
    expect(bad).toMatchObject({ status: 400, body: { code: 'invalid_input' } });
  });

  it('keeps device A out of device B topics (subscribe and publish), disconnecting A', async () => {
    const b = await connectDevice('dev-b', await provision(gw, 'dev-b'));
    const tokenA = await provision(gw, 'dev-a');
    const a = await connectDevice('dev-a', tokenA);
    await subscribe(a, topicFor('dev-a', 'error'));
    const aClosed = closed(a);
    await subscribe(a, topicFor('dev-b', 'error')).catch(() => undefined);
    await aClosed;
    const a2 = await connectDevice('dev-a', tokenA);
    const a2Closed = closed(a2);
    a2.publish(topicFor('dev-b', 'hello'), cbor(hello), { qos: 0 });
    await a2Closed;
    expect((await device('dev-b')).online).toBe(false);
    await publish(b, topicFor('dev-b', 'hello'), cbor(hello));
    await waitFor('b online', async () => (await device('dev-b')).online);
  });

  it.each([
    ['malformed CBOR', Buffer.from([0xa1, 0x61]), 'malformed_cbor', 'cbor'],
    ['a CBOR array, not a map', encodePayload([1, 2], 'cbor'), 'not_a_map', 'cbor'],
    ['malformed JSON', Buffer.from('{"uptimeMs": '), 'malformed_json', 'json'],
    [
      'JSON of the wrong schema',
      Buffer.from(JSON.stringify({ uptimeMs: -1 })),
      'invalid_message',
      'json',
    ],
    ['an empty payload', Buffer.alloc(0), 'empty_payload', 'cbor'],
  ])(
    'answers %s on the error channel, in kind, and keeps the connection',
    async (_what, payload, code, encoding) => {
      const client = await connectDevice('dev-a', await provision(gw, 'dev-a'));
      await subscribe(client, topicFor('dev-a', 'error'));
      const answer = nextMessage(client, topicFor('dev-a', 'error'));
      await publish(client, topicFor('dev-a', 'telemetry'), payload);
      const decoded = decodePayload(await answer);
      expect(decoded.encoding).toBe(encoding);
      expect(decoded.value).toMatchObject({ code, channel: 'telemetry' });
      expect(client.connected).toBe(true);
      await publish(client, topicFor('dev-a', 'telemetry'), cbor(telemetry()));
      await waitFor(
        'valid sample stored after the bad one',
        async () => (await device('dev-a')).latest,
      );
      const metrics = await gw.api<string>('GET', '/metrics');
      expect(metrics.body).toMatch(
        new RegExp(`vmfleet_frames_rejected_total\\{code="${code}"\\} 1`),
      );
    },
  );

  it('names the offending field of an invalid message', async () => {
    const client = await connectDevice('dev-a', await provision(gw, 'dev-a'));
    await subscribe(client, topicFor('dev-a', 'error'));
    const answer = nextMessage(client, topicFor('dev-a', 'error'));
    await publish(
      client,
      topicFor('dev-a', 'telemetry'),
      cbor(telemetry({ ram: { used: 5000, peak: 10, total: 100 } })),
    );
    expect(decodePayload(await answer).value.message).toMatch(
      /ram: ram.used and ram.peak must not exceed ram.total/,
    );
  });

  it('disconnects a device sending an oversized packet without losing other devices data', async () => {
    const big = await connectDevice('dev-big', await provision(gw, 'dev-big'));
    const good = await connectDevice('dev-good', await provision(gw, 'dev-good'));
    const bigClosed = closed(big);
    big.publish(topicFor('dev-big', 'telemetry'), Buffer.alloc(64 * 1024, 0xa0), { qos: 0 });
    await bigClosed;
    for (let i = 0; i < 5; i++)
      await publish(good, topicFor('dev-good', 'telemetry'), cbor(telemetry({ uptimeMs: i })));
    await waitFor('good device samples', async () => {
      const res = await gw.api('GET', '/api/devices/dev-good/telemetry?step=1h');
      return res.body.points[0]?.samples === 5;
    });
    const health = await fetch(`${gw.httpUrl}/api/health`);
    expect(health.status).toBe(200);
    const metrics = await fetch(`${gw.httpUrl}/metrics`, {
      headers: { authorization: `Bearer ${gw.apiToken}` },
    });
    expect(await metrics.text()).toMatch(
      /vmfleet_mqtt_connections_refused_total\{reason="packet_too_large"\} 1/,
    );
  });

  it('answers a JSON-speaking device in JSON', async () => {
    const client = await connectDevice('dev-json', await provision(gw, 'dev-json'));
    await publish(client, topicFor('dev-json', 'hello'), JSON.stringify(hello));
    await waitFor('online', async () => (await device('dev-json')).online);
    await subscribe(client, topicFor('dev-json', 'error'));
    const answer = nextMessage(client, topicFor('dev-json', 'error'));
    await publish(client, topicFor('dev-json', 'telemetry'), '{"cpu": 2}');
    expect((await answer).toString('utf8')).toMatch(/^\{"code":"invalid_message"/);
  });
});
