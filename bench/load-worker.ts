import mqtt, { MqttClient } from 'mqtt';
import { parentPort, workerData } from 'node:worker_threads';
import { encodePayload, topicFor, type TelemetryMessage } from '../src/protocol';

/** Runs in a worker thread so the load does not share the broker's event loop. */
export interface LoadJob {
  url: string;
  devices: { id: string; token?: string }[];
  messagesPerDevice: number;
  qos: 0 | 1;
}

function sample(i: number): TelemetryMessage {
  return {
    uptimeMs: i * 1000,
    ram: { used: 12000 + (i % 50), peak: 12100, total: 262144 },
    flash: { used: 60000, total: 1048576 },
    cpu: 0.03,
    vm: { state: 'idle', instructions: i },
    app: null,
  };
}

function connect(url: string, id: string, token?: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, {
      clientId: id,
      username: id,
      password: token,
      reconnectPeriod: 0,
      protocolVersion: 4,
    });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

async function publishAll(client: MqttClient, id: string, n: number, qos: 0 | 1): Promise<void> {
  const topic = topicFor(id, 'telemetry');
  for (let i = 0; i < n; i++) {
    const payload = encodePayload(sample(i), 'cbor');
    await new Promise<void>((resolve, reject) =>
      client.publish(topic, payload, { qos }, (e) => (e ? reject(e) : resolve())),
    );
  }
}

async function run(job: LoadJob): Promise<void> {
  const clients = await Promise.all(job.devices.map((d) => connect(job.url, d.id, d.token)));
  parentPort!.postMessage({ type: 'connected' });
  await new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));
  const started = performance.now();
  await Promise.all(
    clients.map((c, i) => publishAll(c, job.devices[i].id, job.messagesPerDevice, job.qos)),
  );
  parentPort!.postMessage({ type: 'sent', ms: performance.now() - started });
  await new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));
  await Promise.all(clients.map((c) => new Promise<void>((r) => c.end(false, {}, () => r()))));
  parentPort!.postMessage({ type: 'done' });
}

void run(workerData as LoadJob);
