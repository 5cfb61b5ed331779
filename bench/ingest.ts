import 'reflect-metadata';
import { Aedes } from 'aedes';
import { Command } from 'commander';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/config';
import { DevicesService } from '../src/devices/devices.service';
import { startGateway } from '../src/gateway';
import type { LoadJob } from './load-worker';
import { median, printTable } from './stats';

interface Options {
  devices: number;
  messages: number;
  rounds: number;
  qos: 0 | 1;
}

/** Drives one load run: connect, start together, wait until `delivered()` reaches the total. */
async function drive(job: LoadJob, delivered: () => Promise<number>): Promise<number> {
  const total = job.devices.length * job.messagesPerDevice;
  const worker = new Worker(path.join(__dirname, 'load-worker.js'), { workerData: job });
  const next = (type: string) =>
    new Promise<{ ms?: number }>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', function on(m: { type: string; ms?: number }) {
        if (m.type === type) {
          worker.off('message', on);
          resolve(m);
        }
      });
    });
  await next('connected');
  const started = performance.now();
  const sent = next('sent');
  worker.postMessage('go');
  await sent;
  const deadline = Date.now() + 120_000;
  while ((await delivered()) < total) {
    if (Date.now() > deadline)
      throw new Error(`only ${await delivered()} of ${total} delivered after 120 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const elapsed = performance.now() - started;
  const done = next('done');
  worker.postMessage('stop');
  await done;
  await worker.terminate();
  return (total / elapsed) * 1000;
}

async function bareAedesRound(o: Options, round: number): Promise<number> {
  const broker = await Aedes.createBroker();
  let received = 0;
  broker.on('publish', (_packet, client) => {
    if (client) received++;
  });
  const server = net.createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const devices = Array.from({ length: o.devices }, (_, i) => ({ id: `bare-${round}-${i}` }));
  try {
    return await drive(
      { url: `mqtt://127.0.0.1:${port}`, devices, messagesPerDevice: o.messages, qos: o.qos },
      async () => received,
    );
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => broker.close(() => r()));
  }
}

async function gatewayRound(o: Options, round: number): Promise<number> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-bench-'));
  const config = loadConfig({
    VMFLEET_DATA_DIR: dataDir,
    VMFLEET_HTTP_PORT: '0',
    VMFLEET_MQTT_PORT: '0',
    VMFLEET_MQTT_TLS_PORT: '0',
    VMFLEET_COAP_PORT: '0',
    VMFLEET_BENCH_IMAGES: 'off',
    VMFLEET_BIND_HOST: '127.0.0.1',
  });
  const gw = await startGateway(config, { logger: false });
  try {
    const registry = gw.app.get(DevicesService);
    const devices = [];
    for (let i = 0; i < o.devices; i++) {
      const { token } = await registry.provision({
        id: `gw-${round}-${i}`,
        board: 'nrf52840',
        vm: 'mips1',
        tags: [],
      });
      devices.push({ id: `gw-${round}-${i}`, token });
    }
    const db = gw.app.get(DataSource);
    const stored = async () =>
      Number((await db.query<{ n: number }[]>('SELECT count(*) AS n FROM telemetry_samples'))[0].n);
    return await drive(
      {
        url: `mqtt://127.0.0.1:${gw.mqttPort}`,
        devices,
        messagesPerDevice: o.messages,
        qos: o.qos,
      },
      stored,
    );
  } finally {
    await gw.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Result {
  qos: 0 | 1;
  bare: number[];
  gateway: number[];
}

async function measure(o: Options): Promise<Result> {
  const total = o.devices * o.messages;
  console.log(`\nQoS ${o.qos}: ${o.devices} devices × ${o.messages} messages = ${total} per round`);
  const result: Result = { qos: o.qos, bare: [], gateway: [] };
  for (let r = 0; r < o.rounds; r++) {
    // Alternate sides so drift on a shared machine hits both alike.
    result.bare.push(await bareAedesRound(o, r));
    result.gateway.push(await gatewayRound(o, r));
    console.log(
      `  round ${r + 1}: bare aedes ${result.bare[r].toFixed(0)} msg/s, gateway ${result.gateway[r].toFixed(0)} msg/s`,
    );
  }
  return result;
}

function report(results: Result[]): void {
  const rows = [['side', 'QoS', 'median msg/s', 'min', 'max', 'ratio']];
  for (const r of results) {
    const ratio = (median(r.gateway) / median(r.bare)).toFixed(2);
    const row = (side: string, xs: number[], last: string) => [
      side,
      String(r.qos),
      median(xs).toFixed(0),
      Math.min(...xs).toFixed(0),
      Math.max(...xs).toFixed(0),
      last,
    ];
    rows.push(row('bare aedes (broker accepted)', r.bare, '1.00'));
    // QoS 1: the gateway's PUBACK waits for the commit (durable), bare aedes acks on receipt.
    const gateway =
      r.qos === 1
        ? 'vmfleet gateway (rows in SQLite, PUBACK once stored)'
        : 'vmfleet gateway (rows in SQLite)';
    rows.push(row(gateway, r.gateway, ratio));
  }
  console.log('');
  printTable(rows);
  console.log('ratio = gateway median / bare aedes median; aim >= 0.50');
  console.log(
    'each device publishes one message at a time: at QoS 1 it waits for the PUBACK, which the gateway sends once the batch holding the message has committed (group commit)',
  );
}

async function main(): Promise<void> {
  const program = new Command('bench:ingest')
    .description(
      'End-to-end telemetry ingest (messages/s until rows are in SQLite) beside a bare aedes broker',
    )
    .option('--devices <n>', 'simulated devices', (v) => parseInt(v, 10), 50)
    .option(
      '--messages <n>',
      'telemetry messages per device per round',
      (v) => parseInt(v, 10),
      400,
    )
    .option('--rounds <n>', 'rounds per side (the median is reported)', (v) => parseInt(v, 10), 5)
    .option('--qos <0|1>', 'only this MQTT QoS (default: both, 0 then 1)', (v) =>
      v === '1' ? 1 : 0,
    )
    .parse();
  const o = program.opts<Omit<Options, 'qos'> & { qos?: 0 | 1 }>();
  console.log(`bench:ingest  ${o.rounds} rounds per side, ${os.cpus().length} cores`);
  const levels: (0 | 1)[] = o.qos === undefined ? [0, 1] : [o.qos];
  const results: Result[] = [];
  for (const qos of levels) results.push(await measure({ ...o, qos }));
  report(results);
}

main().catch((err: Error) => {
  console.error(`bench:ingest failed: ${err.message}`);
  process.exit(1);
});
