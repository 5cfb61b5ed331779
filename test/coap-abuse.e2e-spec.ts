import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as dgram from 'node:dgram';
import { parse, type ParsedPacket } from 'coap-packet';
import { decodePayload, encodeBlockOption, type Registered } from '../src/protocol';
import { option, RawCoap, uint } from './support/coap';
import { cbor, hello, provision, telemetry } from './support/fixtures';
import { startTestGateway, type TestGateway } from './support/gateway';
import { requireTool } from './support/system-tools';

const TIMEOUT_MS = 600;
const QUIET_MS = 400;

/** A bare socket that records every datagram the gateway sends it. */
class Listener {
  readonly got: Buffer[] = [];
  private constructor(
    readonly socket: dgram.Socket,
    private readonly port: number,
  ) {
    socket.on('message', (msg) => this.got.push(msg));
  }
  static async open(port: number): Promise<Listener> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new Listener(socket, port);
  }
  send(bytes: Buffer): void {
    this.socket.send(bytes, this.port, '127.0.0.1');
  }
  close(): void {
    this.socket.close();
  }
}

const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');
const quiet = () => new Promise((r) => setTimeout(r, QUIET_MS));
const block1 = (num: number, more: boolean) => ({
  name: 'Block1' as const,
  value: encodeBlockOption({ num, more, size: 1024 }),
});

