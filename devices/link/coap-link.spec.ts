import { once } from 'node:events';
import type { ParsedPacket } from 'coap-packet';
import { encodePayload, type HelloMessage } from '../../src/protocol';
import { TestCoapGateway } from '../testing/test-coap-gateway';
import { UdpProxy } from '../testing/udp-proxy';
import { type CoapLinkOptions, CoapLink } from './coap-link';
import { CoapTimeoutError } from './coap-endpoint';
import { CoapResponseError } from './coap-session';
import type { DownlinkMessage } from './downlink';
import { AuthRefusedError } from './link-errors';
import type { TransportEvents } from './transport';

const DEVICE = 'dev-1';
const TOKEN = 'secret-token';
// RFC 7252 §4.8 parameters shrunk: a CON is tried at ~40, ~120 and ~280 ms, then fails.
const TIMINGS = { ackTimeoutMs: 40, ackRandomFactor: 1.5, maxRetransmit: 2 };
const BACKOFF = { initialMs: 20, maxMs: 200, jitter: 0 };

const hello = (): HelloMessage => ({
  board: 'native',
  vm: { kind: 'mips1', version: '0.1' },
  limits: { ramBytes: 1_048_576, flashBytes: 8_388_608, clockHz: 100_000_000 },
});

const event = { kind: 'publish', name: 'temp', value: 21 };

function isConRequest(packet: ParsedPacket): boolean {
  return packet.confirmable && packet.code.startsWith('0.') && packet.code !== '0.00';
}

function isNotification(packet: ParsedPacket): boolean {
  return !packet.ack && packet.code === '2.05' && packet.options.some((o) => o.name === 'Observe');
}

