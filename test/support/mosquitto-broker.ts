import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../cli/main';
import { captureIo } from '../../cli/testing/capture-io';
import { waitFor } from './gateway';
import { toolPath } from './system-tools';

/** A free loopback port: mosquitto takes no port 0, so ask the kernel for one first. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket.end() && true));
    socket.once('error', () => resolve(false));
  });
}

/** A mosquitto process of a test and what the gateway needs to join it. */
export interface Broker {
  dir: string;
  url: string;
  port: number;
  /** What `vmfleet broker config --json` says to set: VMFLEET_MQTT_BROKER_URL and the rest. */
  env: Record<string, string>;
  process: ChildProcess;
  log: () => string;
}

/**
 * Mosquitto with dynamic security as `vmfleet broker config` sets it up, in `dir` (a new
 * temporary directory by default; stopMosquitto removes only one it made).
 */
export async function startMosquitto(dir?: string): Promise<Broker> {
  const home = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-mosquitto-'));
  const port = await freePort();
  const cli = captureIo();
  const args = ['broker', 'config', '--out', home, '--port', String(port), '--json'];
  if ((await runCli(args, { io: cli.io })) !== 0)
    throw new Error(`broker config failed: ${cli.stderr()}`);
  const { env } = JSON.parse(cli.stdout()) as { env: Record<string, string> };
  let log = '';
  const broker: Broker = {
    dir: home,
    url: env.VMFLEET_MQTT_BROKER_URL,
    port,
    env,
    process: spawnMosquitto(home, (text) => (log += text)),
    log: () => log,
  };
  owned.set(broker, dir === undefined);
  await waitFor('mosquitto listening', () => portOpen(port));
  return broker;
}

const owned = new WeakMap<Broker, boolean>();

function spawnMosquitto(dir: string, onOutput: (text: string) => void): ChildProcess {
  const child = spawn(toolPath('mosquitto')!, ['-c', path.join(dir, 'mosquitto.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => onOutput(d.toString()));
  child.stderr?.on('data', (d: Buffer) => onOutput(d.toString()));
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The same broker (its port, files and persisted state) as a new process. */
export async function restartMosquitto(broker: Broker): Promise<void> {
  await kill(broker.process);
  broker.process = spawnMosquitto(broker.dir, () => undefined);
  await waitFor('mosquitto listening again', () => portOpen(broker.port));
}

export async function stopMosquitto(broker: Broker | undefined): Promise<void> {
  if (!broker) return;
  await kill(broker.process);
  if (owned.get(broker)) fs.rmSync(broker.dir, { recursive: true, force: true });
}