describe('CoAP that cannot be abused (e2e, docs/protocol.md §11.4)', () => {
  let gw: TestGateway;
  let coap: RawCoap;
  let open: { close(): void }[];

  beforeEach(async () => {
    gw = await startTestGateway({
      VMFLEET_COAP_BLOCK1_TIMEOUT_MS: String(TIMEOUT_MS),
      VMFLEET_COAP_BLOCK1_PER_ENDPOINT: '2',
      VMFLEET_COAP_RATE: '20',
      VMFLEET_COAP_BURST: '40',
    });
    coap = await RawCoap.open(gw.coapPort);
    open = [coap];
  });
  afterEach(async () => {
    open.forEach((s) => s.close());
    await gw.stop();
  });

  async function listener(): Promise<Listener> {
    const l = await Listener.open(gw.coapPort);
    open.push(l);
    return l;
  }

  const tokens = new Map<string, string>();
  async function register(client: RawCoap, id: string): Promise<string> {
    const token = tokens.get(id) ?? (await provision(gw, id));
    tokens.set(id, token);
    const res = await client.request({
      method: 'POST',
      url: '/v1/register',
      payload: cbor({ id, token, hello }),
    });
    expect(res.code).toBe('2.01');
    return (decodePayload(res.payload).value as Registered).session;
  }

  it('answers no garbage, no RST, no reserved token length; a ping (empty CON) gets an RST', async () => {
    const l = await listener();
    for (let i = 0; i < 30; i++) l.send(randomBytes(1 + (i % 40)));
    // Version 1 headers that are still wrong: RFC 7252 §3 format errors.
    for (const bad of [
      '49 01 00 01 000000000000000000', // token length 9
      '4f 01 00 02', // token length 15
      '40 01 00 03 ff', // payload marker, no payload
      '40 01 00 04 b4 61', // option value past the end
      '40 20 00 05', // reserved class 1
      '41 00 00 06 aa', // empty with a token
      '50 00 00 07', // empty NON
      '70 00 00 08', // RST matching nothing
      '60 00 00 09', // ACK matching nothing
      '50 45 00 0a 61', // a NON response: we sent no request
    ]) {
      l.send(hex(bad));
    }
    await quiet();
    expect(l.got.map((b) => b.toString('hex'))).toEqual([]);

    l.send(hex('40 00 ab cd')); // CoAP ping
    await quiet();
    expect(l.got.map((b) => b.toString('hex'))).toEqual(['7000abcd']);
    const still = await coap.request({ method: 'GET', url: '/.well-known/core' });
    expect(still.code).toBe('2.05');
  });

  it('answers a token length of 8, the largest allowed, and echoes the token', async () => {
    const token = Buffer.from('0102030405060708', 'hex');
    const res = await coap.request({ method: 'GET', url: '/.well-known/core', token });
    expect(res.code).toBe('2.05');
    expect(res.token).toEqual(token);
  });

  it('refuses a session from another port (4.01) until the device registers from there', async () => {
    const session = await register(coap, 'ab-1');
    const other = await RawCoap.open(gw.coapPort);
    open.push(other);
    const post = (client: RawCoap, s: string) =>
      client.request({ method: 'POST', url: `/v1/telemetry?s=${s}`, payload: cbor(telemetry()) });
    const stolen = await post(other, session);
    expect(stolen.code).toBe('4.01');
    expect(stolen.payload.toString()).toContain('another address or port');
    expect((await post(coap, session)).code).toBe('2.04'); // the owner is not disturbed

    const moved = await register(other, 'ab-1'); // re-registering rebinds
    expect((await post(other, moved)).code).toBe('2.04');
    expect((await post(coap, moved)).code).toBe('4.01');
    expect((await post(coap, session)).code).toBe('4.01'); // the old session is over
  });

  it('refuses a Block1 upload without a session of this endpoint at its first block', async () => {
    const res = await coap.request({
      method: 'POST',
      url: '/v1/event?s=AAAAAAAAAAAAAAAAAAAAAA',
      payload: Buffer.alloc(1024),
      options: [block1(0, true)],
    });
    expect(res.code).toBe('4.01');
    const nowhere = await coap.request({
      method: 'POST',
      url: '/v1/nothing',
      payload: Buffer.alloc(1024),
      options: [block1(0, true)],
    });
    expect(nowhere.code).toBe('4.04');
    const held = await gw.api('GET', '/metrics');
    expect(held.body).toContain('vmfleet_coap_block1_held{measure="uploads"} 0');
  });

  it('answers 4.08 to a block out of order and after the timeout, and frees the upload', async () => {
    const session = await register(coap, 'ab-2');
    const send = (num: number, more: boolean, token: Buffer) =>
      coap.request({
        method: 'POST',
        url: `/v1/reply?s=${session}`,
        token,
        payload: Buffer.alloc(more ? 1024 : 10, 0x61),
        options: [block1(num, more)],
      });
    const t = Buffer.from('b1', 'hex');
    expect((await send(0, true, t)).code).toBe('2.31');
    const gap = await send(2, false, t);
    expect(gap.code).toBe('4.08');
    expect(gap.payload.toString()).toContain('expected byte 1024');

    expect((await send(0, true, t)).code).toBe('2.31');
    expect((await send(1, true, t)).code).toBe('2.31');
    const metrics = async () => (await gw.api('GET', '/metrics')).body as string;
    expect(await metrics()).toContain('vmfleet_coap_block1_held{measure="bytes"} 2048');
    await new Promise((r) => setTimeout(r, TIMEOUT_MS + 400));
    expect(await metrics()).toContain('vmfleet_coap_block1_held{measure="bytes"} 0');
    const late = await send(2, false, t);
    expect(late.code).toBe('4.08');
    expect(late.payload.toString()).toContain('start at block 0');
  });

  it('echoes Block1 on the final response, and Size1 on 4.13 (RFC 7959 §2.3, §2.9.3)', async () => {
    const session = await register(coap, 'ab-3');
    const body = cbor({ id: 'x', ok: true, result: { hex: 'ab'.repeat(700) } });
    const first = await coap.request({
      method: 'POST',
      url: `/v1/reply?s=${session}`,
      payload: body.subarray(0, 1024),
      options: [block1(0, true)],
    });
    expect(first.code).toBe('2.31');
    const last = await coap.request({
      method: 'POST',
      url: `/v1/reply?s=${session}`,
      payload: body.subarray(1024),
      options: [block1(1, false)],
    });
    expect(last.code).toBe('2.04');
    expect(option(last, 'Block1')).toEqual(encodeBlockOption({ num: 1, more: false, size: 1024 }));
    const big = await coap.request({
      method: 'POST',
      url: `/v1/reply?s=${session}`,
      payload: Buffer.alloc(1024),
      options: [block1(0, true), { name: 'Size1', value: Buffer.of(0x10, 0, 0, 0) }],
    });
    expect(big.code).toBe('4.13');
    expect(uint(option(big, 'Size1'))).toBe(65536);
  });

  it('drops requests over the rate limit of one endpoint, not of another', async () => {
    const l = await listener();
    const burst = 60;
    for (let i = 0; i < burst; i++) {
      const d = coap.datagram({ method: 'GET', url: '/.well-known/core', confirmable: false });
      l.send(d.bytes);
    }
    await quiet();
    const answered = l.got.map((b) => parse(b)).filter((p: ParsedPacket) => p.code === '2.05');
    // The burst of 40, and what 20/s refilled meanwhile.
    expect(answered.length).toBeGreaterThanOrEqual(40);
    expect(answered.length).toBeLessThan(55);
    const other = await coap.request({ method: 'GET', url: '/.well-known/core' });
    expect(other.code).toBe('2.05');
  });

  const withLibcoap = requireTool('coap-client-notls', 'libcoap3-bin') ? it : it.skip;
  withLibcoap('libcoap coap-client-notls: a session used from another port is 4.01', async () => {
    const session = await register(coap, 'ab-4');
    const out = await new Promise<string>((resolve) =>
      execFile(
        'coap-client-notls',
        [
          '-B',
          '3',
          '-m',
          'post',
          '-t',
          '50',
          '-e',
          JSON.stringify(telemetry()),
          `coap://127.0.0.1:${gw.coapPort}/v1/telemetry?s=${session}`,
        ],
        { timeout: 10_000 },
        (_err, stdout, stderr) => resolve(`${stdout}${stderr}`),
      ),
    );
    expect(out).toMatch(/4\.01/);
  });
});
