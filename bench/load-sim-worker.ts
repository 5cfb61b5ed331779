import { parentPort, workerData } from 'node:worker_threads';
import { SimDevice } from './load-device';

/** What one simulator thread of bench:load runs: its share of the devices. */
export interface SimJob {
  host: string;
  port: number;
  devices: { id: string; token?: string }[];
  /** Telemetry samples per device per second. */
  rate: number;
  keepaliveSeconds: number;
  /** Birth sequences in flight at once in this thread. */
  connectConcurrency: number;
}

export type SimCommand = 'telemetry' | 'stats' | 'stop';

export interface SimStats {
  ready: number;
  dropped: number;
  sent: number;
  replies: number;
}

export type SimMessage =
  | { type: 'progress'; connected: number }
  | { type: 'connected'; ms: number; retries: number }
  | { type: 'failed'; message: string }
  | ({ type: 'stats' } & SimStats)
  | { type: 'stopped' };

const ATTEMPTS = 5;

const job = workerData as SimJob;
const port = parentPort!;
const devices = job.devices.map(
  (d) =>
    new SimDevice({
      id: d.id,
      token: d.token,
      host: job.host,
      port: job.port,
      keepaliveSeconds: job.keepaliveSeconds,
    }),
);
const timers: NodeJS.Timeout[] = [];
let sent = 0;
let retries = 0;

/** Starts one device, retrying as a real one would after a refused or dropped birth. */
async function startOne(device: SimDevice): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await device.start();
    } catch (err) {
      if (attempt === ATTEMPTS) throw err;
      retries++;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

async function connectAll(): Promise<void> {
  const started = performance.now();
  let next = 0;
  let connected = 0;
  const progress = setInterval(() => port.postMessage({ type: 'progress', connected }), 500);
  const lane = async () => {
    while (next < devices.length) {
      await startOne(devices[next++]);
      connected++;
    }
  };
  try {
    await Promise.all(Array.from({ length: job.connectConcurrency }, lane));
  } finally {
    clearInterval(progress);
  }
  port.postMessage({ type: 'connected', ms: performance.now() - started, retries });
}

/** Each device on its own period, phases spread over one period so the load is even. */
function startTelemetry(): void {
  const period = 1000 / job.rate;
  for (const device of devices) {
    const send = () => {
      if (device.sendTelemetry()) sent++;
    };
    const first = setTimeout(() => {
      send();
      timers.push(setInterval(send, period));
    }, Math.random() * period);
    timers.push(first);
  }
}

function stats(): SimStats {
  let ready = 0;
  let dropped = 0;
  let replies = 0;
  for (const d of devices) {
    if (d.ready) ready++;
    if (d.dropped) dropped++;
    replies += d.replies;
  }
  return { ready, dropped, sent, replies };
}

port.on('message', (command: SimCommand) => {
  switch (command) {
    case 'telemetry':
      return startTelemetry();
    case 'stats':
      return port.postMessage({ type: 'stats', ...stats() });
    case 'stop':
      timers.forEach((t) => clearTimeout(t));
      devices.forEach((d) => d.stop());
      // Leave a moment for the DISCONNECTs to be written before the thread goes.
      setTimeout(() => port.postMessage({ type: 'stopped' }), 500);
      return;
  }
});

// From the start: a slow broker's connect phase can outlast the keepalive of the first devices.
timers.push(
  setInterval(() => {
    const now = Date.now();
    for (const device of devices) device.keepAlive(now);
  }, 1000),
);
connectAll().catch((err: Error) => port.postMessage({ type: 'failed', message: err.message }));
