import mqtt from 'mqtt';
import { randomUUID } from 'node:crypto';
import { decodePayload, encodePayload, topicFor } from '../src/protocol';

/** One timed round trip to one device; resolves with its milliseconds. */
export type Probe = (deviceId: string) => Promise<number>;

/**
 * Thing Monitor through the gateway: REST POST → MQTT `cmd` downlink → the device's `reply`
 * → the REST answer, timed from the bench.
 */
export function monitorProbe(http: { url: string; token: string }): Probe {
  return async (deviceId) => {
    const started = performance.now();
    const res = await fetch(`${http.url}/api/devices/${deviceId}/monitor`, {
      method: 'POST',
      headers: { authorization: `Bearer ${http.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ op: 'status' }),
    });
    const body = await res.text();
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`monitor ${deviceId}: HTTP ${res.status} ${body}`);
    return ms;
  };
}

/**
 * The same round trip on a bare broker: one MQTT client publishes a `status` command to the
 * device's `cmd` topic and waits for its `reply` (no gateway: what the broker alone costs).
 */
export async function brokerProbe(
  host: string,
  port: number,
): Promise<{ probe: Probe; close(): Promise<void> }> {
  const client = await mqtt.connectAsync(`mqtt://${host}:${port}`, {
    clientId: `bench-probe-${process.pid}`,
    reconnectPeriod: 0,
    protocolVersion: 4,
  });
  const waiting = new Map<string, () => void>();
  client.on('message', (_topic, payload) => {
    const id = decodePayload(payload).value.id;
    if (typeof id === 'string') waiting.get(id)?.();
  });
  await client.subscribeAsync('vmfleet/v1/+/reply', { qos: 1 });
  const probe: Probe = async (deviceId) => {
    const id = randomUUID();
    const started = performance.now();
    const replied = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply from ${deviceId} in 5 s`)), 5000);
      waiting.set(id, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    try {
      const cmd = encodePayload({ id, op: 'status' }, 'cbor');
      await client.publishAsync(topicFor(deviceId, 'cmd'), cmd, { qos: 1 });
      await replied;
    } finally {
      waiting.delete(id);
    }
    return performance.now() - started;
  };
  return { probe, close: () => client.endAsync() };
}

/**
 * Round trips to random devices, one at a time, one started every `intervalMs` (or as soon
 * as the previous one ends, if later), until `durationMs` has passed.
 */
export async function sampleRoundTrips(
  probe: Probe,
  ids: readonly string[],
  durationMs: number,
  intervalMs: number,
): Promise<{ ms: number[]; errors: string[] }> {
  const ms: number[] = [];
  const errors: string[] = [];
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    const next = performance.now() + intervalMs;
    const id = ids[Math.floor(Math.random() * ids.length)];
    try {
      ms.push(await probe(id));
    } catch (err) {
      errors.push((err as Error).message);
    }
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return { ms, errors };
}

/** Provisions every device through REST (POST /api/devices), `concurrency` at a time. */
export async function provisionAll(
  http: { url: string; token: string },
  ids: readonly string[],
  concurrency: number,
): Promise<string[]> {
  const tokens = new Array<string>(ids.length);
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const i = next++;
      const res = await fetch(`${http.url}/api/devices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${http.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: ids[i], board: 'nrf52840', vm: 'mips1' }),
      });
      const body = (await res.json()) as { token?: string; message?: string };
      if (res.status !== 201 || !body.token)
        throw new Error(`provisioning ${ids[i]}: HTTP ${res.status} ${body.message ?? ''}`);
      tokens[i] = body.token;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return tokens;
}
