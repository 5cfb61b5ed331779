import type { TelemetryPoint } from '../../src/protocol/api';
import { runCli } from '../main';
import { captureIo } from '../testing/capture-io';
import { FakeGateway, makeDevice, TEST_TOKEN } from '../testing/fake-gateway';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');

function point(ts: string, overrides: Partial<TelemetryPoint> = {}): TelemetryPoint {
  return {
    ts,
    samples: 6,
    uptimeMs: 60_000,
    ramUsed: 12 * 1024,
    ramPeak: 16 * 1024,
    ramTotal: 228 * 1024,
    flashUsed: 40 * 1024,
    flashTotal: 912 * 1024,
    cpuLoad: 0.125,
    instructions: 1_234_567,
    vmState: 'running',
    app: null,
    ...overrides,
  };
}

describe('commands against a gateway', () => {
  let gateway: FakeGateway;

  beforeEach(async () => {
    gateway = await FakeGateway.start();
  });

  afterEach(async () => {
    await gateway.close();
  });

  async function vmfleet(...args: string[]) {
    const captured = captureIo({
      env: { VMFLEET_URL: gateway.url, VMFLEET_API_TOKEN: TEST_TOKEN },
    });
    const code = await runCli(args, { io: captured.io, now: () => NOW });
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  }

  function seed(): void {
    const latest = {
      at: '2024-05-01T11:59:55Z',
      ramUsed: 12 * 1024,
      ramTotal: 228 * 1024,
      cpuLoad: 0.5,
    };
    gateway.devices.set(
      'lab-01',
      makeDevice('lab-01', {
        online: true,
        tags: ['lab'],
        lastSeenAt: '2024-05-01T11:59:55Z',
        transport: 'coap',
        instance: 'gw-a',
        latest,
      }),
    );
    gateway.devices.set(
      'lab-02',
      makeDevice('lab-02', { board: 'esp32', vm: { kind: 'lua', version: '5.4' } }),
    );
  }

  it('lists devices as a table', async () => {
    seed();
    const { code, stdout, stderr } = await vmfleet('devices', 'list');
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/ID\s+│ Board\s+│ VM/);
    expect(stdout).toMatch(
      /lab-01\s+│ nrf52840 │ wasm │ online\s+│ coap on gw-a │ 5s ago\s+│ 12.0 KiB \/ 228.0 KiB \(5.3%\) │ 50.0% │ lab/,
    );
    expect(stdout).toMatch(/lab-02\s+│ esp32\s+│ lua\s+│ offline │ -\s+│ never/);
  });

  it('passes list filters to the gateway and prints JSON', async () => {
    seed();
    const { code, stdout } = await vmfleet(
      'devices',
      'list',
      '--tag',
      'lab',
      '--vm',
      'wasm',
      '--offline',
      '--json',
    );
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as Array<{ id: string }>).map((d) => d.id)).toEqual([
      'lab-01',
      'lab-02',
    ]);
    expect(Object.fromEntries(gateway.requests[0].query)).toEqual({
      tag: 'lab',
      vm: 'wasm',
      online: 'false',
    });
  });

  it('passes --transport to the gateway', async () => {
    seed();
    const { code } = await vmfleet('devices', 'list', '--transport', 'coap');
    expect(code).toBe(0);
    expect(Object.fromEntries(gateway.requests[0].query)).toEqual({ transport: 'coap' });
  });

  it('says so when no device matches', async () => {
    await expect(vmfleet('devices', 'list', '--online')).resolves.toMatchObject({
      code: 0,
      stdout: 'No devices match.\n',
    });
  });

  it('shows one device', async () => {
    seed();
    const { code, stdout } = await vmfleet('devices', 'show', 'lab-02');
    expect(code).toBe(0);
    expect(stdout).toMatch(/VM\s+│ lua 5.4/);
    expect(stdout).toMatch(/Limits\s+│ not reported yet/);
    expect(stdout).toMatch(/Created\s+│ 2024-05-01 12:00:00Z \(just now\)/);
    const withSample = await vmfleet('devices', 'show', 'lab-01');
    expect(withSample.stdout).toMatch(/Latest sample\s+│ 2024-05-01 11:59:55Z/);
    expect(withSample.stdout).toMatch(/RAM\s+│ 12.0 KiB \/ 228.0 KiB \(5.3%\)/);
    const json = await vmfleet('devices', 'show', 'lab-02', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 'lab-02', board: 'esp32' });
  });

  it('adds a device and prints its token once, with a warning', async () => {
    const { code, stdout, stderr } = await vmfleet(
      'devices',
      'add',
      'new-1',
      '--board',
      'esp32',
      '--vm',
      'js',
      '--tag',
      'a',
      'b',
    );
    expect(code).toBe(0);
    expect(stdout).toBe('Created device new-1 (esp32, js).\nToken: token-1\n');
    expect(stderr).toMatch(/^Warning: the token is shown only this once/);
    expect(gateway.requests[0].body).toEqual({
      id: 'new-1',
      board: 'esp32',
      vm: 'js',
      tags: ['a', 'b'],
    });
    const json = await vmfleet(
      'devices',
      'add',
      'new-2',
      '--board',
      'esp32',
      '--vm',
      'js',
      '--json',
    );
    expect(JSON.parse(json.stdout)).toMatchObject({ device: { id: 'new-2' }, token: 'token-2' });
  });

  it('prints the RIOT shell lines that provision a firmware/riot device', async () => {
    const { code, stdout } = await vmfleet(
      'devices',
      'add',
      'riot-1',
      '--board',
      'native64',
      '--vm',
      'mips1',
      '--riot',
      '[fd00::1]:5683',
    );
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines).toContain('vmfleet id riot-1');
    expect(lines).toContain('vmfleet token token-1');
    expect(lines).toContain('vmfleet gw [fd00::1]:5683');
    expect(lines.find((l) => l.startsWith('vmfleet key '))).toMatch(/^vmfleet key [0-9a-f]{64}$/);
    expect(lines).toContain(
      '# start: firmware/riot/bin/mips1/native64/vmfleet.elf --mtd riot-1.flash tap0',
    );
    expect(lines[lines.length - 2]).toBe('vmfleet start');
  });

  it('removes and retags devices', async () => {
    seed();
    await expect(
      vmfleet('devices', 'tag', 'lab-01', '--add', 'x', 'y', '--remove', 'lab'),
    ).resolves.toMatchObject({
      code: 0,
      stdout: 'Tags of lab-01: x, y\n',
    });
    await expect(vmfleet('devices', 'rm', 'lab-01')).resolves.toMatchObject({
      code: 0,
      stdout: 'Deleted device lab-01.\n',
    });
    expect([...gateway.devices.keys()]).toEqual(['lab-02']);
  });

  it("prints the server's code and message on one line when the API fails", async () => {
    const { code, stdout, stderr } = await vmfleet('devices', 'show', 'ghost');
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toBe('error: device ghost not found (device_not_found, HTTP 404)\n');
  });

  it("prints the server's error as JSON on stderr under --json, with the gateway's code", async () => {
    const { code, stdout, stderr } = await vmfleet('devices', 'show', 'ghost', '--json');
    expect([code, stdout]).toEqual([1, '']);
    expect(JSON.parse(stderr)).toEqual({
      error: {
        code: 'device_not_found',
        message: 'device ghost not found (device_not_found, HTTP 404)',
      },
    });
  });

  it('prints telemetry points as a table', async () => {
    gateway.devices.set('lab-01', makeDevice('lab-01'));
    gateway.telemetry = {
      deviceId: 'lab-01',
      from: '2024-05-01T11:00:00.000Z',
      to: '2024-05-01T12:00:00.000Z',
      stepMs: 600_000,
      points: [
        point('2024-05-01T11:00:00.000Z'),
        point('2024-05-01T11:10:00.000Z', { vmState: 'faulted' }),
      ],
    };
    const { code, stdout } = await vmfleet('telemetry', 'lab-01', '--from', '1h', '--step', '10m');
    expect(code).toBe(0);
    expect(stdout).toContain(
      'lab-01: 2024-05-01 11:00:00Z → 2024-05-01 12:00:00Z, step 10m, 2 points',
    );
    expect(stdout).toMatch(
      /2024-05-01 11:00:00Z │\s+12.0 KiB │\s+16.0 KiB │\s+228.0 KiB │\s+5.3% │ 40.0 KiB \/ 912.0 KiB \(4.4%\) │\s+12.5% │ running\s+│\s+1,234,567/,
    );
    expect(stdout).toContain('faulted');
    expect(Object.fromEntries(gateway.requests[0].query)).toEqual({
      from: String(NOW - 3_600_000),
      step: '10m',
    });
  });

  it('says so when a range has no telemetry, and prints JSON on request', async () => {
    gateway.devices.set('lab-01', makeDevice('lab-01'));
    gateway.telemetry = {
      deviceId: 'lab-01',
      from: '2024-05-01T11:00:00Z',
      to: '2024-05-01T12:00:00Z',
      stepMs: 10_000,
      points: [],
    };
    await expect(vmfleet('telemetry', 'lab-01')).resolves.toMatchObject({
      stdout: 'No telemetry from lab-01 between 2024-05-01 11:00:00Z → 2024-05-01 12:00:00Z.\n',
    });
    const json = await vmfleet('telemetry', 'lab-01', '--json');
    expect(JSON.parse(json.stdout)).toEqual(gateway.telemetry);
  });

  it('prints the fleet summary by VM and by board', async () => {
    const group = {
      total: 4,
      online: 3,
      ramUsed: 64 * 1024,
      ramTotal: 1024 * 1024,
      flashUsed: 0,
      flashTotal: 4 * 1024 * 1024,
      cpuLoad: 0.25,
    };
    gateway.summary = {
      devices: { total: 4, online: 3 },
      byVm: [{ key: 'wasm', ...group }],
      byBoard: [{ key: 'nrf52840', ...group }],
    };
    const { code, stdout } = await vmfleet('fleet');
    expect(code).toBe(0);
    expect(stdout).toContain('Devices: 4 total, 3 online (75.0%)');
    expect(stdout).toMatch(/By VM\n.*\n│ VM\s+│ Devices │ Online │ RAM/);
    expect(stdout).toMatch(
      /│ wasm\s+│\s+4 │\s+3 │ 64.0 KiB \/ 1.0 MiB \(6.3%\) │ 0 B \/ 4.0 MiB \(0.0%\) │ 25.0% │/,
    );
    expect(stdout).toMatch(/By board\n.*\n│ Board\s+│/);
    const json = await vmfleet('fleet', '--json');
    expect(JSON.parse(json.stdout)).toEqual(gateway.summary);
  });
});
