import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  decodePayload,
  encodeBlockOption,
  encodePayload,
  parseBlockOption,
  type Registered,
} from '../src/protocol';
import { option, RawCoap, uint } from './support/coap';
import { cbor, hello, provision, telemetry } from './support/fixtures';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';
import { deploy, firmwareImage, publishApp } from './support/ota';

const LIMIT = 8192;
const body = (p: { payload: Buffer }) => decodePayload(p.payload).value;
/** A status result as docs/protocol.md §9.3 has it: the gateway checks every reply. */
const IDLE_STATUS = {
  state: 'idle',
  vm: 'mips1',
  app: null,
  phase: null,
  pc: 0,
  instructions: 0,
  pendingEvents: 0,
  guestMemoryBytes: 0,
  peakGuestBytes: 0,
  lastEnd: null,
};

describe('CoAP transport (e2e)', () => {
  let gw: TestGateway;
  let coap: RawCoap;

  beforeEach(async () => {
    gw = await startTestGateway({ VMFLEET_MQTT_MAX_PAYLOAD_BYTES: String(LIMIT) });
    coap = await RawCoap.open(gw.coapPort);
  });
  afterEach(async () => {
    coap.close();
    await gw.stop();
  });

  async function register(id: string, extra: Record<string, unknown> = {}): Promise<string> {
    const token = await provision(gw, id);
    const res = await coap.request({
      method: 'POST',
      url: '/v1/register',
      payload: cbor({ id, token, hello, ...extra }),
    });
    expect(res.code).toBe('2.01');
    return (body(res) as Registered).session;
  }

  async function samples(id: string): Promise<number> {
    const db = gw.app.get(DataSource);
    const rows = await db.query<{ n: number }[]>(
      'SELECT count(*) AS n FROM telemetry_samples WHERE device_id = ?',
      [id],
    );
    return Number(rows[0].n);
  }

  it('lists its resources in /.well-known/core (RFC 6690)', async () => {
    const res = await coap.request({ method: 'GET', url: '/.well-known/core' });
    expect(res.code).toBe('2.05');
    expect(uint(option(res, 'Content-Format'))).toBe(40);
    const links = res.payload.toString();
    for (const path of ['/v1/register', '/v1/down', '/v1/telemetry', '/v1/event', '/v1/ota']) {
      expect(links).toContain(`<${path}>`);
    }
    expect(links).toMatch(/<\/v1\/down>;[^,]*obs/);
  });

  it('registers with the device token and stores telemetry POSTed with the session', async () => {
    const session = await register('c-1');
    const res = await coap.request({
      method: 'POST',
      url: `/v1/telemetry?s=${session}`,
      payload: cbor(telemetry({ uptimeMs: 4242 })),
    });
    expect(res.code).toBe('2.04');
    expect(res.ack).toBe(true); // piggybacked on the ACK
    await waitFor('the sample stored', async () => (await samples('c-1')) === 1);
    const device = await gw.api('GET', '/api/devices/c-1');
    expect(device.body.latest.uptimeMs).toBe(4242);
  });

  it('answers 4.01, 4.00, 4.04, 4.05 and 4.15 with a reason, and keeps serving', async () => {
    const token = await provision(gw, 'c-2');
    const wrong = await coap.request({
      method: 'POST',
      url: '/v1/register',
      payload: cbor({ id: 'c-2', token: `${token}x`, hello }),
    });
    expect(wrong.code).toBe('4.01');
    expect(wrong.payload.toString()).toContain('bad device id or token');

    const malformed = await coap.request({
      method: 'POST',
      url: '/v1/register',
      payload: Buffer.from([0xbf, 0xff, 0x00, 0x13]),
    });
    expect(malformed.code).toBe('4.00');

    const noSession = await coap.request({
      method: 'POST',
      url: '/v1/telemetry?s=AAAAAAAAAAAAAAAAAAAAAA',
      payload: cbor(telemetry()),
    });
    expect(noSession.code).toBe('4.01');
    expect(noSession.payload.toString()).toContain('register again');

    const session = await register('c-3');
    const invalid = await coap.request({
      method: 'POST',
      url: `/v1/telemetry?s=${session}`,
      payload: cbor({ uptimeMs: -1 }),
    });
    expect(invalid.code).toBe('4.00');
    expect(body(invalid)).toMatchObject({ code: 'invalid_message', channel: 'telemetry' });

    const unknown = await coap.request({ method: 'GET', url: `/v1/nothing?s=${session}` });
    expect(unknown.code).toBe('4.04');
    const method = await coap.request({ method: 'PUT', url: `/v1/telemetry?s=${session}` });
    expect(method.code).toBe('4.05');
    const format = await coap.request({
      method: 'POST',
      url: `/v1/telemetry?s=${session}`,
      payload: Buffer.from('hello'),
      options: [{ name: 'Content-Format', value: Buffer.of(0) }],
    });
    expect(format.code).toBe('4.15');

    coap.send(Buffer.from('not a coap message at all'));
    coap.send(Buffer.alloc(0));
    const still = await coap.request({ method: 'GET', url: '/.well-known/core' });
    expect(still.code).toBe('2.05');
    expect(await samples('c-3')).toBe(0);
  });

  it('answers a repeated CON from the exchange cache without storing it twice', async () => {
    const session = await register('c-4');
    const d = coap.datagram({
      method: 'POST',
      url: `/v1/telemetry?s=${session}`,
      payload: cbor(telemetry({ uptimeMs: 1 })),
    });
    coap.send(d.bytes);
    const first = await coap.waitFor((p) => p.token.equals(d.token), 'first answer');
    coap.send(d.bytes); // a retransmission: same message id, same endpoint
    const second = await coap.waitFor((p) => p.token.equals(d.token), 'second answer');
    expect([first.code, second.code]).toEqual(['2.04', '2.04']);
    expect(second.messageId).toBe(d.messageId);
    // A later sample behind it on the same endpoint: once that one is stored, a duplicate
    // of the first would have been too (the uplink is ordered per device).
    const later = await coap.request({
      method: 'POST',
      url: `/v1/telemetry?s=${session}`,
      payload: cbor(telemetry({ uptimeMs: 2 })),
    });
    expect(later.code).toBe('2.04');
    await waitFor('the later sample stored', async () => (await samples('c-4')) >= 2);
    expect(await samples('c-4')).toBe(2);
  });

  it('answers NON with NON, and reassembles a Block1 upload', async () => {
    const session = await register('c-10');
    const non = await coap.request({
      method: 'POST',
      url: `/v1/telemetry?s=${session}`,
      payload: cbor(telemetry()),
      confirmable: false,
    });
    expect(non).toMatchObject({ code: '2.04', confirmable: false, ack: false });

    const body = cbor({ id: 'no-such-command', ok: true, result: { hex: 'ab'.repeat(1400) } });
    expect(body.length).toBeGreaterThan(2048);
    const token = Buffer.from('b1b1', 'hex');
    const codes: string[] = [];
    for (let num = 0; num * 1024 < body.length; num++) {
      const more = (num + 1) * 1024 < body.length;
      const answer = await coap.request({
        method: 'POST',
        url: `/v1/reply?s=${session}`,
        token,
        payload: body.subarray(num * 1024, (num + 1) * 1024),
        options: [{ name: 'Block1', value: encodeBlockOption({ num, more, size: 1024 }) }],
      });
      codes.push(answer.code);
    }
    // 2.31 Continue for every block but the last; the whole reply is then routed.
    expect(codes).toEqual(['2.31', '2.31', '2.04']);
  });

  it('refuses a body over the limit, in one datagram (4.13) or announced by Block1', async () => {
    const session = await register('c-5');
    const big = await coap.request({
      method: 'POST',
      url: `/v1/event?s=${session}`,
      payload: cbor({ name: 'x', value: 'y'.repeat(LIMIT) }),
    });
    expect(big.code).toBe('4.13');
    expect(uint(option(big, 'Size1'))).toBe(LIMIT);
    const hostile = await coap.request({
      method: 'POST',
      url: `/v1/event?s=${session}`,
      payload: Buffer.alloc(16),
      options: [
        { name: 'Block1', value: encodeBlockOption({ num: 1_000_000, more: false, size: 1024 }) },
      ],
    });
    expect(hostile.code).toBe('4.13');
    const still = await coap.request({ method: 'GET', url: '/.well-known/core' });
    expect(still.code).toBe('2.05');
  });

  it('delivers commands as Observe notifications and takes the reply by POST', async () => {
    const session = await register('c-6');
    const observe = coap.datagram({
      method: 'GET',
      url: `/v1/down?s=${session}`,
      options: [{ name: 'Observe', value: Buffer.alloc(0) }],
    });
    coap.send(observe.bytes);
    const first = await coap.waitFor((p) => p.token.equals(observe.token), 'registration answer');
    expect(first.code).toBe('2.05');
    expect(body(first)).toEqual({ channel: null });
    await waitFor('online', async () => (await gw.api('GET', '/api/devices/c-6')).body.online);

    const call = gw.api('POST', '/api/devices/c-6/monitor', { op: 'status' });
    const note = await coap.waitFor((p) => p.token.equals(observe.token), 'a notification');
    expect(uint(option(note, 'Observe'))).toBeGreaterThan(uint(option(first, 'Observe'))!);
    const cmd = body(note) as { channel: string; body: { id: string; op: string } };
    expect(cmd).toMatchObject({ channel: 'cmd', body: { op: 'status' } });
    const reply = await coap.request({
      method: 'POST',
      url: `/v1/reply?s=${session}`,
      payload: cbor({ id: cmd.body.id, ok: true, result: IDLE_STATUS }),
    });
    expect(reply.code).toBe('2.04');
    const res = await call;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ op: 'status', result: IDLE_STATUS });

    const bye = await coap.request({ method: 'DELETE', url: `/v1/register?s=${session}` });
    expect(bye.code).toBe('2.02');
    await waitFor('offline', async () => !(await gw.api('GET', '/api/devices/c-6')).body.online);
  });

  it('sends a notification too large for a datagram by Block2, and ends on Observe 1', async () => {
    const session = await register('c-9');
    const observe = coap.datagram({
      method: 'GET',
      url: `/v1/down?s=${session}`,
      options: [{ name: 'Observe', value: Buffer.alloc(0) }],
    });
    coap.send(observe.bytes);
    const first = await coap.waitFor((p) => p.token.equals(observe.token), 'registration answer');
    expect(uint(option(first, 'Max-Age'))).toBe(300);
    await waitFor('online', async () => (await gw.api('GET', '/api/devices/c-9')).body.online);

    const image = firmwareImage('tarfind').subarray(0, 3000);
    const call = gw.api('POST', '/api/devices/c-9/monitor', {
      op: 'load',
      args: { vm: 'mips1', image: Buffer.from(image).toString('base64') },
    });
    const note = await coap.waitFor((p) => p.token.equals(observe.token), 'a notification');
    const head = parseBlockOption(option(note, 'Block2')!)!;
    expect(head).toEqual({ num: 0, more: true, size: 1024 });
    const parts = [note.payload];
    for (let num = 1, more = true; more; num++) {
      const b = await coap.request({
        method: 'GET',
        url: `/v1/down?s=${session}`,
        options: [{ name: 'Block2', value: encodeBlockOption({ num, more: false, size: 1024 }) }],
      });
      expect(b.code).toBe('2.05');
      expect(option(b, 'ETag')).toEqual(option(note, 'ETag'));
      parts.push(b.payload);
      more = parseBlockOption(option(b, 'Block2')!)!.more;
    }
    const cmd = decodePayload(Buffer.concat(parts)).value as {
      channel: string;
      body: { id: string; op: string; args: { image: Uint8Array } };
    };
    expect(cmd).toMatchObject({ channel: 'cmd', body: { op: 'load' } });
    expect(Buffer.from(cmd.body.args.image)).toEqual(Buffer.from(image));
    await coap.request({
      method: 'POST',
      url: `/v1/reply?s=${session}`,
      payload: cbor({
        id: cmd.body.id,
        ok: false,
        error: { code: 'image_rejected', message: 'x' },
      }),
    });
    expect((await call).status).toBe(422);

    const cancel = await coap.request({
      method: 'GET',
      url: `/v1/down?s=${session}`,
      token: observe.token,
      options: [{ name: 'Observe', value: Buffer.of(1) }],
    });
    expect(cancel.code).toBe('2.05');
    const offline = await gw.api('POST', '/api/devices/c-9/monitor', { op: 'status' });
    expect(offline.status).toBe(409);
  });

  it('serves the deployed payload by Block2 from any block, and nothing else', async () => {
    const image = firmwareImage('tarfind');
    await publishApp(gw, 'big', '1.0.0', image);
    const session = await register('c-7');
    const id = await deploy(gw, {
      app: { name: 'big', version: '1.0.0' },
      target: { devices: ['c-7'] },
    });

    const get = (num: number, size: number, deployment = id) =>
      coap.request({
        method: 'GET',
        url: `/v1/ota/${deployment}?s=${session}`,
        options: [{ name: 'Block2', value: encodeBlockOption({ num, more: false, size }) }],
      });
    const block = await get(7, 64);
    expect(block.code).toBe('2.05');
    expect(block.payload).toEqual(Buffer.from(image.subarray(7 * 64, 8 * 64)));
    expect(parseBlockOption(option(block, 'Block2')!)).toEqual({ num: 7, more: true, size: 64 });

    // Resume anywhere, and read to the end with the largest block.
    const parts: Buffer[] = [];
    for (let num = 0, more = true; more; num++) {
      const b = await get(num, 1024);
      parts.push(b.payload);
      more = parseBlockOption(option(b, 'Block2')!)!.more;
    }
    const whole = Buffer.concat(parts);
    expect(createHash('sha256').update(whole).digest('hex')).toBe(
      createHash('sha256').update(image).digest('hex'),
    );
    expect((await get(Math.ceil(image.length / 16) + 1, 16)).code).toBe('4.02');
    expect((await get(0, 64, id + 1)).code).toBe('4.04');
    const view = await gw.api('GET', `/api/deployments/${id}`);
    expect(view.body.targets[0].bytesSent).toBeGreaterThanOrEqual(image.length);
  });

  it('answers in JSON to a device that speaks JSON', async () => {
    const token = await provision(gw, 'c-8');
    const res = await coap.request({
      method: 'POST',
      url: '/v1/register',
      payload: encodePayload({ id: 'c-8', token, hello, lifetime: 120 }, 'json'),
      options: [{ name: 'Content-Format', value: Buffer.of(50) }],
    });
    expect(res.code).toBe('2.01');
    expect(uint(option(res, 'Content-Format'))).toBe(50);
    expect(JSON.parse(res.payload.toString())).toMatchObject({ lifetime: 120 });
  });
});
