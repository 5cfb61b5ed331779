import { spawn, fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** One broker under load in a child process of its own: the gateway or a bare baseline. */
export interface Side {
  name: string;
  child: ChildProcess;
  host: string;
  mqttPort: number;
  /** The gateway's REST root and API token; absent for the bare brokers. */
  http?: { url: string; token: string };
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Keeps the last lines a child printed, to say why it died. */
function tail(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer) => (text = (text + chunk.toString()).slice(-2000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text.trim();
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}

function exited(child: ChildProcess, what: string, last: () => string): Promise<never> {
  return new Promise((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`${what} exited (${signal ?? code}) before it was ready: ${last()}`)),
    ),
  );
}

/**
 * `node dist/src/main.js` as `npm start` runs it: a fresh data dir (SQLite), every listener
 * on a loopback port 0, the embedded aedes broker, a known API token, its default log level
 * (VMFLEET_LOG_LEVEL passes through); ready once its banner names the HTTP and MQTT ports. `nodeArgs` go to node (e.g. --heapsnapshot-signal=SIGUSR2).
 */
export async function startGatewaySide(nodeArgs: string[] = []): Promise<Side> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-bench-load-'));
  const token = 'bench-load-api-token-0123456789abcdef';
  const child = spawn(process.execPath, [...nodeArgs, path.join(__dirname, '../src/main.js')], {
    env: {
      ...process.env,
      NO_COLOR: '1',
      VMFLEET_DATA_DIR: dataDir,
      VMFLEET_BIND_HOST: HOST,
      VMFLEET_HTTP_PORT: '0',
      VMFLEET_MQTT_PORT: '0',
      VMFLEET_MQTT_TLS_PORT: 'off',
      VMFLEET_COAP_PORT: '0',
      VMFLEET_BENCH_IMAGES: 'off',
      VMFLEET_API_TOKEN: token,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const last = tail(child);
  const banner = new Promise<{ http: number; mqtt: number }>((resolve) => {
    let out = '';
    const on = (chunk: Buffer) => {
      out += chunk.toString();
      const http = /vmfleet gateway http:\/\/[^:]+:(\d+)/.exec(out);
      const mqtt = /MQTT\s+mqtt:\/\/[^:]+:(\d+)/.exec(out);
      if (!http || !mqtt) return;
      child.stdout?.off('data', on);
      resolve({ http: Number(http[1]), mqtt: Number(mqtt[1]) });
    };
    child.stdout?.on('data', on);
  });
  const ports = await Promise.race([banner, exited(child, 'the gateway', last)]);
  return {
    name: 'vmfleet gateway',
    child,
    host: HOST,
    mqttPort: ports.mqtt,
    http: { url: `http://${HOST}:${ports.http}`, token },
    async close() {
      await stopChild(child);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** bench/load-aedes.ts: aedes with its defaults, no authentication, in its own process. */
export async function startAedesSide(): Promise<Side> {
  const child = fork(path.join(__dirname, 'load-aedes.js'), [], { stdio: 'pipe' });
  const last = tail(child);
  const ready = new Promise<number>((resolve) =>
    child.once('message', (m: { port: number }) => resolve(m.port)),
  );
  const port = await Promise.race([ready, exited(child, 'bare aedes', last)]);
  return { name: 'bare aedes', child, host: HOST, mqttPort: port, close: () => stopChild(child) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForListener(port: number, child: ChildProcess, last: () => string) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited: ${last()}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: HOST, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${HOST}:${port} within 5 s: ${last()}`);
}

/** Debian's mosquitto 2.x on a loopback port: anonymous, no persistence, no connection cap, no Nagle. */
export async function startMosquittoSide(): Promise<Side> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-bench-mosquitto-'));
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(
    conf,
    [
      `listener ${port} ${HOST}`,
      'allow_anonymous true',
      'persistence false',
      'max_connections -1',
      // aedes' sockets (here and in the gateway) have Nagle off; without this Mosquitto's
      // replies wait for delayed ACKs (~40 ms a round trip).
      'set_tcp_nodelay true',
      'log_type error',
      'log_dest stderr',
      '',
    ].join('\n'),
  );
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  const last = tail(child);
  const failed = new Promise<never>((_, reject) =>
    child.once('error', (err) =>
      reject(new Error(`cannot run mosquitto (${err.message}): install Debian's mosquitto`)),
    ),
  );
  await Promise.race([waitForListener(port, child, last), failed]);
  return {
    name: 'bare Mosquitto',
    child,
    host: HOST,
    mqttPort: port,
    async close() {
      await stopChild(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
