import { Aedes } from 'aedes';
import memory from 'aedes-persistence';
import mqtt, { type MqttClient } from 'mqtt';
import * as net from 'node:net';
import { RetainedIndex, topicMatches, withRetainedIndex } from './retained-index';

describe('topicMatches (MQTT 3.1.1 §4.7)', () => {
  it.each([
    ['vmfleet/v1/d1/status', 'vmfleet/v1/d1/status', true],
    ['vmfleet/v1/d1/status', 'vmfleet/v1/d2/status', false],
    ['vmfleet/v1/+/status', 'vmfleet/v1/d2/status', true],
    ['vmfleet/v1/+/status', 'vmfleet/v1/d2/status/x', false],
    ['vmfleet/v1/+', 'vmfleet/v1', false],
    ['vmfleet/#', 'vmfleet/v1/d1/status', true],
    ['vmfleet/#', 'vmfleet', true], // [MQTT-4.7.1-2]: the parent level too
    ['#', '$SYS/broker/uptime', false], // [MQTT-4.7.2-1]
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['a/b', 'a/b/c', false],
  ])('%s against %s: %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

describe('RetainedIndex', () => {
  const packet = (topic: string, payload: string) => ({ topic, payload: Buffer.from(payload) });

  it('keeps the last message per topic, drops it on an empty payload, and matches filters', () => {
    const index = new RetainedIndex();
    index.store(packet('vmfleet/v1/a/status', 'online'));
    index.store(packet('vmfleet/v1/b/status', 'online'));
    index.store(packet('vmfleet/v1/a/status', 'offline'));
    const payloads = (filters: string[]) =>
      [...index.matching(filters)].map((p) => `${p.topic}=${String(p.payload)}`);
    expect(payloads(['vmfleet/v1/a/status'])).toEqual(['vmfleet/v1/a/status=offline']);
    expect(payloads(['vmfleet/v1/a/cmd', 'vmfleet/v1/b/status'])).toEqual([
      'vmfleet/v1/b/status=online',
    ]);
    expect(payloads(['vmfleet/v1/+/status'])).toEqual([
      'vmfleet/v1/a/status=offline',
      'vmfleet/v1/b/status=online',
    ]);
    index.store(packet('vmfleet/v1/a/status', ''));
    expect(index.size).toBe(1);
    expect(payloads(['vmfleet/v1/#'])).toEqual(['vmfleet/v1/b/status=online']);
  });
});

describe('withRetainedIndex on a real aedes broker', () => {
  let broker: Aedes;
  let server: net.Server;
  let index: RetainedIndex;
  const clients: MqttClient[] = [];

  beforeEach(async () => {
    index = new RetainedIndex();
    broker = await Aedes.createBroker({ persistence: withRetainedIndex(memory(), index) });
    server = net.createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  });

  async function client(id: string): Promise<MqttClient> {
    const { port } = server.address() as net.AddressInfo;
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: id,
      reconnectPeriod: 0,
      protocolVersion: 4,
    });
    clients.push(c);
    return c;
  }

  /** What a fresh subscriber to `filter` is sent on subscribing: topic=payload, retained. */
  async function retainedOn(filter: string, expected: number): Promise<string[]> {
    const c = await client(`observer-${Math.random().toString(36).slice(2)}`);
    const got: string[] = [];
    const all = new Promise<void>((resolve) =>
      c.on('message', (topic, payload, packet) => {
        got.push(`${topic}=${payload.toString()}${packet.retain ? '' : ' (not retained)'}`);
        if (got.length === expected) resolve();
      }),
    );
    await c.subscribeAsync(filter, { qos: 1 });
    if (expected > 0) await all;
    else await new Promise((r) => setTimeout(r, 200)); // nothing should come
    return got.sort();
  }

  it('replays retained messages to exact and wildcard subscribers, and forgets a cleared one', async () => {
    const device = await client('dev-1');
    await device.publishAsync('vmfleet/v1/dev-1/status', 'online', { qos: 1, retain: true });
    await device.publishAsync('vmfleet/v1/dev-2/status', 'offline', { qos: 1, retain: true });
    expect(index.size).toBe(2);
    await expect(retainedOn('vmfleet/v1/dev-1/status', 1)).resolves.toEqual([
      'vmfleet/v1/dev-1/status=online',
    ]);
    await expect(retainedOn('vmfleet/v1/+/status', 2)).resolves.toEqual([
      'vmfleet/v1/dev-1/status=online',
      'vmfleet/v1/dev-2/status=offline',
    ]);
    await device.publishAsync('vmfleet/v1/dev-1/status', '', { qos: 1, retain: true });
    expect(index.size).toBe(1);
    await expect(retainedOn('vmfleet/v1/dev-1/status', 0)).resolves.toEqual([]);
  });
});
