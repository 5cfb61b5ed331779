import { join } from 'node:path';
import type { RunOutcome, SyscallRequest } from '../engine';
import { FIRMWARE } from '../script/testing/script-harness';
import { WasmEngine } from '../wasm';
import { I32, ModuleBuilder, op } from '../wasm/testing/builder';
import { FakeHost } from '../wasm/testing/host';
import { WasmAotEngine } from './engine';
import { aotDevice, classicDevice, readWasm } from './testing/differential';
import { WorkerLink } from './worker-link';

/**
 * The inline first run (README.md, "Inline runs"): a program that ends within its first run
 * never wakes the worker, and one that must stop mid-run moves to the worker, which runs it
 * again from the start on the logged import answers and stops exactly where it did.
 */
const PAGE = 65536;
const made: WasmAotEngine[] = [];
let exchanges: jest.SpyInstance;
beforeEach(() => (exchanges = jest.spyOn(WorkerLink.prototype, 'exchange')));
afterEach(() => {
  exchanges.mockRestore();
  made.splice(0).forEach((e) => e.dispose());
});

function aot(host: FakeHost): WasmAotEngine {
  const engine = new WasmAotEngine({ memoryBytes: PAGE }, host);
  made.push(engine);
  return engine;
}

/**
 * `image` with a custom section naming `tag` (§5.5.3: ignored by validation and by V8): a
 * module of its own in the module cache, which remembers the budgets earlier first runs
 * had to move at.
 */
let tags = 0;
function fresh(image: Uint8Array): Uint8Array {
  const name = [...new TextEncoder().encode(`inline-spec-${tags++}`)];
  const payload = [name.length, ...name];
  return Uint8Array.from([...image, 0x00, payload.length, ...payload]);
}

const firmware = (name: string) => readWasm(join(FIRMWARE, 'build', 'wasm', `${name}.wasm`));

/** Runs to anything but budget or yield in slices of `slice`; the ends seen on the way. */
function drive(engine: { run(n: number): RunOutcome }, slice: number): RunOutcome[] {
  const seen: RunOutcome[] = [];
  for (let i = 0; i < 1e6; i++) {
    const end = engine.run(slice);
    seen.push(end);
    if (end.kind !== 'budget' && end.kind !== 'yielded') return seen;
  }
  throw new Error('no end within a million slices');
}

/**
 * hal_probe(64) writes its call count times 3 at [64] and answers the count; _start adds
 * answer and memory word, spins `spins` times calling a small function (fuel flushed at each
 * call and return), probes again, and returns the sum: an exit code that depends on every
 * answer, every host write and the order of both.
 */
function probing(spins: number): Uint8Array {
  const m = new ModuleBuilder().memory(1);
  m.import('hal_probe', [I32], [I32]);
  const bump = m.func({
    params: [I32],
    results: [I32],
    body: [...op.localGet(0), ...op.i32(1), 0x6a],
  });
  const probe = [...op.i32(64), ...op.call(0), ...op.i32(64), ...op.mem(0x28, 0, 2), 0x6a];
  m.func({
    export: '_start',
    results: [I32],
    locals: [I32, I32],
    body: [
      ...probe,
      ...op.localSet(0),
      ...op.loop(),
      ...op.localGet(1),
      ...op.call(bump),
      ...op.localTee(1),
      ...op.i32(spins),
      0x48, // i32.lt_s
      ...op.brIf(0),
      ...op.end(),
      ...op.localGet(0),
      ...op.localGet(1),
      0x6a,
      ...probe,
      0x6a,
    ],
  });
  return m.build();
}

function probingHost(): FakeHost {
  let count = 0;
  return new FakeHost((call: SyscallRequest) => {
    if (call.number !== 10) return undefined;
    count++;
    call.memory.writeBytes(call.args[0], Uint8Array.of(count * 3, 0, 0, 0));
    return { kind: 'value', value: count };
  });
}

