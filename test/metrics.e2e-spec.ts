import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { MqttClient } from 'mqtt';
import type { VirtualDevice } from '../devices';
import { topicFor } from '../src/protocol';
import { RawCoap } from './support/coap';
import { cbor, hello, provision, telemetry } from './support/fixtures';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';
import { closed, connectRaw, end, publish } from './support/mqtt';
import { startDevices } from './support/ota';

/** A family as parse-prometheus-text-format gives it (prom2json's shape); it ships no types. */
interface MetricFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: {
    labels?: Record<string, string>;
    value?: string;
    count?: string;
    sum?: string;
    buckets?: Record<string, string>;
  }[];
}
const parsePrometheusText = createRequire(__filename)('parse-prometheus-text-format') as (
  text: string,
) => MetricFamily[];

/** `/metrics` counts every transport's devices, each under its own label. */
describe('connected devices in /metrics (e2e)', () => {
  let gw: TestGateway;
  let devices: VirtualDevice[] = [];
  const clients: MqttClient[] = [];
  let coap: RawCoap | undefined;

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await Promise.all(devices.map((d) => d.stop()));
    devices = [];
    await Promise.all(clients.splice(0).map(end));
    coap?.close();
    coap = undefined;
    await gw.stop();
  });

  async function connected(): Promise<Record<string, number>> {
    const res = await gw.api<string>('GET', '/metrics');
    const counts: Record<string, number> = {};
    for (const m of res.body.matchAll(/^vmfleet_connected_devices\{transport="(\w+)"\} (\d+)$/gm)) {
      counts[m[1]] = Number(m[2]);
    }
    return counts;
  }

  it('reports MQTT and CoAP presence apart, and neither transport overwrites the other', async () => {
    expect(await connected()).toEqual({ mqtt: 0, coap: 0 });
    const mqtt = await startDevices(gw, { prefix: 'mq', count: 2 });
    const coap = await startDevices(gw, {
      prefix: 'co',
      count: 1,
      options: { transport: 'coap', coapUrl: gw.coapUrl },
    });
    devices = [...mqtt, ...coap];
    await waitFor('every device online', async () => {
      const list = (await gw.api('GET', '/api/devices')).body as { items: { online: boolean }[] };
      return list.items.length === 3 && list.items.every((d) => d.online);
    });
    expect(await connected()).toEqual({ mqtt: 2, coap: 1 });

    // An MQTT disconnect recounts MQTT only: the CoAP device still counts.
    await mqtt[0].stop();
    await waitFor('one MQTT device left', async () => (await connected()).mqtt === 1);
    expect(await connected()).toEqual({ mqtt: 1, coap: 1 });
  });

  async function takeovers(): Promise<Record<string, number>> {
    const res = await gw.api<string>('GET', '/metrics');
    const counts: Record<string, number> = {};
    const line = /^vmfleet_session_takeovers_total\{transport="(\w+)"\} (\d+)$/gm;
    for (const m of res.body.matchAll(line)) counts[m[1]] = Number(m[2]);
    return counts;
  }

  it('counts a device taking over its own live session, per transport', async () => {
    const token = await provision(gw, 'dev-a');
    const options = { clientId: 'dev-a', username: 'dev-a', password: token };
    const first = await connectRaw(gw.mqttUrl, options);
    clients.push(first);
    const gone = closed(first);
    clients.push(await connectRaw(gw.mqttUrl, options));
    await gone; // [MQTT-3.1.4-2]: the broker closed the first connection

    const coapToken = await provision(gw, 'c-1');
    coap = await RawCoap.open(gw.coapPort);
    for (let i = 0; i < 3; i++) {
      const payload = cbor({ id: 'c-1', token: coapToken, hello });
      const res = await coap.request({ method: 'POST', url: '/v1/register', payload });
      expect(res.code).toBe('2.01');
    }
    expect(await takeovers()).toEqual({ mqtt: 1, coap: 2 });
  });
});

