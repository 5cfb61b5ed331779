import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { type Gateway } from '../src/gateway';
import { encodePayload, type TelemetryMessage } from '../src/protocol';
import type { CoapJob, CoapWorkerMessage } from './coap-worker';
import { paddedImage } from './ota';
import { median, printTable } from './stats';
import { startBenchGateway } from './gateway';

interface Options {
  endpoints: number;
  requests: number;
  transfers: number;
  kib: number;
  rounds: number;
}

interface Figures {
  /** Acknowledged requests per second. */
  rps: number;
  /** telemetry on the gateway: rows in the database per second. */
  storedRps?: number;
  /** blocks: payload throughput. */
  kibps?: number;
  retransmits: number;
}

const HELLO = {
  board: 'esp32',
  vm: { kind: 'mips1', version: 'bench' },
  limits: { ramBytes: 532480, flashBytes: 4194304, clockHz: 240_000_000, maxChunkBytes: 1024 },
};

const SAMPLE: TelemetryMessage = {
  uptimeMs: 1000,
  ram: { used: 12000, peak: 12100, total: 262144 },
  flash: { used: 60000, total: 1048576 },
  cpu: 0.03,
  vm: { state: 'idle', instructions: 42 },
  app: null,
};

function runWorker(job: CoapJob): Promise<Extract<CoapWorkerMessage, { type: 'done' }>> {
  const worker = new Worker(path.join(__dirname, 'coap-worker.js'), { workerData: job });
  return new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (m: CoapWorkerMessage) => {
      if (m.type === 'ready') worker.postMessage('go');
      else if (m.type === 'failed') reject(new Error(m.message));
      else resolve(m);
    });
  }).finally(() => void worker.terminate()) as Promise<
    Extract<CoapWorkerMessage, { type: 'done' }>
  >;
}

async function withGateway<T>(fn: (gw: Gateway) => Promise<T>): Promise<T> {
  const gw = await startBenchGateway('coap', {
    // Throughput is what is measured: no per-endpoint rate limit (docs/protocol.md §11.4).
    VMFLEET_COAP_RATE: '0',
  });
  try {
    return await fn(gw);
  } finally {
    await gw.close();
  }
}

