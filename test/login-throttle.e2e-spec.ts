import * as http from 'node:http';
import * as net from 'node:net';
import * as mqttPacket from 'mqtt-packet';
import { option, RawCoap, uint } from './support/coap';
import { cbor, hello, provision } from './support/fixtures';
import { startTestGateway, TestGateway } from './support/gateway';

/** One MQTT 3.1.1 CONNECT from `localAddress`; resolves with the CONNACK return code. */
function connectOnce(
  port: number,
  id: string,
  token: string,
  localAddress = '127.0.0.1',
): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const timer = setTimeout(() => (socket.destroy(), reject(new Error('no CONNACK'))), 5000);
    parser.on('packet', (packet) => {
      if (packet.cmd !== 'connack') return;
      clearTimeout(timer);
      socket.destroy();
      resolve(packet.returnCode ?? -1);
    });
    socket.on('data', (d: Buffer) => parser.parse(d));
    socket.on('error', (err) => (clearTimeout(timer), reject(err)));
    socket.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: id,
        username: id,
        password: Buffer.from(token),
        keepalive: 30,
      }),
    );
  });
}

describe('login throttling (e2e)', () => {
  let gw: TestGateway;
  let token: string;

  beforeEach(async () => {
    gw = await startTestGateway();
    token = await provision(gw, 'dev-a');
  });
  afterEach(() => gw.stop());

  it('slows 2,000 wrong logins in a row while the device still connects from its address', async () => {
    // The device's own address (another loopback address than the attacker's).
    expect(await connectOnce(gw.mqttPort, 'dev-a', token, '127.0.0.2')).toBe(0);
    const codes = new Map<number, number>();
    const started = performance.now();
    for (let i = 0; i < 2000; i++) {
      const code = await connectOnce(gw.mqttPort, 'dev-a', `wrong-${i}`, '127.0.0.1');
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    const seconds = (performance.now() - started) / 1000;
    const checked = codes.get(4) ?? 0; // 0x04: the token was checked and was wrong
    const throttled = codes.get(5) ?? 0; // 0x05: refused unchecked (throttled)
    process.stdout.write(
      `2000 wrong logins in ${seconds.toFixed(1)} s: ${checked} checked (${(checked / seconds).toFixed(1)}/s), ${throttled} throttled\n`,
    );
    expect(checked + throttled).toBe(2000);
    // 5 free failures, then 1 s doubling: at most 5 + log2(seconds) + 1 token checks.
    expect(checked).toBeLessThanOrEqual(5 + Math.ceil(Math.log2(seconds + 1)) + 1);
    // The right device from its own address connects at once, and so the attacker's address.
    expect(await connectOnce(gw.mqttPort, 'dev-a', token, '127.0.0.2')).toBe(0);
    expect(await connectOnce(gw.mqttPort, 'dev-a', token, '127.0.0.1')).toBe(5);
  }, 60_000);

  it('throttles guesses at a device from many addresses, except from its own last address', async () => {
    expect(await connectOnce(gw.mqttPort, 'dev-a', token, '127.0.0.2')).toBe(0);
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) {
      codes.push(await connectOnce(gw.mqttPort, 'dev-a', 'wrong', `127.0.1.${i + 1}`));
    }
    expect(codes.slice(0, 5)).toEqual([4, 4, 4, 4, 4]);
    expect(codes.slice(6)).toEqual(Array(14).fill(5));
    expect(await connectOnce(gw.mqttPort, 'dev-a', token, '127.0.0.2')).toBe(0);
  });

  it('answers wrong API tokens with 429 and Retry-After once throttled', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${gw.httpUrl}/api/devices`, {
        headers: { authorization: `Bearer wrong-token-${i}` },
      });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.body?.cancel();
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // The right token from the throttled address waits too (a right guess must look like a wrong one) …
    expect((await gw.api('GET', '/api/devices')).status).toBe(429);
    // … but not from another address.
    const other = await new Promise<number | undefined>((resolve, reject) => {
      const req = http.get(
        `${gw.httpUrl}/api/devices`,
        { localAddress: '127.0.0.2', headers: { authorization: `Bearer ${gw.apiToken}` } },
        (res) => (res.resume(), resolve(res.statusCode)),
      );
      req.on('error', reject);
    });
    expect(other).toBe(200);
  });
});

describe('login throttling over CoAP (e2e)', () => {
  let gw: TestGateway;
  let coap: RawCoap;

  beforeEach(async () => {
    // The per-endpoint rate limit off: this is about the login throttle alone.
    gw = await startTestGateway({ VMFLEET_COAP_RATE: '0' });
    coap = await RawCoap.open(gw.coapPort);
  });
  afterEach(async () => {
    coap.close();
    await gw.stop();
  });

  const register = (id: string, token: string) =>
    coap.request({ method: 'POST', url: '/v1/register', payload: cbor({ id, token, hello }) });

  it('slows wrong-token registrations with 4.29 and Max-Age; the device registers from its address', async () => {
    const tokenA = await provision(gw, 'dev-a');
    await provision(gw, 'dev-b');
    expect((await register('dev-a', tokenA)).code).toBe('2.01');
    const codes = new Map<string, number>();
    let maxAge: number | undefined;
    const started = performance.now();
    for (let i = 0; i < 300; i++) {
      const res = await register('dev-b', `wrong-${i}`);
      codes.set(res.code, (codes.get(res.code) ?? 0) + 1);
      const age = option(res, 'Max-Age');
      if (res.code === '4.29' && age) maxAge = uint(age);
    }
    const seconds = (performance.now() - started) / 1000;
    const checked = codes.get('4.01') ?? 0;
    expect(checked + (codes.get('4.29') ?? 0)).toBe(300);
    expect(checked).toBeLessThanOrEqual(5 + Math.ceil(Math.log2(seconds + 1)) + 1);
    expect(maxAge).toBeGreaterThanOrEqual(1);
    // dev-a's own address is that of the guesses, and it still registers.
    expect((await register('dev-a', tokenA)).code).toBe('2.01');
  }, 60_000);

  it('counts wrong MQTT logins and CoAP registrations together', async () => {
    const token = await provision(gw, 'dev-c');
    for (let i = 0; i < 6; i++) await connectOnce(gw.mqttPort, 'dev-c', 'wrong');
    // Throttled by the MQTT guesses: the right token is not even checked.
    expect((await register('dev-c', token)).code).toBe('4.29');
  });
});
