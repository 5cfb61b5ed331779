import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const STARTUP_MS = 60_000;
const API_TOKEN = 'process-test-token-0123456789abcdef';

/**
 * The gateway as a separate OS process (src/main.ts under ts-node), so a test can kill it
 * with SIGKILL mid-work and start it again on the same data dir and ports.
 */
export class GatewayProcess {
  private child: ChildProcess | null = null;
  private output = '';
  httpUrl = '';
  mqttPort = 0;
  coapPort = 0;
  readonly apiToken = API_TOKEN;

  private constructor(
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  /** `env` adds to (or overrides) the test defaults, e.g. a limit under test. */
  static async start(env: Record<string, string> = {}): Promise<GatewayProcess> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-proc-'));
    const gw = new GatewayProcess(dir, env);
    await gw.launch(0, 0, 0);
    return gw;
  }

  /** The gateway's process id, e.g. to read its RSS from /proc/<pid>/status. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get coapUrl(): string {
    return `coap://127.0.0.1:${this.coapPort}`;
  }

  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.mqttPort}`;
  }

  /** SIGKILL: no shutdown hooks, no flushes, no DISCONNECTs. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  /** Starts again on the same data dir and the same ports, so devices find it where it was. */
  async restart(): Promise<void> {
    await this.kill();
    const port = Number(new URL(this.httpUrl).port);
    await this.launch(port, this.mqttPort, this.coapPort);
  }

  async stop(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  async api<T = any>(
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(this.httpUrl + url, {
      method,
      headers: {
        authorization: `Bearer ${this.apiToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  private async launch(httpPort: number, mqttPort: number, coapPort: number): Promise<void> {
    this.output = '';
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/main.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          VMFLEET_DATA_DIR: this.dataDir,
          VMFLEET_HTTP_PORT: String(httpPort),
          VMFLEET_MQTT_PORT: String(mqttPort),
          VMFLEET_MQTT_TLS_PORT: '0',
          VMFLEET_COAP_PORT: String(coapPort),
          VMFLEET_BENCH_IMAGES: 'lazy',
          VMFLEET_BIND_HOST: '127.0.0.1',
          VMFLEET_API_TOKEN: API_TOKEN,
          VMFLEET_TELEMETRY_FLUSH_MS: '50',
          ...this.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    const http = await this.waitForLine(/vmfleet gateway (http:\/\/127\.0\.0\.1:\d+)/);
    const mqtt = await this.waitForLine(/MQTT {2}mqtt:\/\/127\.0\.0\.1:(\d+)/);
    this.httpUrl = http;
    this.mqttPort = Number(mqtt);
    this.coapPort = Number(await this.waitForLine(/CoAP {2}coap:\/\/127\.0\.0\.1:(\d+)/));
  }

  private async waitForLine(pattern: RegExp): Promise<string> {
    const deadline = Date.now() + STARTUP_MS;
    for (;;) {
      const match = pattern.exec(this.output);
      if (match) return match[1];
      if (this.child?.exitCode !== null || Date.now() > deadline) {
        throw new Error(`gateway process did not start:\n${this.output.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