/** The whole exposition, read by a Prometheus text-format parser, and the Grafana dashboard's queries. */
describe('/metrics as Prometheus reads it (e2e)', () => {
  let gw: TestGateway;
  let devices: VirtualDevice[] = [];
  let client: MqttClient | undefined;

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.stop()));
    await end(client);
    client = undefined;
    await gw.stop();
  });

  async function scrape(): Promise<Map<string, MetricFamily>> {
    const res = await fetch(`${gw.httpUrl}/metrics`, {
      headers: { authorization: `Bearer ${gw.apiToken}` },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const families = parsePrometheusText(await res.text());
    return new Map(families.map((f) => [f.name, f]));
  }

  /** The sum of a family's samples whose labels include `labels` (a histogram: its count). */
  function total(families: Map<string, MetricFamily>, name: string, labels = {}): number {
    const family = families.get(name);
    if (!family) throw new Error(`no metric ${name} in /metrics`);
    return family.metrics
      .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
      .reduce((n, m) => n + Number(m.value ?? m.count), 0);
  }

  it('parses, names every family with help and type, and its counters move when devices publish', async () => {
    const before = await scrape();
    for (const f of before.values()) {
      expect([f.name, f.help.length > 0]).toEqual([f.name, true]);
      if (f.type === 'COUNTER') expect(f.name).toMatch(/_total$/);
      if (f.name.startsWith('vmfleet_') && f.type === 'HISTOGRAM') {
        expect(f.name).toMatch(/_(seconds|samples)$/);
      }
    }
    expect(total(before, 'vmfleet_messages_received_total', { channel: 'telemetry' })).toBe(0);
    expect(total(before, 'vmfleet_telemetry_ingest_latency_seconds')).toBe(0);
    expect(total(before, 'vmfleet_alerts_firing', { kind: 'telemetry' })).toBe(0);

    devices = await startDevices(gw, {
      prefix: 'pm',
      count: 2,
      board: 'nrf52840',
      vm: 'mips1',
      options: { telemetryIntervalMs: 100 },
    });
    await waitFor('samples stored', async () => {
      const now = await scrape();
      return total(now, 'vmfleet_telemetry_samples_ingested_total') >= 4;
    });
    // A Thing Monitor command goes down the cmd channel.
    const status = await gw.api('POST', '/api/devices/pm-01/monitor', { op: 'status' });
    expect(status.status).toBe(200);
    // A frame that does not decode is counted, and the gateway keeps going.
    const token = await provision(gw, 'raw-1');
    client = await connectRaw(gw.mqttUrl, {
      clientId: 'raw-1',
      username: 'raw-1',
      password: token,
    });
    await publish(client, topicFor('raw-1', 'telemetry'), Buffer.from([0xff, 0x00, 0x13]));
    await publish(client, topicFor('raw-1', 'telemetry'), cbor(telemetry({ cpu: 7 })));

    const after = await waitFor('the refusals counted', async () => {
      const now = await scrape();
      const refused = total(now, 'vmfleet_frames_rejected_total');
      return refused - total(before, 'vmfleet_frames_rejected_total') >= 2 ? now : null;
    });
    expect(total(after, 'vmfleet_messages_received_total', { channel: 'hello' })).toBe(2);
    expect(
      total(after, 'vmfleet_messages_received_total', { channel: 'telemetry' }),
    ).toBeGreaterThanOrEqual(4);
    expect(total(after, 'vmfleet_messages_sent_total', { channel: 'cmd' })).toBe(1);
    const latency = after.get('vmfleet_telemetry_ingest_latency_seconds')!.metrics[0];
    expect(Number(latency.count)).toBeGreaterThanOrEqual(4);
    expect(Number(latency.sum)).toBeGreaterThan(0);
    expect(Number(latency.buckets!['+Inf'] ?? latency.count)).toBe(Number(latency.count));
    const batches = after.get('vmfleet_telemetry_batch_samples')!.metrics[0];
    expect(Number(batches.sum)).toBe(total(after, 'vmfleet_telemetry_samples_ingested_total'));
    expect(total(after, 'vmfleet_connected_devices', { transport: 'mqtt' })).toBe(3);

    const fleet = { vm: 'mips1', board: 'nrf52840' };
    expect(total(after, 'vmfleet_fleet_devices', { ...fleet, online: 'true' })).toBe(2);
    // raw-1 sent no hello: provisioned, connected, but not online for the fleet.
    expect(total(after, 'vmfleet_fleet_devices', { ...fleet, online: 'false' })).toBe(1);
    expect(total(after, 'vmfleet_fleet_ram_total_bytes', fleet)).toBe(2 * 256 * 1024);
    expect(total(after, 'vmfleet_fleet_ram_used_bytes', fleet)).toBeGreaterThan(0);
    expect(total(after, 'vmfleet_fleet_flash_total_bytes', fleet)).toBe(2 * 1024 * 1024);
  });

  it("names in the Grafana dashboard's queries only metrics /metrics serves", async () => {
    const file = path.join(__dirname, '..', 'docs', 'grafana-dashboard.json');
    const dashboard = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(20);
    const families = await scrape();
    const named = new Set(
      exprs.flatMap((e) => [...e.matchAll(/\b(?:vmfleet|process|nodejs)_\w+/g)].map((m) => m[0])),
    );
    const missing = [...named].filter((name) => {
      const family = name.replace(/_(bucket|sum|count)$/, '');
      const histogram = families.get(family)?.type === 'HISTOGRAM';
      return !families.has(name) && !(histogram && family !== name);
    });
    expect(missing).toEqual([]);
    expect(named.size).toBeGreaterThanOrEqual(20);
  });
});
