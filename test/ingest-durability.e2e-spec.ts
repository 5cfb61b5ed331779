import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import * as path from 'node:path';
import { topicFor } from '../src/protocol';
import { cbor, telemetry } from './support/fixtures';
import { DataSource } from 'typeorm';
import { nativeSqlite } from '../src/database/bulk-writer';
import { provision } from './support/fixtures';
import { startTestGateway, type TestGateway } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import { closed, connectRaw, end, publish } from './support/mqtt';

const DEVICE = 'durable-1';
const TOPIC = topicFor(DEVICE, 'telemetry');
/** QoS 1 publishes in flight at once: a device streaming as fast as PUBACKs come back. */
const WINDOW = 256;
/** Acknowledged samples before the SIGKILL. */
const ACKED_BEFORE_KILL = 1500;

/** One sample per sequence number; `uptimeMs` tells them apart in the database. */
const sample = (seq: number) => cbor(telemetry({ uptimeMs: 1000 + seq }));

/**
 * Streams QoS 1 telemetry at full rate, at most WINDOW unacknowledged, recording every
 * PUBACKed sequence number, until `stop()` or the connection ends.
 */
function stream(client: MqttClient, first: number, last: number | null) {
  const acked = new Set<number>();
  let next = first;
  let inFlight = 0;
  let stopped = false;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const pump = () => {
    while (!stopped && client.connected && inFlight < WINDOW && (last === null || next <= last)) {
      const seq = next++;
      inFlight++;
      client.publish(TOPIC, sample(seq), { qos: 1 }, (err) => {
        inFlight--;
        if (err)
          stopped = true; // the connection is gone (mqtt.js may call back at once)
        else acked.add(seq);
        if (last !== null && acked.size === last - first + 1) finish();
        setImmediate(pump);
      });
    }
  };
  client.once('close', () => {
    stopped = true;
    finish();
  });
  pump();
  return {
    acked,
    sent: () => next - first,
    done,
    stop: () => (stopped = true),
  };
}

describe('QoS 1 telemetry survives a gateway SIGKILL (e2e, gateway in its own process)', () => {
  let gw: GatewayProcess;
  let token = '';
  const clients: MqttClient[] = [];

  const connect = async () => {
    const client = await connectRaw(gw.mqttUrl, {
      clientId: DEVICE,
      username: DEVICE,
      password: token,
    });
    clients.push(client);
    return client;
  };
  /** How often each `uptimeMs` of the device is stored, read from the database file. */
  const storedCounts = () => {
    const db = new Database(path.join(gw.dataDir, 'vmfleet.sqlite'), { readonly: true });
    try {
      const rows = db
        .prepare(
          'SELECT uptime_ms AS u, COUNT(*) AS n FROM telemetry_samples WHERE device_id = ? GROUP BY uptime_ms',
        )
        .all(DEVICE) as { u: number; n: number }[];
      return new Map(rows.map((r) => [r.u - 1000, r.n]));
    } finally {
      db.close();
    }
  };

  beforeEach(async () => {
    gw = await GatewayProcess.start();
    const res = await gw.api<{ token: string }>('POST', '/api/devices', {
      id: DEVICE,
      board: 'nrf52840',
      vm: 'mips1',
    });
    expect(res.status).toBe(201);
    token = res.body.token;
  }, 90_000);
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(end));
    await gw.stop();
  });

  it('stores every acknowledged sample exactly once, and a resend of all of them changes nothing', async () => {
    const client = await connect();
    const run = stream(client, 0, null);
    const deadline = Date.now() + 30_000;
    while (run.acked.size < ACKED_BEFORE_KILL && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await gw.kill(); // mid-stream: WINDOW publishes are in flight
    await run.done;
    const acked = [...run.acked];
    const sent = run.sent();
    expect(acked.length).toBeGreaterThanOrEqual(ACKED_BEFORE_KILL);
    expect(sent).toBeGreaterThan(acked.length); // some were sent but never acknowledged

    await gw.restart();
    const afterRestart = storedCounts();
    const lost = acked.filter((seq) => afterRestart.get(seq) !== 1);
    expect({ lost: lost.length, acked: acked.length }).toEqual({ lost: 0, acked: acked.length });

    // The device resends everything it sent (acknowledged or not), as after a reconnect.
    const again = await connect();
    const resend = stream(again, 0, sent - 1);
    await resend.done;
    expect(resend.acked.size).toBe(sent);
    const final = storedCounts();
    const wrong = [...Array(sent).keys()].filter((seq) => final.get(seq) !== 1);
    expect({ wrong: wrong.slice(0, 10), rows: final.size }).toEqual({ wrong: [], rows: sent });
  }, 120_000);
});

describe('a QoS 1 sample the database refuses (e2e)', () => {
  let gw: TestGateway;
  const clients: MqttClient[] = [];

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(end));
    await gw.stop();
  });

  it('is not acknowledged, the connection closes, the gateway lives on, and the resend is stored once', async () => {
    const token = await provision(gw, DEVICE);
    const connect = async () => {
      const c = await connectRaw(gw.mqttUrl, {
        clientId: DEVICE,
        username: DEVICE,
        password: token,
      });
      clients.push(c);
      return c;
    };
    const db = nativeSqlite(gw.app.get(DataSource))!;
    const stored = () =>
      (db.prepare('SELECT COUNT(*) AS n FROM telemetry_samples').get() as { n: number }).n;
    const client = await connect();
    db.pragma('query_only = ON'); // every write now fails: SQLITE_READONLY
    let puback = false;
    client.publish(TOPIC, sample(1), { qos: 1 }, (err) => (puback = !err));
    await closed(client);
    expect(puback).toBe(false);
    expect(stored()).toBe(0);
    expect((await gw.api('GET', '/api/health')).status).toBe(200);

    db.pragma('query_only = OFF');
    const again = await connect();
    await publish(again, TOPIC, sample(1), 1);
    await publish(again, TOPIC, sample(1), 1); // a second resend: still one row
    expect(stored()).toBe(1);
  });
});