describe('CoapLink', () => {
  let gateway: TestCoapGateway;
  let proxy: UdpProxy | null = null;
  const links: CoapLink[] = [];

  beforeEach(async () => {
    gateway = await TestCoapGateway.start();
    gateway.tokens.set(DEVICE, TOKEN);
  });

  afterEach(async () => {
    await Promise.all(links.splice(0).map((link) => link.stop()));
    await proxy?.close();
    proxy = null;
    await gateway.close();
  });

  function createLink(options: Partial<CoapLinkOptions> = {}): CoapLink {
    const link = new CoapLink({
      deviceId: DEVICE,
      token: TOKEN,
      coapUrl: proxy?.url ?? gateway.url,
      hello,
      timings: TIMINGS,
      backoff: BACKOFF,
      stopTimeoutMs: 300,
      ...options,
    });
    links.push(link);
    return link;
  }

  async function startThroughProxy(options: Partial<CoapLinkOptions> = {}): Promise<CoapLink> {
    proxy = await UdpProxy.start(gateway.port);
    const link = createLink(options);
    await link.start();
    return link;
  }

  function record<E extends keyof TransportEvents>(link: CoapLink, name: E) {
    const seen: TransportEvents[E][0][] = [];
    link.on(name, ((arg: TransportEvents[E][0]) => seen.push(arg)) as never);
    return seen;
  }

  it('registers with its hello, observes /v1/down and delivers a notification as a downlink', async () => {
    const link = createLink();
    await link.start();
    expect(link.connected).toBe(true);
    expect(gateway.registrations).toEqual([{ id: DEVICE, hello: hello(), lifetime: 300 }]);
    expect(gateway.observeRequests).toHaveLength(1);

    const downlink = once(link, 'downlink') as Promise<[DownlinkMessage]>;
    gateway.notify(DEVICE, 'cmd', { id: 'c1', op: 'status' });
    expect(await downlink).toEqual([{ channel: 'cmd', body: { id: 'c1', op: 'status' } }]);
    expect(link.wireBytes().read).toBeGreaterThan(0);
    expect(link.wireBytes().written).toBeGreaterThan(0);
  });

  it('refuses to start with a wrong token', async () => {
    gateway.tokens.set(DEVICE, 'another-token');
    await expect(createLink().start()).rejects.toBeInstanceOf(AuthRefusedError);
  });

  it.each([
    ['cbor', 'application/cbor'],
    ['json', 'application/json'],
  ] as const)('publishes QoS 1 as CON and QoS 0 as NON, in %s', async (encoding, format) => {
    const link = createLink({ encoding });
    await link.start();
    await link.publish('event', event, 1);
    await link.publish('telemetry', { uptimeMs: 5 }, 0);
    expect(
      gateway.uplinks.map(({ channel, confirmable, contentFormat, body }) => ({
        channel,
        confirmable,
        contentFormat,
        body,
      })),
    ).toEqual([
      { channel: 'event', confirmable: true, contentFormat: format, body: event },
      { channel: 'telemetry', confirmable: false, contentFormat: format, body: { uptimeMs: 5 } },
    ]);
  });

  it('waits for a separate response after an empty ACK', async () => {
    // An ACK timeout longer than the server's 50 ms piggyback window: no retransmission.
    const link = await startThroughProxy({ timings: { ...TIMINGS, ackTimeoutMs: 1_000 } });
    const emptyAcks: number[] = [];
    proxy!.downstream = (packet) => {
      if (packet.ack && packet.code === '0.00') emptyAcks.push(packet.messageId);
      return 1;
    };
    gateway.answerDelayMs = 150; // past the server's 50 ms piggyback window
    await link.publish('event', event, 1);
    expect(emptyAcks).toHaveLength(1);
    expect(gateway.uplinks).toHaveLength(1);
  });

  it('acknowledges a duplicated separate response again instead of resetting it', async () => {
    const link = await startThroughProxy({ timings: { ...TIMINGS, ackTimeoutMs: 1_000 } });
    proxy!.downstream = (packet) => (packet.confirmable && packet.code === '2.04' ? 2 : 1);
    const replies: string[] = [];
    proxy!.upstream = (packet) => {
      if (packet.code === '0.00') replies.push(packet.ack ? 'ACK' : 'RST');
      return true;
    };
    gateway.answerDelayMs = 150;
    await link.publish('event', event, 1);
    // RFC 7252 §4.5: the copy has the message id of the original, so it gets the same ACK.
    await gateway.until(() => replies.length === 2, 'two replies');
    expect(replies).toEqual(['ACK', 'ACK']);
    expect(gateway.uplinks).toHaveLength(1);
  });

  it('sends a 3 KB body in 1024-byte Block1 blocks, reassembled by the gateway', async () => {
    const link = await startThroughProxy();
    const blocks: Buffer[] = [];
    proxy!.upstream = (packet) => {
      const block1 = packet.options.find((o) => o.name === 'Block1');
      if (block1) blocks.push(block1.value);
      return true;
    };
    const reply = { id: 'r1', ok: true, result: { hex: 'ab'.repeat(1500) } };
    await link.publish('reply', reply, 1);
    expect(blocks.map((b) => b.toString('hex'))).toEqual(['0e', '1e', '26']); // NUM 0..2, SZX 6
    expect(gateway.uplinks).toHaveLength(1);
    expect(gateway.uplinks[0].body).toEqual(reply);
    expect(gateway.uplinks[0].bytes).toBe(encodePayload(reply, 'cbor').length);
  });

  it('maps an OTA fetch to a Block2 GET and emits the block as a chunk downlink', async () => {
    const payload = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
    gateway.otaPayloads.set(7, payload);
    const link = createLink();
    await link.start();
    const chunk = once(link, 'downlink') as Promise<[DownlinkMessage]>;
    await link.publish('ota', { kind: 'fetch', deployment: 7, offset: 2048, length: 1024 }, 0);
    expect(gateway.otaBlocks).toEqual([{ num: 2, more: false, szx: 6 }]);
    const [message] = await chunk;
    expect(message).toEqual({
      channel: 'update',
      body: {
        op: 'chunk',
        deployment: 7,
        offset: 2048,
        data: new Uint8Array(payload.subarray(2048)),
      },
    });
    expect(gateway.uplinks).toHaveLength(0);
  });

  it('drops an OTA fetch answered 4.04: the agent asks again by itself', async () => {
    const link = createLink();
    await link.start();
    const downlinks = record(link, 'downlink');
    await link.publish('ota', { kind: 'fetch', deployment: 9, offset: 0, length: 1024 }, 0);
    expect(downlinks).toEqual([]);
  });

  it('retransmits a CON request the network lost, and succeeds', async () => {
    const link = await startThroughProxy();
    let dropped = 0;
    proxy!.upstream = (packet) => !(isConRequest(packet) && dropped++ < 2);
    await link.publish('event', event, 1);
    expect(dropped).toBe(3); // two dropped, the third try passed (and was counted)
    expect(gateway.uplinks).toHaveLength(1);
    expect(link.connected).toBe(true);
  });

  it('gives up after MAX_RETRANSMIT retransmissions and reconnects with backoff', async () => {
    const link = await startThroughProxy();
    const tries: number[] = [];
    proxy!.upstream = (packet) => {
      if (isConRequest(packet)) tries.push(packet.messageId);
      return !isConRequest(packet);
    };
    const reconnecting = once(link, 'reconnecting');
    const started = Date.now();
    await expect(link.publish('event', event, 1)).rejects.toBeInstanceOf(CoapTimeoutError);
    // 1 + MAX_RETRANSMIT tries of one message id, over at least 40 + 80 + 160 ms.
    expect(tries).toEqual([tries[0], tries[0], tries[0]]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(link.connected).toBe(false);
    await reconnecting;

    proxy!.upstream = () => true;
    await once(link, 'connect');
    expect(gateway.registrations).toHaveLength(2);
  });

  it('registers and observes again after a 4.01, then retries the request once', async () => {
    const link = createLink();
    await link.start();
    const disconnects = record(link, 'disconnect');
    const connects = record(link, 'connect');
    gateway.restart();

    await link.publish('event', event, 1);
    expect(gateway.registrations).toHaveLength(2);
    expect(gateway.observeRequests).toHaveLength(2);
    expect(gateway.uplinks).toHaveLength(1);
    expect(disconnects).toEqual([{ cause: 'session expired (4.01)' }]);
    expect(connects).toEqual([{ reconnect: true }]);

    const downlink = once(link, 'downlink') as Promise<[DownlinkMessage]>;
    gateway.notify(DEVICE, 'cmd', { id: 'c2', op: 'status' });
    expect((await downlink)[0].body).toEqual({ id: 'c2', op: 'status' });
  });

  it('rejects a refused body with its code and delivers the error body as a downlink', async () => {
    const link = createLink();
    await link.start();
    const refusal = { code: 'invalid_message', message: 'cpu: too big', channel: 'telemetry' };
    gateway.nextUplinkAnswer = { code: '4.00', payload: encodePayload(refusal, 'cbor') };
    const downlinks = record(link, 'downlink');
    const publishing = link.publish('telemetry', { cpu: 2 }, 1);
    await expect(publishing).rejects.toBeInstanceOf(CoapResponseError);
    await expect(publishing).rejects.toMatchObject({
      responseCode: '4.00',
      diagnostic: 'cpu: too big',
    });
    expect(downlinks).toEqual([{ channel: 'error', body: refusal }]);

    gateway.nextUplinkAnswer = { code: '5.00', payload: Buffer.from('database down') };
    await expect(link.publish('event', event, 1)).rejects.toMatchObject({
      responseCode: '5.00',
      diagnostic: 'database down',
    });
  });

  it('acknowledges a duplicated notification twice and delivers it once', async () => {
    const link = await startThroughProxy();
    const acks: number[] = [];
    proxy!.downstream = (packet) => (isNotification(packet) && packet.confirmable ? 2 : 1);
    proxy!.upstream = (packet) => {
      if (packet.ack && packet.code === '0.00') acks.push(packet.messageId);
      return true;
    };
    const downlinks = record(link, 'downlink');
    const second = new Promise((resolve) =>
      link.on('downlink', (m) => m.channel === 'error' && resolve(m)),
    );
    gateway.notify(DEVICE, 'cmd', { id: 'c1', op: 'status' });
    gateway.notify(DEVICE, 'error', { code: 'x', message: 'y' });
    await second;
    expect(downlinks.map((m) => m.channel)).toEqual(['cmd', 'error']);
    // Two notifications, two copies each: every copy acknowledged (RFC 7252 §4.5).
    await gateway.until(() => acks.length === 4, 'four ACKs');
    expect(new Set(acks).size).toBe(2);
  });

  it('drops a notification that arrives after a newer one (RFC 7641 §3.4)', async () => {
    const link = await startThroughProxy();
    let held: Buffer | null = null;
    proxy!.downstream = (packet, datagram) => {
      if (!isNotification(packet) || !packet.confirmable) return 1;
      held ??= datagram; // the first notification is overtaken by the second
      return datagram === held ? 0 : 1;
    };
    const acks: number[] = [];
    proxy!.upstream = (packet) => {
      if (packet.ack && packet.code === '0.00') acks.push(packet.messageId);
      return true;
    };
    const downlinks = record(link, 'downlink');
    const newer = once(link, 'downlink');
    gateway.notify(DEVICE, 'cmd', { id: 'older', op: 'status' });
    gateway.notify(DEVICE, 'cmd', { id: 'newer', op: 'status' });
    await newer;
    proxy!.deliver(held!);
    // Acknowledged, so the gateway stops resending it, but not delivered.
    await gateway.until(() => acks.length === 2, 'the ACK of the late notification');
    expect(downlinks).toEqual([{ channel: 'cmd', body: { id: 'newer', op: 'status' } }]);
  });

  it('observes again when no notification comes, and registers again if the session is gone', async () => {
    const link = createLink({ observeCheckMs: 100 });
    await link.start();
    await gateway.until(() => gateway.observeRequests.length >= 2, 'a second observation');
    expect(gateway.registrations).toHaveLength(1);

    gateway.restart(); // no uplink: only the next observe check can notice
    await gateway.until(() => gateway.registrations.length === 2, 'a new registration');
    await gateway.until(() => link.connected, 'the link to be up again');
  });

  it('registers again before an idle session runs out', async () => {
    gateway.lifetimeSeconds = 1;
    const link = createLink();
    await link.start();
    const started = Date.now();
    await gateway.until(() => gateway.registrations.length === 2, 'a refresh', 3_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(700); // at 80 % of the lifetime
    expect(link.connected).toBe(true);
  });

  it('comes back by itself after a simulated network loss', async () => {
    const link = createLink();
    await link.start();
    const plans = record(link, 'reconnecting');
    const connected = once(link, 'connect');
    link.dropConnection();
    expect(link.connected).toBe(false);
    expect(await connected).toEqual([{ reconnect: true }]);
    expect(plans).toEqual([{ attempt: 1, delayMs: 20, cause: 'network lost (simulated)' }]);
    expect(gateway.registrations).toHaveLength(2);
    expect(gateway.deregistrations).toEqual([]);
  });

  it('deregisters on stop()', async () => {
    const link = createLink();
    await link.start();
    const disconnected = once(link, 'disconnect');
    await link.stop();
    expect(gateway.deregistrations).toEqual([DEVICE]);
    expect(await disconnected).toEqual([{ cause: null }]);
    expect(link.connected).toBe(false);
    await expect(link.publish('event', event, 1)).rejects.toThrow('not connected');
  });
});
