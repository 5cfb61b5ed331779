import { spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PortInUseError } from '../src/gateway';
import { startTestGateway } from './support/gateway';

const ROOT = path.join(__dirname, '..');

/** A TCP server holding a port on 127.0.0.1, as another program would. */
function holdPort(): Promise<{ port: number; release(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      const release = () => new Promise<void>((done) => server.close(() => done()));
      resolve({ port, release });
    });
  });
}

/** src/main.ts as `npm start` runs it (ts-node), until it exits or `until` matches stdout. */
function runGatewayProcess(
  env: Record<string, string>,
  until?: RegExp,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', VMFLEET_BENCH_IMAGES: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (until?.test(stdout)) child.kill('SIGKILL');
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('gateway start-up', () => {
  let dataDir: string;
  let held: Awaited<ReturnType<typeof holdPort>> | undefined;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-start-'));
  });

  afterEach(async () => {
    await held?.release();
    held = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a taken HTTP port with the port and the variable, and lets go of MQTT', async () => {
    held = await holdPort();
    const mqtt = await holdPort();
    await mqtt.release(); // a port that was free a moment ago, for the MQTT listener
    const start = startTestGateway(
      { VMFLEET_HTTP_PORT: String(held.port), VMFLEET_MQTT_PORT: String(mqtt.port) },
      { dataDir },
    );
    await expect(start).rejects.toThrow(PortInUseError);
    await expect(start).rejects.toThrow(
      `port ${held.port} (HTTP) is already in use on 127.0.0.1: stop what holds it, or set VMFLEET_HTTP_PORT to a free port (0 picks one)`,
    );
    // The MQTT listener that had started is closed again: its port can be bound.
    const again = net.createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(mqtt.port, '127.0.0.1', () => resolve());
    });
    await new Promise((resolve) => again.close(resolve));
  });

  it('refuses a taken MQTT port naming VMFLEET_MQTT_PORT', async () => {
    held = await holdPort();
    const start = startTestGateway({ VMFLEET_MQTT_PORT: String(held.port) }, { dataDir });
    await expect(start).rejects.toThrow(
      `port ${held.port} (MQTT) is already in use on 127.0.0.1: stop what holds it, or set VMFLEET_MQTT_PORT`,
    );
  });

  it('refuses a taken CoAP port naming VMFLEET_COAP_PORT instead of hanging', async () => {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    try {
      const port = udp.address().port;
      const start = startTestGateway({ VMFLEET_COAP_PORT: String(port) }, { dataDir });
      await expect(start).rejects.toThrow(`port ${port} (CoAP, udp) is already in use`);
    } finally {
      udp.close();
    }
  });

  it('prints one line and exits 1 when `npm start` finds the HTTP port taken', async () => {
    held = await holdPort();
    const run = await runGatewayProcess({
      VMFLEET_DATA_DIR: dataDir,
      VMFLEET_BIND_HOST: '127.0.0.1',
      VMFLEET_HTTP_PORT: String(held.port),
      VMFLEET_MQTT_PORT: '0',
      VMFLEET_MQTT_TLS_PORT: '0',
      VMFLEET_COAP_PORT: '0',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `vmfleet: failed to start: port ${held.port} (HTTP) is already in use on 127.0.0.1: stop what holds it, or set VMFLEET_HTTP_PORT to a free port (0 picks one)\n`,
    );
    expect(run.stdout).not.toContain('successfully started');
    expect(run.stdout).not.toContain('vmfleet gateway');
  }, 60_000);

  it('says in its banner that it listens on all interfaces when bound to 0.0.0.0', async () => {
    const run = await runGatewayProcess(
      {
        VMFLEET_DATA_DIR: dataDir,
        VMFLEET_BIND_HOST: '0.0.0.0',
        VMFLEET_HTTP_PORT: '0',
        VMFLEET_MQTT_PORT: '0',
        VMFLEET_MQTT_TLS_PORT: '0',
        VMFLEET_COAP_PORT: '0',
      },
      /data {2}.*\n/,
    );
    const banner = run.stdout.slice(run.stdout.indexOf('vmfleet gateway'));
    expect(banner).toMatch(
      /^vmfleet gateway http:\/\/<this host>:(\d+) \(all interfaces; here http:\/\/127\.0\.0\.1:\1\) {2}\(API docs http:\/\/127\.0\.0\.1:\1\/api\/docs\)\n/,
    );
    expect(banner).toMatch(
      /\n {2}MQTT {2}mqtt:\/\/<this host>:\d+ \(all interfaces\) {2}ws ws:\/\/<this host>:\d+\/mqtt\n/,
    );
    expect(banner).toMatch(
      /\n {2}CoAP {2}coap:\/\/<this host>:\d+ \(all interfaces\) {2}\(udp\)\n/,
    );
    expect(banner).not.toContain('127.0.0.1:0');
  }, 60_000);
});