async function api<T>(gw: Gateway, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(gw.httpUrl + url, {
    method,
    headers: { authorization: `Bearer ${gw.apiToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * Provisions devices; returns the body of each one's registration, which the worker sends
 * from that device's own socket (a CoAP session works only from the endpoint that
 * registered it, docs/protocol.md §11.4).
 */
async function provisioned(gw: Gateway, prefix: string, n: number): Promise<Uint8Array[]> {
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${i}`;
    const { token } = await api<{ token: string }>(gw, 'POST', '/api/devices', {
      id,
      board: 'esp32',
      vm: 'mips1',
      tags: [prefix],
    });
    bodies.push(encodePayload({ id, token, hello: HELLO }, 'cbor'));
  }
  return bodies;
}

async function gatewayTelemetry(o: Options): Promise<Figures> {
  return withGateway(async (gw) => {
    const registrations = await provisioned(gw, 'tel', o.endpoints);
    const total = o.endpoints * o.requests;
    const db = gw.app.get(DataSource);
    const started = performance.now();
    const done = await runWorker({
      port: gw.coapPort,
      kind: 'telemetry',
      method: 'POST',
      urls: registrations.map(() => '/v1/telemetry?s={s}'),
      registrations,
      requests: o.requests,
      // Each sample its own uptime: the same sample again is a resend, stored once (§5.5).
      bodies: Array.from({ length: o.requests }, (_, n) =>
        encodePayload({ ...SAMPLE, uptimeMs: SAMPLE.uptimeMs + n }, 'cbor'),
      ),
    });
    const deadline = Date.now() + 120_000;
    for (;;) {
      const rows = await db.query<{ n: number }[]>('SELECT count(*) AS n FROM telemetry_samples');
      if (Number(rows[0].n) >= total) break;
      if (Date.now() > deadline) throw new Error(`only ${rows[0].n} of ${total} samples stored`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const storedMs = performance.now() - started;
    return {
      rps: (done.requests / done.ms) * 1000,
      storedRps: (total / storedMs) * 1000,
      retransmits: done.retransmits,
    };
  });
}

async function gatewayBlocks(o: Options, image: Uint8Array): Promise<Figures> {
  return withGateway(async (gw) => {
    const form = new FormData();
    form.append('name', 'coap-blocks');
    form.append('version', '1.0.0');
    form.append('vm', 'mips1');
    form.append('file', new Blob([Buffer.from(image)]), 'bench.m1');
    const up = await fetch(`${gw.httpUrl}/api/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.apiToken}` },
      body: form,
    });
    if (up.status !== 201) throw new Error(`upload refused: ${await up.text()}`);
    const registrations = await provisioned(gw, 'blk', o.transfers);
    // The devices never observe, so the rollout keeps them pending: fetchable, never offered.
    const { id } = await api<{ id: number }>(gw, 'POST', '/api/deployments', {
      app: { name: 'coap-blocks', version: '1.0.0' },
      target: { tag: 'blk' },
    });
    const done = await runWorker({
      port: gw.coapPort,
      kind: 'blocks',
      method: 'GET',
      urls: registrations.map(() => `/v1/ota/${id}?s={s}`),
      registrations,
      blockSize: 1024,
      sha256: createHash('sha256').update(image).digest('hex'),
    });
    return {
      rps: (done.requests / done.ms) * 1000,
      kibps: done.bytes / 1024 / (done.ms / 1000),
      retransmits: done.retransmits,
    };
  });
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function withLibcoap<T>(fn: (port: number) => Promise<T>): Promise<T> {
  const port = await freeUdpPort();
  const server: ChildProcess = spawn('coap-server-notls', ['-A', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  try {
    await new Promise((r) => setTimeout(r, 300));
    if (server.exitCode !== null) throw new Error(`coap-server-notls exited ${server.exitCode}`);
    return await fn(port);
  } finally {
    server.kill();
  }
}

function libcoapTelemetry(o: Options): Promise<Figures> {
  return withLibcoap(async (port) => {
    const done = await runWorker({
      port,
      kind: 'telemetry',
      method: 'PUT',
      urls: Array.from({ length: o.endpoints }, () => '/example_data'),
      requests: o.requests,
      body: encodePayload(SAMPLE, 'cbor'),
    });
    return { rps: (done.requests / done.ms) * 1000, retransmits: done.retransmits };
  });
}

function libcoapBlocks(o: Options, image: Uint8Array): Promise<Figures> {
  return withLibcoap(async (port) => {
    const file = path.join(os.tmpdir(), `vmfleet-bench-coap-${process.pid}.bin`);
    fs.writeFileSync(file, image);
    try {
      await new Promise<void>((resolve, reject) =>
        execFile(
          'coap-client-notls',
          ['-m', 'put', '-b', '1024', '-f', file, `coap://127.0.0.1:${port}/example_data`],
          (err: Error | null) => (err ? reject(err) : resolve()),
        ),
      );
    } finally {
      fs.rmSync(file, { force: true });
    }
    const done = await runWorker({
      port,
      kind: 'blocks',
      method: 'GET',
      urls: Array.from({ length: o.transfers }, () => '/example_data'),
      blockSize: 1024,
      sha256: createHash('sha256').update(image).digest('hex'),
    });
    return {
      rps: (done.requests / done.ms) * 1000,
      kibps: done.bytes / 1024 / (done.ms / 1000),
      retransmits: done.retransmits,
    };
  });
}

function hasLibcoap(): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => fs.existsSync(path.join(dir, 'coap-server-notls')));
}

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
  return n;
}

async function main(): Promise<void> {
  const o = new Command('bench:coap')
    .description(
      'CoAP telemetry POSTs/s from many endpoints and Block2 transfer throughput, beside libcoap coap-server',
    )
    .option('--endpoints <n>', 'client endpoints (UDP sockets) posting telemetry', positive, 50)
    .option('--requests <n>', 'CON requests per endpoint, one outstanding at a time', positive, 200)
    .option('--transfers <n>', 'endpoints downloading the image at once', positive, 20)
    .option('--kib <n>', 'image size in KiB', positive, 64)
    .option('--rounds <n>', 'rounds per side (the median is reported)', positive, 3)
    .parse()
    .opts<Options>();
  const base = fs.readFileSync(
    path.join(__dirname, '..', '..', 'firmware', 'build', 'mips1', 'blink.m1'),
  );
  const image = paddedImage(new Uint8Array(base), o.kib * 1024);
  const libcoap = hasLibcoap();
  console.log(
    `bench:coap  telemetry ${o.endpoints} endpoints × ${o.requests} CON POSTs; ` +
      `Block2 ${o.transfers} × ${image.length} B in 1024-byte blocks; ${o.rounds} rounds; ${os.cpus().length} cores`,
  );
  if (!libcoap) console.log('libcoap baseline skipped: apt-get install libcoap3-bin');
  const rows: Record<string, Figures[]> = {
    'telemetry  libcoap coap-server (PUT /example_data)': [],
    'telemetry  vmfleet gateway (POST /v1/telemetry)': [],
    'Block2     libcoap coap-server (GET /example_data)': [],
    'Block2     vmfleet gateway (GET /v1/ota/{id})': [],
  };
  const [lt, gt, lb, gb] = Object.values(rows);
  for (let r = 0; r < o.rounds; r++) {
    if (libcoap) lt.push(await libcoapTelemetry(o));
    gt.push(await gatewayTelemetry(o));
    if (libcoap) lb.push(await libcoapBlocks(o, image));
    gb.push(await gatewayBlocks(o, image));
    const f = (xs: Figures[]) => (xs[r] ? xs[r].rps.toFixed(0) : '–');
    console.log(
      `  round ${r + 1}: telemetry req/s libcoap ${f(lt)}, vmfleet ${f(gt)}; Block2 req/s libcoap ${f(lb)}, vmfleet ${f(gb)}`,
    );
  }
  const cell = (xs: Figures[], pick: (f: Figures) => number | undefined) => {
    const values = xs.map(pick).filter((v): v is number => v !== undefined);
    return values.length ? median(values).toFixed(0) : '–';
  };
  const table = [['side', 'req/s', 'stored/s', 'KiB/s', 'retransmits', 'ratio']];
  const ratio = (xs: Figures[], base: Figures[]) =>
    xs.length && base.length
      ? (median(xs.map((f) => f.rps)) / median(base.map((f) => f.rps))).toFixed(2)
      : '–';
  const names = Object.keys(rows);
  names.forEach((name, i) => {
    const xs = rows[name];
    const base = i % 2 === 0 ? xs : rows[names[i - 1]];
    table.push([
      name,
      cell(xs, (f) => f.rps),
      cell(xs, (f) => f.storedRps),
      cell(xs, (f) => f.kibps),
      cell(xs, (f) => f.retransmits),
      ratio(xs, base),
    ]);
  });
  console.log('');
  printTable(table);
  console.log(
    '\nreq/s = acknowledged CON requests per second (medians); ratio = vmfleet / libcoap. ' +
      'stored/s: until every sample is a row in SQLite.',
  );
}

if (require.main === module) {
  main()
    .then(() => process.exit(0))
    .catch((err: Error) => {
      console.error(`bench:coap failed: ${err.message}`);
      process.exit(1);
    });
}
