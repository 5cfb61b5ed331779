import { eventSchema } from '../../src/protocol';
import { parseMips1Image } from '../../src/protocol/images/mips1-image';
import { asm, li, R } from '../engines/mips1/testing/asm';
import { LOAD_ADDRESS, testImage } from '../engines/mips1/testing/harness';
import { REGISTER_NAMES } from '../engines/mips1/registers';
import { SENSOR_TYPES } from '../hal/hal';
import { GUEST_CONSOLE_CHARS, GuestConsole } from './guest-console';
import {
  ended,
  exit7,
  expectedOutput,
  firmware,
  GUEST_BYTES,
  setup,
  shutdownMonitors,
  waitFor,
} from './testing/monitor-setup';

afterEach(shutdownMonitors);

describe('ThingMonitor: running real images', () => {
  it('runs fibonacci.m1 to exit 0 and keeps what it printed', async () => {
    const { ok, load, events, printed, vmEvents } = setup();
    const image = firmware('fibonacci');
    const loaded = await load(image, 'mips1', { id: 'fib', version: '1.0.0' });
    expect(loaded).toEqual({
      loadTimeMs: expect.any(Number),
      imageBytes: image.length,
      guestMemoryBytes: GUEST_BYTES,
      state: 'loaded',
    });
    expect(await ok('start')).toEqual({ state: 'running' });
    await waitFor('the run to end', ended(events));

    expect(vmEvents()).toEqual([
      { kind: 'vm', state: 'running' },
      { kind: 'vm', state: 'stopped', exitCode: 0 },
    ]);
    events.forEach((event) => expect(eventSchema.parse(event)).toEqual(event));
    const status = await ok('status');
    expect(status).toMatchObject({
      state: 'stopped',
      vm: 'mips1',
      app: { id: 'fib', version: '1.0.0' },
      phase: 'done',
      pendingEvents: 0,
      guestMemoryBytes: GUEST_BYTES,
      lastEnd: { kind: 'exited', code: 0 },
    });
    expect(status.console).toContain('check: ok');
    expect(status.console).toBe(expectedOutput('fibonacci'));
    expect(printed.join('')).toBe(status.console);
    expect(status.instructions).toBeGreaterThan(1_000_000);
    expect(status.peakGuestBytes).toBeGreaterThan(0);
    expect(status.peakGuestBytes).toBeLessThanOrEqual(GUEST_BYTES);
  });

  it('steps exactly n instructions; step 1 from the entry executes the first one', async () => {
    const { ok, load, events } = setup();
    const image = firmware('fibonacci');
    const { entry, payload, loadAddress } = parseMips1Image(image);
    await load(image);
    const first = new DataView(payload.buffer, payload.byteOffset).getUint32(
      entry - loadAddress,
      true,
    );
    expect(first >>> 26).toBe(15); // crt0 begins with `lui $s0, %hi(__init_array_start)`

    const before = await ok('registers');
    expect(before.pc).toBe(entry);
    expect(before.instructions).toBe(0);
    expect(Object.keys(before.registers).sort()).toEqual([...REGISTER_NAMES, 'hi', 'lo'].sort());

    expect(await ok('step', { n: 1 })).toEqual({
      pc: entry + 4,
      instructions: 1,
      executed: 1,
      outcome: 'budget',
    });
    const afterOne = await ok('registers');
    expect(afterOne.registers).toEqual({ ...before.registers, s0: ((first & 0xffff) << 16) >>> 0 });

    const ten = await ok('step', { n: 10 });
    expect(ten).toMatchObject({ instructions: 11, executed: 10, outcome: 'budget' });
    expect(ten.pc).not.toBe(afterOne.pc);
    const afterTen = await ok('registers');
    expect(afterTen).toMatchObject({ pc: ten.pc, instructions: 11 });
    expect(afterTen.registers).not.toEqual(afterOne.registers);
    expect((await ok('status')).state).toBe('loaded');

    // A stepped program starts from where the steps left it.
    await ok('start');
    await waitFor('the run to end', ended(events));
    expect((await ok('status')).console).toContain('check: ok');
  });

  it('reads guest memory: the load address holds the image payload', async () => {
    const { ok, load, fail } = setup();
    const image = firmware('fibonacci');
    const { loadAddress } = parseMips1Image(image);
    await load(image);
    expect(await ok('memory', { address: loadAddress, length: 16 })).toEqual({
      address: loadAddress,
      length: 16,
      hex: Buffer.from(image.subarray(32, 48)).toString('hex'),
    });
    for (const [address, length] of [
      [0, 4],
      [loadAddress - 1, 2],
      [GUEST_BYTES - 8, 16],
      [0xffffffff, 1],
    ]) {
      expect(await fail('memory', { address, length })).toMatchObject({ code: 'bad_address' });
    }
  });

  it('serves button-counter.m1: five presses publish 1..5 and emit a milestone', async () => {
    let now = 0;
    const { ok, load, tm, events, publishes } = setup({ clock: () => now });
    await load(firmware('button-counter'));
    await ok('start');
    await waitFor('main to return', () => tm.status().phase === 'serving');
    expect(tm.status().console).toBe('button-counter: counting presses\n');

    for (let i = 0; i < 5; i++) {
      now += 250;
      expect(await ok('inject', { event: 1 })).toEqual({ queued: true });
    }
    expect(tm.hal.read(SENSOR_TYPES.button, 0, now)).toBe(1000); // the button moved too
    await waitFor('the milestone', () => events.some((e) => e.kind === 'emit'));
    expect(publishes()).toEqual(
      [1, 2, 3, 4, 5].map((value) => ({ kind: 'publish', name: 'presses', value })),
    );
    expect(events.filter((e) => e.kind === 'emit')).toEqual([
      { kind: 'emit', event: 100, value: 5 },
    ]);
    expect(await ok('inject', { event: 150, value: 3 })).toEqual({ queued: false });
    expect(await ok('status')).toMatchObject({ state: 'running', phase: 'serving' });
  });

  it('serves thermostat.m1: a condition that holds runs its handler', async () => {
    let now = 0;
    const { ok, load, tm, publishes } = setup({ clock: () => now });
    await load(firmware('thermostat'));
    await ok('start');
    await waitFor('main to return', () => tm.status().phase === 'serving');
    expect(tm.status().console).toContain('watching temperature > 25000');
    expect(publishes()).toEqual([]);

    now = 30_000; // the simulated room peaks at about 26 °C here
    await waitFor('the handler to publish', () => publishes().length >= 2);
    const [temperature, fan] = publishes();
    expect(temperature).toEqual({
      kind: 'publish',
      name: 'temperature',
      value: tm.hal.read(SENSOR_TYPES.temperature, 0, now),
    });
    expect(temperature).toMatchObject({ value: expect.any(Number) });
    expect((temperature as { value: number }).value).toBeGreaterThan(25_000);
    expect(fan).toEqual({ kind: 'publish', name: 'fan', value: 1 });
    expect(tm.hal.actuators().gpio[0]).toBe(1);
  });
});

