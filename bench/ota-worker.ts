import mqtt, { MqttClient } from 'mqtt';
import { parentPort, workerData } from 'node:worker_threads';
import { Fleet } from '../devices/fleet';
import { socketBytes } from '../devices/link/mqtt-link';
import type { DeviceCredentials } from '../devices/virtual-device';

/**
 * The device side of bench:ota, in a worker thread so it does not share the gateway's (or
 * the bare broker's) event loop. Messages from the parent: 'bytes' (answered with the
 * socket bytes of every device so far) and 'stop'.
 */
export type OtaWorkerJob =
  | { mode: 'vmfleet'; mqttUrl: string; devices: DeviceCredentials[] }
  | { mode: 'bare'; mqttUrl: string; devices: string[]; payloadBytes: number };

export type OtaWorkerMessage =
  | { type: 'ready' }
  | { type: 'bytes'; read: number; written: number }
  | { type: 'received'; at: number }
  | { type: 'done' }
  | { type: 'failed'; message: string };

const port = parentPort!;
const post = (m: OtaWorkerMessage) => port.postMessage(m);

function sum(parts: { read: number; written: number }[]): { read: number; written: number } {
  return parts.reduce((a, b) => ({ read: a.read + b.read, written: a.written + b.written }), {
    read: 0,
    written: 0,
  });
}

async function runFleet(job: Extract<OtaWorkerJob, { mode: 'vmfleet' }>): Promise<void> {
  const fleet = await Fleet.start({
    mqttUrl: job.mqttUrl,
    devices: job.devices,
    // Telemetry would add its own bytes to the wire count; the bench measures the update.
    telemetryIntervalMs: 3_600_000,
  });
  post({ type: 'ready' });
  await serve(
    () => sum(fleet.devices.map((d) => d.wireBytes())),
    () => fleet.stop(),
  );
}

/** Baseline: every client subscribes to its own topic and waits for one payload there. */
async function runBare(job: Extract<OtaWorkerJob, { mode: 'bare' }>): Promise<void> {
  let pending = job.devices.length;
  const clients = await Promise.all(
    job.devices.map(
      (id) =>
        new Promise<MqttClient>((resolve, reject) => {
          const c = mqtt.connect(job.mqttUrl, { clientId: id, reconnectPeriod: 0 });
          c.once('error', reject);
          c.once('connect', () =>
            c.subscribe(`bench/${id}`, { qos: 1 }, (err) => (err ? reject(err) : resolve(c))),
          );
          c.on('message', (_topic, payload) => {
            if (payload.length !== job.payloadBytes) {
              post({ type: 'failed', message: `${id} got ${payload.length} bytes` });
            } else if (--pending === 0)
              post({ type: 'received', at: performance.timeOrigin + performance.now() });
          });
        }),
    ),
  );
  post({ type: 'ready' });
  await serve(
    () => sum(clients.map((c) => socketBytes(c))),
    () =>
      Promise.all(clients.map((c) => new Promise<void>((r) => c.end(false, {}, () => r())))).then(
        () => undefined,
      ),
  );
}

function serve(
  bytes: () => { read: number; written: number },
  stop: () => Promise<void>,
): Promise<void> {
  return new Promise((resolve) => {
    port.on('message', (m: 'bytes' | 'stop') => {
      if (m === 'bytes') post({ type: 'bytes', ...bytes() });
      else
        void stop().then(() => {
          post({ type: 'done' });
          resolve();
        });
    });
  });
}

const job = workerData as OtaWorkerJob;
(job.mode === 'vmfleet' ? runFleet(job) : runBare(job)).catch((err: Error) =>
  post({ type: 'failed', message: err.message }),
);
