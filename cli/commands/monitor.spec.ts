import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../main';
import { captureIo } from '../testing/capture-io';
import {
  fail,
  FakeGateway,
  makeDevice,
  TEST_TOKEN,
  type MonitorBody,
} from '../testing/fake-gateway';
import type { StubResponse } from '../testing/stub-server';

const STATUS = {
  state: 'paused',
  vm: 'mips1',
  app: { id: 'blinky', version: '1.2.0' },
  phase: 'main',
  pc: 0x400010,
  instructions: 1_234_567,
  pendingEvents: 2,
  guestMemoryBytes: 65_536,
  peakGuestBytes: 1536,
  lastEnd: { kind: 'exited', code: 0 },
};

function ok(body: MonitorBody, result: unknown): StubResponse {
  return { status: 200, body: { id: 'cmd-1', op: body.op, result } };
}

describe('vmfleet monitor', () => {
  let gateway: FakeGateway;
  let dir: string;

  beforeEach(async () => {
    gateway = await FakeGateway.start();
    gateway.devices.set('lab-01', makeDevice('lab-01', { online: true }));
    dir = mkdtempSync(join(tmpdir(), 'vmfleet-monitor-'));
  });

  afterEach(async () => {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function vmfleet(...args: string[]) {
    const captured = captureIo({
      env: { VMFLEET_URL: gateway.url, VMFLEET_API_TOKEN: TEST_TOKEN },
    });
    const code = await runCli(args, { io: captured.io });
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  }

  function sent(): MonitorBody[] {
    return gateway.requests
      .filter((r) => r.path === '/api/devices/lab-01/monitor')
      .map((r) => r.body as MonitorBody);
  }

  it('prints the status as a key/value table, or the whole answer as JSON', async () => {
    gateway.monitor = (body) => ok(body, STATUS);
    const { code, stdout, stderr } = await vmfleet('monitor', 'lab-01', 'status');
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/State\s+│ paused/);
    expect(stdout).toMatch(/App\s+│ blinky 1.2.0/);
    expect(stdout).toMatch(/PC\s+│ 0x00400010/);
    expect(stdout).toMatch(/Instructions\s+│ 1,234,567/);
    expect(stdout).toMatch(/Guest memory peak\s+│ 1.5 KiB/);
    expect(stdout).toMatch(/Last end\s+│ exited with 0/);
    const json = await vmfleet('monitor', 'lab-01', 'status', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ id: 'cmd-1', op: 'status', result: STATUS });
    expect(sent()).toEqual([{ op: 'status' }, { op: 'status' }]);
  });

  it('takes the op first too', async () => {
    gateway.monitor = (body) => ok(body, { ...STATUS, app: null, phase: null, lastEnd: null });
    const { code, stdout } = await vmfleet('monitor', 'status', 'lab-01');
    expect(code).toBe(0);
    expect(stdout).toMatch(/App\s+│ -/);
    expect(stdout).toMatch(/Last end\s+│ -/);
  });

  it.each([
    [['monitor', '--timeout', '2000', 'lab-01', 'status']],
    [['monitor', '--timeout', '2000', 'status', 'lab-01']],
    [['monitor', 'lab-01', 'status', '--timeout', '2000']],
    [['monitor', 'status', 'lab-01', '--timeout', '2000']],
  ])('passes --timeout to the gateway as timeoutMs: %j', async (args) => {
    gateway.monitor = (body) => ok(body, STATUS);
    const { code, stderr } = await vmfleet(...args);
    expect([code, stderr]).toEqual([0, '']);
    expect(sent()).toEqual([{ op: 'status', timeoutMs: 2000 }]);
  });

  it('names the --timeout it was given when the device does not answer in time', async () => {
    gateway.monitor = () => fail(504, 'device_timeout', 'x');
    const run = await vmfleet('monitor', '--timeout', '300', 'lab-01', 'registers');
    expect([run.code, run.stderr]).toEqual([
      1,
      'error: device lab-01 did not answer within 300 ms\n',
    ]);
    expect(sent()).toEqual([{ op: 'registers', timeoutMs: 300 }]);
  });

  it('lists --timeout in `monitor --help`', async () => {
    const { code, stdout } = await vmfleet('monitor', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/--timeout <ms> +how long the gateway waits for the device's reply/);
  });

  it('loads an image file as base64, with the VM from its extension', async () => {
    const file = join(dir, 'blinky.m1');
    writeFileSync(file, Buffer.from([0x4d, 0x31, 0x00, 0xff]));
    const result = { loadTimeMs: 0.4217, imageBytes: 4, guestMemoryBytes: 65_536, state: 'loaded' };
    gateway.monitor = (body) => ok(body, result);
    const { code, stdout } = await vmfleet(
      'monitor',
      'lab-01',
      'load',
      file,
      '--app',
      'blinky@1.2.0',
      '--timeout',
      '20000',
    );
    expect(code).toBe(0);
    expect(stdout).toBe(
      `Loaded ${file} into lab-01 (mips1, image 4 B, guest memory 64.0 KiB, load 0.42 ms); VM loaded.\n`,
    );
    expect(sent()).toEqual([
      {
        op: 'load',
        args: { vm: 'mips1', image: 'TTEA/w==', app: { id: 'blinky', version: '1.2.0' } },
        timeoutMs: 20000,
      },
    ]);
  });

  it('refuses an image it cannot tell the VM of, or cannot read, before calling the gateway', async () => {
    const file = join(dir, 'app.bin');
    writeFileSync(file, 'x');
    await expect(vmfleet('monitor', 'lab-01', 'load', file)).resolves.toMatchObject({
      code: 1,
      stderr: `error: cannot tell the VM of ${file} from its extension; pass --vm\n`,
    });
    const missing = await vmfleet('monitor', 'lab-01', 'load', join(dir, 'none.m1'));
    expect(missing.stderr).toMatch(/^error: cannot read .*none\.m1: ENOENT/);
    const withVm = await vmfleet('monitor', 'lab-01', 'load', file, '--vm', 'wasm');
    expect(withVm.stderr).toBe('error: device lab-01 is not connected\n');
    expect(sent()).toEqual([{ op: 'load', args: { vm: 'wasm', image: 'eA==' } }]);
  });

  it.each([['start'], ['stop'], ['pause'], ['resume'], ['reset']])(
    '%s sends the op and prints the new state',
    async (op) => {
      gateway.monitor = (body) => ok(body, { state: 'running' });
      await expect(vmfleet('monitor', 'lab-01', op)).resolves.toMatchObject({
        code: 0,
        stdout: 'lab-01: VM running.\n',
      });
      expect(sent()).toEqual([{ op }]);
    },
  );

  it('steps one instruction by default, or n, and shows a fault', async () => {
    const fault = { code: 'bad_address', pc: 0x400020, address: 0, message: 'load outside memory' };
    gateway.monitor = (body) =>
      body.args?.n === 1
        ? ok(body, { pc: 0x400014, instructions: 6, executed: 1, outcome: 'budget' })
        : ok(body, { pc: 0x400020, instructions: 9, executed: 3, outcome: 'fault', fault });
    const one = await vmfleet('monitor', 'lab-01', 'step');
    expect(one.stdout).toBe(
      'lab-01: executed 1 instruction (budget); pc 0x00400014, 6 in total.\n',
    );
    const many = await vmfleet('monitor', 'lab-01', 'step', '100');
    expect(many.stdout).toBe(
      'lab-01: executed 3 instructions (fault); pc 0x00400020, 9 in total.\n' +
        'fault bad_address at pc 0x00400020 (address 0x00000000): load outside memory\n',
    );
    expect(sent().map((b) => b.args)).toEqual([{ n: 1 }, { n: 100 }]);
  });

  it('prints registers in MIPS order with hex and signed decimal', async () => {
    const registers = { ra: 0x400100, hi: 0, lo: 7, sp: 0x7fff0, zero: 0, at: 0xffffffff, v0: 42 };
    gateway.monitor = (body) => ok(body, { pc: 0x400010, instructions: 12, registers });
    const { code, stdout } = await vmfleet('monitor', 'lab-01', 'registers');
    expect(code).toBe(0);
    expect(stdout).toContain('12 instructions executed; pc 0x00400010');
    const rows = stdout
      .split('\n')
      .map((line) => /^│ (\w+)\s+│ (0x[0-9a-f]+) │\s+(-?\d+) │$/.exec(line))
      .filter((m) => m !== null)
      .map((m) => m.slice(1).join(' '));
    expect(rows).toEqual([
      'zero 0x00000000 0',
      'at 0xffffffff -1',
      'v0 0x0000002a 42',
      'sp 0x0007fff0 524272',
      'ra 0x00400100 4194560',
      'hi 0x00000000 0',
      'lo 0x00000007 7',
      'pc 0x00400010 4194320',
    ]);
  });

  it('reads memory at a hex or decimal address and prints a hexdump', async () => {
    gateway.monitor = (body) =>
      ok(body, {
        address: body.args?.address,
        length: 20,
        hex: '48656c6c6f2c20776f726c64210a0000deadbeef',
      });
    const { code, stdout } = await vmfleet('monitor', 'lab-01', 'memory', '0x1000', '20');
    expect(code).toBe(0);
    expect(stdout).toBe(
      '00001000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 00  |Hello, world!...|\n' +
        '00001010  de ad be ef                                       |....|\n',
    );
    await vmfleet('monitor', 'lab-01', 'memory', '4096', '1024');
    expect(sent().map((b) => b.args)).toEqual([
      { address: 4096, length: 20 },
      { address: 4096, length: 1024 },
    ]);
  });

  it('injects the button as raw event 1, or a numbered event with a value', async () => {
    gateway.monitor = (body) => ok(body, { queued: body.args?.event === 1 });
    const button = await vmfleet('monitor', 'lab-01', 'inject', 'button');
    expect(button.stdout).toBe('Event button (value 0) queued on lab-01.\n');
    const user = await vmfleet('monitor', 'lab-01', 'inject', '101', '-5');
    expect(user.stdout).toBe('Event 101 (value -5) not queued by lab-01.\n');
    expect(sent().map((b) => b.args)).toEqual([
      { event: 1, value: 0 },
      { event: 101, value: -5 },
    ]);
  });

  it.each([
    [[], fail(409, 'device_offline', 'x'), 'device lab-01 is not connected'],
    [[], fail(504, 'device_timeout', 'x'), 'device lab-01 did not answer within 5000 ms'],
    [
      ['--timeout', '250'],
      fail(504, 'device_timeout', 'x'),
      'device lab-01 did not answer within 250 ms',
    ],
    [[], fail(422, 'bad_state', 'lab-01: not paused'), 'bad_state: not paused'],
    [[], fail(422, 'no_app', 'nothing loaded'), 'no_app: nothing loaded'],
    [
      [],
      fail(404, 'device_not_found', 'device lab-01 not found'),
      'device lab-01 not found (device_not_found, HTTP 404)',
    ],
  ])('with %j, %j prints "%s"', async (options, response, message) => {
    gateway.monitor = () => response;
    const { code, stdout, stderr } = await vmfleet('monitor', 'lab-01', 'step', ...options);
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toBe(`error: ${message}\n`);
  });

  it.each([
    [fail(409, 'device_offline', 'x'), 'device_offline', 'device lab-01 is not connected'],
    [fail(422, 'bad_state', 'lab-01: not paused'), 'bad_state', 'bad_state: not paused'],
  ])('with --json, %j prints {error: {code: %s}}', async (response, code, message) => {
    gateway.monitor = () => response;
    const run = await vmfleet('monitor', 'lab-01', 'step', '--json');
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(JSON.parse(run.stderr)).toEqual({ error: { code, message } });
  });
});
