import type { MqttClient } from 'mqtt';
import { decodePayload, topicFor } from '../src/protocol';
import { cbor, provision } from './support/fixtures';
import { startTestGateway, TestGateway, waitFor } from './support/gateway';
import { connectRaw, end, publish, subscribe } from './support/mqtt';

/** A raw MQTT client standing in for a device: answers each cmd with `answer(cmd)`. */
async function fakeDevice(
  gw: TestGateway,
  id: string,
  answer: (cmd: Record<string, any>) => object | null,
) {
  const token = await provision(gw, id);
  const client = await connectRaw(gw.mqttUrl, { clientId: id, username: id, password: token });
  await subscribe(client, topicFor(id, 'cmd'));
  const seen: Record<string, any>[] = [];
  client.on('message', (topic, payload) => {
    if (topic !== topicFor(id, 'cmd')) return;
    const cmd = decodePayload(payload).value;
    seen.push(cmd);
    const reply = answer(cmd);
    // The gateway answers the REST call when the reply arrives; its PUBACK (sent once the
    // reply is applied) may still be in flight when the test hangs up: that is no failure.
    if (reply) publish(client, topicFor(id, 'reply'), cbor(reply)).catch(() => undefined);
  });
  return { client, seen };
}

describe('Thing Monitor and events, gateway side (e2e)', () => {
  let gw: TestGateway;
  let device: MqttClient | undefined;

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await end(device);
    await gw.stop();
  });

  it('sends a command with a correlation id and returns the matching reply', async () => {
    const d = await fakeDevice(gw, 'tm-1', (cmd) => ({
      id: cmd.id,
      ok: true,
      result: { pc: 4096, instructions: 10, executed: cmd.args?.n, outcome: 'stepped' },
    }));
    device = d.client;
    const res = await gw.api('POST', '/api/devices/tm-1/monitor', { op: 'step', args: { n: 10 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      op: 'step',
      result: { pc: 4096, instructions: 10, executed: 10, outcome: 'stepped' },
    });
    expect(d.seen[0]).toMatchObject({ id: res.body.id, op: 'step', args: { n: 10 } });
  });

  it('carries a load image as bytes to the device', async () => {
    const d = await fakeDevice(gw, 'tm-1', (cmd) => ({
      id: cmd.id,
      ok: true,
      result: {
        loadTimeMs: 0.5,
        imageBytes: cmd.args.image.length,
        guestMemoryBytes: 65536,
        state: 'loaded',
      },
    }));
    device = d.client;
    const image = Buffer.from([1, 2, 3, 250]).toString('base64');
    const res = await gw.api('POST', '/api/devices/tm-1/monitor', {
      op: 'load',
      args: { vm: 'mips1', image },
    });
    expect(res.body.result).toEqual({
      loadTimeMs: 0.5,
      imageBytes: 4,
      guestMemoryBytes: 65536,
      state: 'loaded',
    });
    // A CBOR byte string (no tag 64 since the RFC 8949 fix) decodes as a Buffer: compare bytes.
    expect(Uint8Array.from(d.seen[0].args.image)).toEqual(new Uint8Array([1, 2, 3, 250]));
  });

  it('maps a device error to 422 with its code, silence to 504, absence to 409', async () => {
    const d = await fakeDevice(gw, 'tm-1', (cmd) =>
      cmd.op === 'status'
        ? null
        : {
            id: cmd.id,
            ok: false,
            error: { code: 'bad_state', message: 'running: stop it first' },
          },
    );
    device = d.client;
    const refused = await gw.api('POST', '/api/devices/tm-1/monitor', {
      op: 'step',
      args: { n: 1 },
    });
    expect(refused).toMatchObject({
      status: 422,
      body: { code: 'bad_state', message: 'tm-1: running: stop it first' },
    });
    const silent = await gw.api('POST', '/api/devices/tm-1/monitor', {
      op: 'status',
      timeoutMs: 300,
    });
    expect(silent).toMatchObject({ status: 504, body: { code: 'device_timeout' } });
    await provision(gw, 'tm-offline');
    const offline = await gw.api('POST', '/api/devices/tm-offline/monitor', { op: 'status' });
    expect(offline).toMatchObject({ status: 409, body: { code: 'device_offline' } });
    const bad = await gw.api('POST', '/api/devices/tm-1/monitor', { op: 'step', args: { n: 0 } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'invalid_input' } });
  });

  it('answers 502 invalid_reply for a reply whose result breaks its contract, and keeps going', async () => {
    let answer: 'broken' | 'good' = 'broken';
    const d = await fakeDevice(gw, 'tm-1', (cmd) => ({
      id: cmd.id,
      ok: true,
      result:
        answer === 'broken'
          ? { pc: -4, executed: 'ten' }
          : { pc: 8, instructions: 1, executed: 1, outcome: 'stepped' },
    }));
    device = d.client;
    const broken = await gw.api('POST', '/api/devices/tm-1/monitor', {
      op: 'step',
      args: { n: 1 },
    });
    expect(broken).toMatchObject({ status: 502, body: { code: 'invalid_reply' } });
    expect(broken.body.message).toMatch(/tm-1/);
    expect(broken.body.message).toMatch(/executed/);
    answer = 'good';
    const good = await gw.api('POST', '/api/devices/tm-1/monitor', { op: 'step', args: { n: 1 } });
    expect(good).toMatchObject({ status: 200, body: { result: { pc: 8, outcome: 'stepped' } } });
  });

  it('fails a command at once when its device disconnects before answering', async () => {
    const d = await fakeDevice(gw, 'tm-gone', () => null);
    device = d.client;
    const started = Date.now();
    const call = gw.api('POST', '/api/devices/tm-gone/monitor', {
      op: 'status',
      timeoutMs: 20_000,
    });
    await waitFor('the command sent', async () => d.seen.length === 1);
    d.client.stream.destroy(); // the link drops, no DISCONNECT
    expect(await call).toMatchObject({ status: 409, body: { code: 'device_offline' } });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('ignores a reply from another device that guesses the id', async () => {
    const d = await fakeDevice(gw, 'tm-1', () => null);
    device = d.client;
    const other = await fakeDevice(gw, 'tm-2', () => null);
    try {
      const pending = gw.api('POST', '/api/devices/tm-1/monitor', { op: 'status', timeoutMs: 500 });
      await waitFor('cmd seen', () => d.seen.length === 1);
      await publish(
        other.client,
        topicFor('tm-2', 'reply'),
        cbor({ id: d.seen[0].id, ok: true, result: 'forged' }),
      );
      expect((await pending).status).toBe(504);
    } finally {
      await end(other.client);
    }
  });

  it('stores device events, lists them and streams new ones (SSE)', async () => {
    const d = await fakeDevice(gw, 'ev-1', (cmd) => ({
      id: cmd.id,
      ok: true,
      result: { queued: true },
    }));
    device = d.client;
    const controller = new AbortController();
    const stream = await fetch(`${gw.httpUrl}/api/devices/ev-1/events/stream`, {
      headers: { authorization: `Bearer ${gw.apiToken}` },
      signal: controller.signal,
    });
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = stream.body!.getReader();
    await publish(
      device,
      topicFor('ev-1', 'event'),
      cbor({ kind: 'publish', name: 'presses', value: 3 }),
    );
    await publish(
      device,
      topicFor('ev-1', 'event'),
      cbor({
        kind: 'vm',
        state: 'faulted',
        fault: { code: 'bad_address', pc: 4100, address: 0, message: 'store outside memory' },
      }),
    );
    let text = '';
    while (!text.includes('faulted')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toMatch(/event: publish\nid: \d+\ndata: \{[^\n]*"name":"presses","value":3/);
    const listed = await gw.api('GET', '/api/devices/ev-1/events');
    expect(listed.body.items.map((e: { kind: string }) => e.kind)).toEqual(['publish', 'vm']);
    expect(listed.body.items[1]).toMatchObject({
      deviceId: 'ev-1',
      state: 'faulted',
      fault: { code: 'bad_address' },
    });
    const onlyVm = await gw.api('GET', '/api/devices/ev-1/events?kind=vm');
    expect(onlyVm.body.items).toHaveLength(1);
    const injected = await gw.api('POST', '/api/devices/ev-1/events', { event: 'button' });
    expect(injected).toMatchObject({ status: 202, body: { queued: true } });
    expect(d.seen.at(-1)).toMatchObject({ op: 'inject', args: { event: 1, value: 0 } });
  });
});
