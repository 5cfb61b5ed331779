import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import { generate, type OptionName, parse } from 'coap-packet';
import { decodePayload, encodeBlockOption, type Registered } from '../src/protocol';
import { cbor, hello } from './support/fixtures';
import { GatewayProcess } from './support/gateway-process';
import { waitFor } from './support/gateway';

const ENDPOINTS = 1_000;
const BLOCKS = 63;
const DEVICES = 20;
const TIMEOUT_MS = 5_000;
const FLOOD_MS = 15_000;
/** 60,000 requests in all: more than the exchange cache keeps, so it evicts. */
const SMALL_REQUESTS = 60;
/**
 * RSS growth allowed: 50,000 cached exchanges (src/coap/coap-gateway.ts EXCHANGES_MAX) of
 * ~450 bytes, and the garbage of 60,000 requests V8 has not collected yet. Without the
 * entry cap and the dropped senders, 80,000 such requests grew RSS by ~300 MB.
 */
const EXCHANGES_GROWTH_BOUND_MB = 160;
/** RSS growth allowed during the flood: the 16 MiB the caps allow at most in bodies (256 × 64 KiB), and room. */
const RSS_GROWTH_BOUND_MB = 40;

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function openSocket(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

function uploadBlock(url: string, num: number, messageId: number): Buffer {
  const [path, query] = url.split('?');
  const options: { name: OptionName; value: Buffer }[] = path
    .split('/')
    .filter(Boolean)
    .map((seg) => ({ name: 'Uri-Path' as const, value: Buffer.from(seg) }));
  if (query) options.push({ name: 'Uri-Query' as const, value: Buffer.from(query) });
  return generate({
    code: '0.02',
    messageId,
    token: Buffer.of(num & 0xff, messageId & 0xff),
    confirmable: true,
    options: [
      ...options,
      { name: 'Block1', value: encodeBlockOption({ num, more: true, size: 1024 }) },
    ],
    payload: Buffer.alloc(1024, num),
  });
}

/**
 * The reported attack, measured on the gateway process (docs/protocol.md §11.4): 1,000
 * endpoints send 63 blocks of 1 KiB each and never finish, without credentials (as
 * registrations) and with them (registered sessions, several bodies each). The gateway's
 * RSS stays within a bound, what it holds is capped, and all of it goes at the timeout.
 */
describe('a flood of unfinished CoAP Block1 uploads (e2e, gateway process)', () => {
  let gw: GatewayProcess;
  let sockets: dgram.Socket[] = [];

  beforeAll(async () => {
    gw = await GatewayProcess.start({ VMFLEET_COAP_BLOCK1_TIMEOUT_MS: String(TIMEOUT_MS) });
  }, 90_000);
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await gw.stop();
  });

  const held = async () => {
    // /metrics is text, which api() would parse as JSON.
    const res = await fetch(`${gw.httpUrl}/metrics`, {
      headers: { authorization: `Bearer ${gw.apiToken}` },
    });
    const text = await res.text();
    const value = (m: string) =>
      Number(new RegExp(`vmfleet_coap_block1_held\\{measure="${m}"\\} (\\d+)`).exec(text)![1]);
    return { uploads: value('uploads'), bytes: value('bytes') };
  };

  async function registerDevice(socket: dgram.Socket, id: string): Promise<string> {
    const res = await gw.api<{ token: string }>('POST', '/api/devices', {
      id,
      board: 'esp32',
      vm: 'mips1',
    });
    const answer = new Promise<Buffer>((resolve) => socket.once('message', resolve));
    const options = ['v1', 'register'].map((seg) => ({
      name: 'Uri-Path' as const,
      value: Buffer.from(seg),
    }));
    const datagram = generate({
      code: '0.02',
      messageId: 1,
      token: Buffer.of(1),
      confirmable: true,
      options,
      payload: cbor({ id, token: res.body.token, hello }),
    });
    socket.send(datagram, gw.coapPort, '127.0.0.1');
    const packet = parse(await answer);
    expect(packet.code).toBe('2.01');
    return (decodePayload(packet.payload).value as Registered).session;
  }

  it('keeps RSS within a bound and frees everything at the timeout', async () => {
    const pid = gw.pid!;
    const devices = await Promise.all(Array.from({ length: DEVICES }, () => openSocket()));
    const sessions: string[] = [];
    for (let i = 0; i < DEVICES; i++) sessions.push(await registerDevice(devices[i], `fl-${i}`));
    const anonymous = await Promise.all(Array.from({ length: ENDPOINTS }, () => openSocket()));
    sockets = [...devices, ...anonymous];
    const answers = new Map<string, number>();
    const waiting = new Map<dgram.Socket, (code: string) => void>();
    for (const s of sockets) {
      s.on('message', (msg) => {
        const code = parse(msg).code;
        answers.set(code, (answers.get(code) ?? 0) + 1);
        waiting.get(s)?.(code);
      });
    }
    // Each device sends three bodies at once; each anonymous endpoint one registration.
    const targets: { socket: dgram.Socket; url: string }[] = [
      ...anonymous.map((socket) => ({ socket, url: '/v1/register' })),
      ...devices.flatMap((socket, i) =>
        ['event', 'reply', 'telemetry'].map((c) => ({ socket, url: `/v1/${c}?s=${sessions[i]}` })),
      ),
    ];
    await sleep(1000);
    const before = rssBytes(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 50);
    let sent = 0;
    const started = Date.now();
    const deadline = started + FLOOD_MS;
    // A patient attacker: the next block once the last was taken, block 0 again when
    // refused, never the final block; one body in flight per socket at a time.
    const busy = new Set<dgram.Socket>();
    const attack = async (t: { socket: dgram.Socket; url: string }, i: number) => {
      let messageId = i * 64;
      for (let num = 0; Date.now() < deadline;) {
        while (busy.has(t.socket)) await sleep(5);
        busy.add(t.socket);
        const code = await new Promise<string>((resolve) => {
          const timer = setTimeout(() => resolve('timeout'), 1000);
          waiting.set(t.socket, (c) => {
            clearTimeout(timer);
            resolve(c);
          });
          const datagram = uploadBlock(t.url, num, (messageId = (messageId + 1) & 0xffff));
          t.socket.send(datagram, gw.coapPort, '127.0.0.1');
          sent++;
        });
        waiting.delete(t.socket);
        busy.delete(t.socket);
        if (code === '2.31') num = Math.min(num + 1, BLOCKS - 1);
        else if (code !== 'timeout') {
          num = 0;
          await sleep(200);
        }
      }
    };
    await Promise.all(targets.map((t, i) => attack(t, i)));
    const floodMs = Date.now() - started;
    await sleep(500);
    const during = await held();
    clearInterval(sampler);
    peak = Math.max(peak, rssBytes(pid));

    await waitFor('every upload dropped', async () => (await held()).uploads === 0, 15_000);
    const freed = await held();
    await sleep(2000);
    const after = rssBytes(pid);
    const mb = (b: number) => (b / MiB).toFixed(1);
    const report = {
      datagrams: sent,
      floodMs,
      heldDuring: { uploads: during.uploads, MiB: mb(during.bytes) },
      heldAfterTimeout: freed,
      rssMiB: { before: mb(before), peak: mb(peak), afterTimeout: mb(after) },
      answers: Object.fromEntries(answers),
    };
    process.stdout.write(`coap-flood: ${JSON.stringify(report)}\n`);

    // Anonymous: a quarter of 256 slots; each device: 2 (the default per endpoint).
    expect(during.uploads).toBeLessThanOrEqual(64 + DEVICES * 2);
    expect(during.bytes).toBeLessThanOrEqual((64 + DEVICES * 2) * BLOCKS * 1024);
    expect(answers.get('5.03') ?? 0).toBeGreaterThan(0);
    expect(freed).toEqual({ uploads: 0, bytes: 0 });
    expect((peak - before) / MiB).toBeLessThan(RSS_GROWTH_BOUND_MB);
  }, 120_000);

  it('keeps RSS within a bound under a flood of small refused requests (the exchange cache)', async () => {
    const pid = gw.pid!;
    const flood = await Promise.all(Array.from({ length: ENDPOINTS }, () => openSocket()));
    sockets.push(...flood);
    let answered = 0;
    const waiting = new Map<dgram.Socket, () => void>();
    for (const s of flood) {
      s.on('message', () => {
        answered++;
        waiting.get(s)?.();
      });
    }
    await sleep(500);
    const before = rssBytes(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 50);
    const started = Date.now();
    await Promise.all(
      flood.map(async (socket, i) => {
        for (let n = 0; n < SMALL_REQUESTS; n++) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 1000);
            waiting.set(socket, () => {
              clearTimeout(timer);
              resolve();
            });
            const datagram = generate({
              code: '0.02',
              messageId: (i * SMALL_REQUESTS + n) & 0xffff,
              token: Buffer.of(n & 0xff, i & 0xff, i >> 8),
              confirmable: true,
              options: [
                { name: 'Uri-Path', value: Buffer.from('v1') },
                { name: 'Uri-Path', value: Buffer.from('telemetry') },
                { name: 'Uri-Query', value: Buffer.from('s=AAAAAAAAAAAAAAAAAAAAAA') },
              ],
              payload: cbor({ uptimeMs: n }),
            });
            socket.send(datagram, gw.coapPort, '127.0.0.1');
          });
        }
      }),
    );
    clearInterval(sampler);
    peak = Math.max(peak, rssBytes(pid));
    const mb = (b: number) => (b / MiB).toFixed(1);
    const report = {
      requests: ENDPOINTS * SMALL_REQUESTS,
      answered,
      ms: Date.now() - started,
      rssMiB: { before: mb(before), peak: mb(peak) },
    };
    process.stdout.write(`coap-flood (small requests): ${JSON.stringify(report)}\n`);
    expect(answered).toBeGreaterThan(ENDPOINTS * SMALL_REQUESTS * 0.5);
    expect((peak - before) / MiB).toBeLessThan(EXCHANGES_GROWTH_BOUND_MB);
  }, 180_000);
});
