import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../main';
import type { FleetHandle, FleetStartOptions, SimRuntime } from '../sim/fleet';
import type { SimSummary } from '../sim/report';
import { captureIo } from '../testing/capture-io';
import { FakeGateway, TEST_TOKEN } from '../testing/fake-gateway';

/** Stands in for devices/ Fleet: every device connects at once and sends 2 samples per stats() call. */
class FakeFleet implements FleetHandle {
  stopped = false;
  private sent = 0;
  constructor(readonly options: FleetStartOptions) {}
  stats() {
    if (!this.stopped) this.sent += 2 * this.options.devices.length;
    const total = this.options.devices.length;
    return {
      total,
      connected: this.stopped ? 0 : total,
      telemetrySent: this.sent,
      errorsReceived: 0,
      reconnects: 1,
    };
  }
  async stop() {
    this.stopped = true;
  }
}

function fakeRuntime(): SimRuntime & { fleets: FakeFleet[] } {
  const fleets: FakeFleet[] = [];
  return {
    fleets,
    async checkBoard(name) {
      if (name === 'pdp11') throw new Error('unknown board "pdp11"; known boards: nrf52840, esp32');
    },
    async startFleet(options) {
      for (let n = 1; n <= options.devices.length; n++)
        options.onProgress?.(n, options.devices.length);
      const fleet = new FakeFleet(options);
      fleets.push(fleet);
      return fleet;
    },
  };
}