describe('wasm-aot inline first run', () => {
  it('a program that ends within its first run never wakes the worker', () => {
    const host = new FakeHost();
    const engine = aot(host);
    engine.load(fresh(firmware('fibonacci')));
    expect(engine.run(1e8)).toEqual({ kind: 'exited', code: 0 });
    expect(exchanges).not.toHaveBeenCalled();
    expect(host.output).toContain('fib(');
  });

  it('counts what the worker counts for the same program', () => {
    const image = fresh(firmware('crc32'));
    const inline = aot(new FakeHost());
    inline.load(image);
    expect(inline.run(1e8)).toEqual({ kind: 'exited', code: 0 });
    expect(exchanges).not.toHaveBeenCalled();
    const sliced = aot(new FakeHost());
    sliced.load(image);
    expect(drive(sliced, 100_000).at(-1)).toEqual({ kind: 'exited', code: 0 });
    expect(exchanges).toHaveBeenCalled();
    expect(sliced.inspect().instructions).toBe(inline.inspect().instructions);
  });

  it.each([1, 7, 1000, 9973])(
    'a budget of %d ending in a loop of calls: the worker stops exactly there, host answers and writes replayed',
    (slice) => {
      const image = probing(5000);
      const want = new WasmEngine({ memoryBytes: PAGE }, probingHost(), { mode: 'classic' });
      want.load(image);
      const expected = want.run(1e8);
      // (1 + 3) first probe + 5000 spins + (2 + 6) second probe
      expect(expected).toEqual({ kind: 'exited', code: 5012 });
      const whole = aot(probingHost());
      whole.load(fresh(image));
      expect(whole.run(1e8)).toEqual(expected);
      const host = probingHost();
      const moved = aot(host);
      moved.load(fresh(image));
      const first = moved.run(slice + 20);
      expect(first).toEqual({ kind: 'budget' });
      expect(moved.inspect().instructions).toBe(slice + 20);
      expect(drive(moved, slice).at(-1)).toEqual(expected);
      // The host served each probe once: the worker's replay answered from the log.
      expect(host.calls.map((c) => c.number)).toEqual([10, 10]);
      expect(moved.inspect().instructions).toBe(whole.inspect().instructions);
    },
  );

  it('a first run that yields moves to the worker without asking the host again', () => {
    // probe, vm_sleep_ms(3), probe: the sum of both probes and the sleep's answer.
    const m = new ModuleBuilder().memory(1);
    m.import('hal_probe', [I32], [I32]);
    m.import('vm_sleep_ms', [I32], [I32]);
    const probe = [...op.i32(64), ...op.call(0), ...op.i32(64), ...op.mem(0x28, 0, 2), 0x6a];
    m.func({
      export: '_start',
      results: [I32],
      body: [...probe, ...op.i32(3), ...op.call(1), 0x6a, ...probe, 0x6a],
    });
    const image = m.build();
    const want = probingHost();
    const classic = new WasmEngine({ memoryBytes: PAGE }, want, { mode: 'classic' });
    classic.load(image);
    const expected = drive(classic, 1e6);
    expect(expected.map((e) => e.kind)).toEqual(['yielded', 'exited']);
    const host = probingHost();
    const engine = aot(host);
    engine.load(fresh(image));
    expect(drive(engine, 1e6)).toEqual(expected);
    expect(host.calls).toEqual(want.calls);
    expect(engine.inspect().instructions).toBeGreaterThanOrEqual(classic.inspect().instructions);
  });

  it('a trap mid-function on the first run has the interpreter’s code and pc (the worker re-runs it)', () => {
    const image = fresh(firmware('wild-store'));
    const classic = new WasmEngine({ memoryBytes: PAGE }, new FakeHost(), { mode: 'classic' });
    classic.load(image);
    const expected = classic.run(1e6);
    const engine = aot(new FakeHost());
    engine.load(image);
    const got = engine.run(1e6);
    expect(got).toMatchObject({ kind: 'fault', fault: { code: 'bad_address' } });
    if (got.kind !== 'fault' || expected.kind !== 'fault') return;
    expect(got.fault.pc).toBe(expected.fault.pc);
    expect(got.fault.pc).toBeGreaterThan(0);
  });

  it('after an inline exit, a handler runs in the worker on the memory and globals main left', () => {
    const image = fresh(firmware('button-counter'));
    const devices = [classicDevice(), aotDevice()];
    made.push(devices[1].engine as WasmAotEngine);
    const results = devices.map((device, i) => {
      device.engine.load(image);
      expect(device.runToEnd()).toEqual({ kind: 'exited', code: 0 });
      if (i === 1) expect(exchanges).not.toHaveBeenCalled();
      for (let press = 0; press < 4; press++) device.events.inject(1, 1);
      const served = device.serve();
      return { served, output: device.output, memory: device.engine.readMemory(0, 4096) };
    });
    expect(exchanges).toHaveBeenCalled();
    expect(results[1]).toEqual(results[0]);
    expect(results[1].served).toBe(4);
  });
});