describe('ThingMonitor: hostile compiled apps', () => {
  it('faults spin.m1 when main runs past its budget', async () => {
    const { ok, load, events, vmEvents } = setup({ mainBudget: 200_000 });
    await load(firmware('spin'));
    await ok('start');
    await waitFor('the budget to run out', ended(events));
    expect(vmEvents()[1]).toMatchObject({
      state: 'faulted',
      fault: { code: 'budget_exhausted' },
    });
    expect(await ok('status')).toMatchObject({
      instructions: 200_000,
      console: 'spin: looping forever\n',
    });
  });

  it('faults wild-store.m1 with bad_address at the address it wrote', async () => {
    const { ok, load, events, vmEvents } = setup();
    await load(firmware('wild-store'));
    await ok('start');
    await waitFor('the fault', ended(events));
    expect(vmEvents()[1]).toMatchObject({
      state: 'faulted',
      fault: { code: 'bad_address', address: 0x7ffffff0 },
    });
    expect((await ok('status')).console).toBe('wild-store: writing to 0x7ffffff0\n');
  });
});

describe('ThingMonitor: device side', () => {
  it('reports the VM for telemetry', async () => {
    const { tm, load, ok } = setup();
    expect(tm.telemetryState()).toEqual({
      state: 'idle',
      instructions: 0,
      app: null,
      guestBytes: 0,
    });
    await load(exit7, 'mips1', { id: 'exit', version: '2' });
    await ok('step', { n: 2 });
    expect(tm.telemetryState()).toEqual({
      state: 'loaded',
      instructions: 2,
      app: { id: 'exit', version: '2' },
      guestBytes: GUEST_BYTES,
    });
  });

  it('loading a new app replaces the old one and its console', async () => {
    const { ok, load, events } = setup();
    await load(firmware('fibonacci'), 'mips1', { id: 'fib', version: '1' });
    await ok('start');
    await waitFor('the run to end', ended(events));
    await load(firmware('button-counter'));
    expect(await ok('status')).toMatchObject({
      state: 'loaded',
      app: null,
      lastEnd: null,
      console: '',
      phase: null,
      instructions: 0,
    });
  });

  it('keeps serving when an event listener throws', async () => {
    const { ok, load, tm } = setup({
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    await load(firmware('button-counter'));
    await ok('start');
    await waitFor('serving', () => tm.status().phase === 'serving');
    await ok('inject', { event: 1 });
    await waitFor('the handler', () => tm.status().pendingEvents === 0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await ok('status')).toMatchObject({ state: 'running', phase: 'serving' });
  });

  it('drops a publish the gateway would refuse, and says so on the console', async () => {
    const text = [
      ...li(R.a0, 0), // patched below: the address of an empty string after text
      ...li(R.a1, 5),
      ...li(R.v0, 20),
      asm.syscall(),
      ...li(R.v0, 1),
      ...li(R.a0, 0),
      asm.syscall(),
    ];
    const empty = LOAD_ADDRESS + 4 * text.length;
    [text[0], text[1]] = li(R.a0, empty);
    const image = testImage({ text, data: new Uint8Array(4) });
    const { ok, load, events } = setup();
    await load(image);
    await ok('start');
    await waitFor('the run to end', ended(events));
    expect(events.filter((e) => e.kind === 'publish')).toEqual([]);
    expect((await ok('status')).console).toMatch(/^\[monitor\] publish dropped: name: /);
  });

  it('keeps the last 4 KiB of guest output', () => {
    const output = new GuestConsole();
    output.append('x'.repeat(GUEST_CONSOLE_CHARS));
    output.append('tail');
    expect(output.text).toHaveLength(GUEST_CONSOLE_CHARS);
    expect(output.text.endsWith('xtail')).toBe(true);
  });
});