describe('vmfleet sim', () => {
  let gateway: FakeGateway;
  let cwd: string;

  beforeEach(async () => {
    gateway = await FakeGateway.start();
    cwd = await mkdtemp(join(tmpdir(), 'vmfleet-sim-'));
  });

  afterEach(async () => {
    await gateway.close();
    await rm(cwd, { recursive: true, force: true });
  });

  function setup(signals = new EventEmitter()) {
    const captured = captureIo({
      cwd,
      env: { VMFLEET_URL: gateway.url, VMFLEET_API_TOKEN: TEST_TOKEN },
    });
    const runtime = fakeRuntime();
    const run = (...args: string[]) =>
      runCli(['sim', ...args], { io: captured.io, simRuntime: runtime, signals });
    return { ...captured, runtime, run, signals };
  }

  it('provisions, runs for --duration, stops the fleet and prints a JSON summary', async () => {
    const { run, runtime, stdout, stderr } = setup();
    const code = await run(
      '--count',
      '3',
      '--vm',
      'lua',
      '--board',
      'esp32',
      '--duration',
      '0.25',
      '--status-every',
      '0.05',
      '--interval',
      '500',
      '--json',
    );
    expect(code).toBe(0);
    const summary = JSON.parse(stdout()) as SimSummary;
    expect(summary).toMatchObject({
      gateway: gateway.url,
      mqttUrl: 'mqtt://127.0.0.1:18830',
      board: 'esp32',
      vm: 'lua',
      stoppedBy: 'duration',
      devices: { total: 3, created: 3, reused: 0, reprovisioned: 0 },
      stats: { total: 3, connected: 3 },
    });
    expect(summary.durationMs).toBeGreaterThanOrEqual(240);
    expect(runtime.fleets[0].stopped).toBe(true);
    expect(runtime.fleets[0].options).toMatchObject({
      mqttUrl: 'mqtt://127.0.0.1:18830',
      telemetryIntervalMs: 500,
    });
    expect(runtime.fleets[0].options.devices[0]).toEqual({
      id: 'sim-esp32-lua-001',
      token: 'token-1',
      board: 'esp32',
      vm: 'lua',
      // The gateway's manifest key, so the devices can verify OTA updates.
      signingKey: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
    });
    // Under --json the status lines go to stderr, so stdout is one JSON document.
    expect(stderr()).toMatch(
      /^\[\d+ms\] connected 3\/3 \| telemetry [\d,]+ \(\+6\) \| errors 0 \| reconnects 1$/m,
    );
  });

  it('refuses, exit 1, to start devices another process has online, unless --new-ids', async () => {
    const first = setup();
    await expect(first.run('--count', '2', '--duration', '0.01')).resolves.toBe(0);
    gateway.devices.get('sim-nrf52840-wasm-001')!.online = true;
    const second = setup();
    await expect(second.run('--count', '2', '--duration', '0.01')).resolves.toBe(1);
    expect(second.stderr()).toMatch(
      /^error: 1 of the 2 devices are already online from another process \(sim-nrf52840-wasm-001\)/,
    );
    expect(second.runtime.fleets).toHaveLength(0);
    const third = setup();
    await expect(
      third.run('--count', '2', '--duration', '0.01', '--new-ids', '--json'),
    ).resolves.toBe(0);
    expect(third.runtime.fleets[0].options.devices.map((d) => d.id)).toEqual([
      'sim-nrf52840-wasm-002',
      'sim-nrf52840-wasm-003',
    ]);
  });

  it('keeps credentials in <state-dir>/devices.json (0600) and reuses them on the next run', async () => {
    const first = setup();
    await expect(
      first.run(
        '--count',
        '2',
        '--duration',
        '0.01',
        '--state-dir',
        'state',
        '--mqtt-url',
        'mqtt://broker:1883',
      ),
    ).resolves.toBe(0);
    const file = join(cwd, 'state', 'devices.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { devices: Array<{ id: string }> };
    expect(saved.devices.map((d) => d.id)).toEqual([
      'sim-nrf52840-wasm-001',
      'sim-nrf52840-wasm-002',
    ]);
    expect(first.stdout()).toMatch(/Provisioned\s+│ 2 new, 0 reused, 0 re-provisioned/);
    expect(gateway.requests.some((r) => r.path === '/api/health')).toBe(false);

    const second = setup();
    await expect(
      second.run('--count', '3', '--duration', '0.01', '--state-dir', 'state', '--json'),
    ).resolves.toBe(0);
    expect(JSON.parse(second.stdout())).toMatchObject({
      devices: { total: 3, created: 1, reused: 2, reprovisioned: 0 },
    });
  });

  it('stops cleanly on SIGINT and prints a readable summary', async () => {
    const { run, runtime, stdout, signals } = setup();
    const running = run('--count', '1', '--prefix', 'ctl', '--status-every', '60');
    await new Promise((resolve) => setTimeout(resolve, 100));
    signals.emit('SIGINT', 'SIGINT');
    await expect(running).resolves.toBe(0);
    expect(runtime.fleets[0].stopped).toBe(true);
    expect(stdout()).toContain(`1 device running against mqtt://127.0.0.1:18830; Ctrl-C stops`);
    expect(stdout()).toMatch(/Ran for\s+│ \d+ms \(stopped by signal\)/);
    expect(stdout()).toMatch(/Devices\s+│ 1 × nrf52840 \/ wasm/);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('exits 130 when interrupted while provisioning, keeping what was provisioned', async () => {
    const { run, runtime, stderr, signals } = setup();
    const running = run('--count', '20', '--duration', '5');
    while (signals.listenerCount('SIGINT') === 0) await new Promise((r) => setImmediate(r));
    signals.emit('SIGINT', 'SIGINT');
    await expect(running).resolves.toBe(130);
    expect(stderr()).toMatch(
      /^error: interrupted: 8\/20 devices provisioned and saved in .*devices\.json; run the same command again to continue\n$/,
    );
    expect(runtime.fleets).toHaveLength(0);
    expect(gateway.devices.size).toBe(8);
  });

  it('runs the devices over CoAP with --transport coap, at --coap-url or the gateway host', async () => {
    const { run, runtime, stdout } = setup();
    const args = ['--count', '1', '--duration', '0.01', '--transport', 'coap', '--json'];
    await expect(run(...args)).resolves.toBe(0);
    const host = new URL(gateway.url).hostname;
    expect(runtime.fleets[0].options).toMatchObject({
      transport: 'coap',
      coapUrl: `coap://${host}:5683`,
    });
    expect(runtime.fleets[0].options.mqttUrl).toBeUndefined();
    expect(JSON.parse(stdout())).toMatchObject({
      transport: 'coap',
      coapUrl: `coap://${host}:5683`,
    });

    const again = setup();
    await expect(again.run(...args, '--coap-url', 'coap://10.0.0.5:5700')).resolves.toBe(0);
    expect(again.runtime.fleets[0].options.coapUrl).toBe('coap://10.0.0.5:5700');
    await expect(again.run('--coap-url', 'mqtt://x')).resolves.toBe(1);
  });

  it('fails with one line for an unknown board, before touching the gateway', async () => {
    const { run, stderr } = setup();
    await expect(run('--board', 'pdp11', '--duration', '1')).resolves.toBe(1);
    expect(stderr()).toBe('error: unknown board "pdp11"; known boards: nrf52840, esp32\n');
    expect(gateway.requests).toHaveLength(0);
  });

  it('reports a fleet that cannot connect', async () => {
    const ctx = setup();
    ctx.runtime.startFleet = () =>
      Promise.reject(new Error('1 of 1 devices failed to start: sim-x: not authorized'));
    await expect(ctx.run('--count', '1', '--duration', '1')).resolves.toBe(1);
    expect(ctx.stderr()).toBe(
      'error: connecting the fleet to mqtt://127.0.0.1:18830 failed: 1 of 1 devices failed to start: sim-x: not authorized\n',
    );
  });
});
