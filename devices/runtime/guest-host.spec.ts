import { BOARDS } from '../boards';
import type { GuestMemoryView } from '../engines/engine';
import { ACTUATOR_TYPES, SENSOR_TYPES, SimulatedHal } from '../hal/hal';
import { EventHandler } from './event-handler';
import { DeviceGuestHost, SYSCALLS } from './guest-host';

/** Guest memory as a plain byte array starting at address 0. */
function memoryOf(bytes: Uint8Array): GuestMemoryView {
  const check = (a: number, n: number) => {
    if (a < 0 || a + n > bytes.length)
      throw new Error(`address 0x${a.toString(16)} outside memory`);
  };
  return {
    readBytes: (a, n) => (check(a, n), bytes.slice(a, a + n)),
    readCString: (a, max) => {
      check(a, 1);
      const end = bytes.indexOf(0, a);
      if (end < 0 || end - a > max) throw new Error('string not terminated');
      return Buffer.from(bytes.subarray(a, end)).toString('utf8');
    },
    writeBytes: (a, b) => (check(a, b.length), bytes.set(b, a)),
  };
}

function setup() {
  const mem = new Uint8Array(256);
  mem.set(Buffer.from('hello\0'), 0x10);
  mem.set(Buffer.from('temp\0'), 0x20);
  const cond = new DataView(mem.buffer, 0x40, 20);
  [SENSOR_TYPES.distance, 0, 0, 200, 100].forEach((v, i) => cond.setInt32(i * 4, v, true));
  const printed: string[] = [];
  const published: [string, number][] = [];
  const emitted: [number, number][] = [];
  const events = new EventHandler();
  const hal = new SimulatedHal(BOARDS.native, 1);
  const host = new DeviceGuestHost(
    hal,
    events,
    {
      print: (t) => printed.push(t),
      publish: (n, v) => published.push([n, v]),
      emit: (id, v) => emitted.push([id, v]),
    },
    () => 1234.7,
  );
  const call = (number: number, ...a: number[]) =>
    host.syscall({
      number,
      args: [a[0] ?? 0, a[1] ?? 0, a[2] ?? 0, a[3] ?? 0],
      memory: memoryOf(mem),
    });
  return { call, printed, published, emitted, events, hal };
}

describe('DeviceGuestHost', () => {
  it('prints strings and integers', () => {
    const { call, printed } = setup();
    expect(call(SYSCALLS.print, 0x10)).toEqual({ kind: 'value', value: 0 });
    expect(call(SYSCALLS.printInt, -5 >>> 0)).toEqual({ kind: 'value', value: 0 });
    expect(printed).toEqual(['hello', '-5']);
  });

  it.each([
    [SYSCALLS.exit, [7], { kind: 'exit', code: 7 }],
    [SYSCALLS.timeMs, [], { kind: 'value', value: 1234 }],
    [SYSCALLS.sleepMs, [250], { kind: 'yield', sleepMs: 250, value: 0 }],
    [SYSCALLS.yield, [], { kind: 'yield', sleepMs: 0, value: 0 }],
    [SYSCALLS.halProbe, [SENSOR_TYPES.accelerometer], { kind: 'value', value: 3 }],
    [SYSCALLS.halWrite, [ACTUATOR_TYPES.led, 0, 1], { kind: 'value', value: 0 }],
    [SYSCALLS.halWrite, [ACTUATOR_TYPES.led, 9, 1], { kind: 'value', value: -1 }],
  ])('syscall %i(%j) → %j', (nr, args, result) => {
    expect(setup().call(nr, ...args)).toEqual(result);
  });

  it('reads sensors and faults on a missing one', () => {
    const { call } = setup();
    expect(call(SYSCALLS.halRead, SENSOR_TYPES.temperature, 0)).toMatchObject({ kind: 'value' });
    expect(call(SYSCALLS.halRead, 99, 0)).toEqual({
      kind: 'fault',
      message: 'no sensor of type 99 at index 0',
    });
  });

  it('publishes and emits to the device outputs', () => {
    const { call, published, emitted } = setup();
    call(SYSCALLS.publish, 0x20, 21500);
    call(SYSCALLS.emit, 100, 3);
    expect(published).toEqual([['temp', 21500]]);
    expect(emitted).toEqual([[100, 3]]);
  });

  it('registers raw and processed event handlers', () => {
    const { call, events } = setup();
    expect(call(SYSCALLS.onRaw, 1, 0x1100)).toEqual({ kind: 'value', value: 0 });
    expect(call(SYSCALLS.onCondition, 0x40, 0x1200)).toEqual({ kind: 'value', value: 0 });
    expect(events.hasHandlers).toBe(true);
    expect(events.nextDueAt()).toBeCloseTo(1334.7);
  });

  it('turns bad guest pointers and unknown numbers into faults, never throws', () => {
    const { call } = setup();
    expect(call(SYSCALLS.print, 0xffff)).toMatchObject({
      kind: 'fault',
      message: expect.stringMatching(/outside memory/),
    });
    expect(call(77)).toEqual({ kind: 'fault', message: 'unknown syscall 77' });
  });
});
