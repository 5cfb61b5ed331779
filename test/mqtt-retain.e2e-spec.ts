import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import * as path from 'node:path';
import { topicFor } from '../src/protocol';
import { cbor, provision, telemetry } from './support/fixtures';
import { startTestGateway, TestGateway } from './support/gateway';
import { closed, connectRaw, end, nextMessage, publish, subscribe } from './support/mqtt';

/** Retained PUBLISH from devices: only `status` (docs/protocol.md §3). */
describe('retained publishes from devices (e2e, mqtt.js)', () => {
  let gw: TestGateway;
  const clients: MqttClient[] = [];

  const connect = async (id: string, token: string) => {
    const client = await connectRaw(gw.mqttUrl, { clientId: id, username: id, password: token });
    clients.push(client);
    return client;
  };
  const publishRetained = (client: MqttClient, topic: string, payload: Buffer) =>
    new Promise<void>((resolve, reject) =>
      client.publish(topic, payload, { qos: 1, retain: true }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  const storedSamples = (id: string) => {
    const db = new Database(path.join(gw.dataDir, 'vmfleet.sqlite'), { readonly: true });
    try {
      const row = db
        .prepare('SELECT COUNT(*) AS n FROM telemetry_samples WHERE device_id = ?')
        .get(id) as { n: number };
      return row.n;
    } finally {
      db.close();
    }
  };

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(end));
    await gw.stop();
  });

  it('closes the connection on a retained telemetry publish, unacknowledged and not stored', async () => {
    const token = await provision(gw, 'ret-a');
    const client = await connect('ret-a', token);
    const acked = publishRetained(client, topicFor('ret-a', 'telemetry'), cbor(telemetry()));
    await closed(client);
    let puback = false;
    void acked.then(
      () => (puback = true),
      () => undefined,
    );
    await new Promise((r) => setTimeout(r, 200)); // past a telemetry flush (50 ms here)
    expect(puback).toBe(false);
    // Nothing of it is stored, nor retained for a later subscriber.
    expect(storedSamples('ret-a')).toBe(0);
    const again = await connect('ret-a', token);
    await subscribe(again, topicFor('ret-a', 'telemetry'));
    await expect(nextMessage(again, topicFor('ret-a', 'telemetry'), 500)).rejects.toThrow(
      /no message/,
    );
    expect(again.connected).toBe(true);
    // The same sample, not retained, is stored by the time it is acknowledged.
    await publish(again, topicFor('ret-a', 'telemetry'), cbor(telemetry()), 1);
    expect(storedSamples('ret-a')).toBe(1);
  });

  it('keeps a retained status and delivers it to a later subscriber', async () => {
    const token = await provision(gw, 'ret-b');
    const client = await connect('ret-b', token);
    await publishRetained(client, topicFor('ret-b', 'status'), cbor({ state: 'online' }));
    expect(client.connected).toBe(true);
    const watcher = await connect('ret-b', token); // takes over: the retained status stays
    const status = nextMessage(watcher, topicFor('ret-b', 'status'));
    await subscribe(watcher, topicFor('ret-b', 'status'));
    expect([...(await status)]).toEqual([...cbor({ state: 'online' })]);
  });
});
