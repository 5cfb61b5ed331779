import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotSupportedError, type RunOutcome } from '../engine';
import { FIRMWARE } from '../script/testing/script-harness';
import { WasmEngine } from '../wasm';
import { I32, ModuleBuilder, op } from '../wasm/testing/builder';
import { FakeHost } from '../wasm/testing/host';
import { WasmAotEngine } from './engine';
import { aotDevice, classicDevice, describeEnd, readWasm, runImage } from './testing/differential';

const image = (name: string) => readWasm(join(FIRMWARE, 'build', 'wasm', `${name}.wasm`));
const PAGE = 65536;

/** Every engine a test makes, disposed after it (the worker threads). */
const made: Array<{ dispose?: () => void }> = [];
afterEach(() => made.splice(0).forEach((e) => e.dispose?.()));

function aot(memoryBytes = PAGE, host = new FakeHost()): WasmAotEngine {
  const engine = new WasmAotEngine({ memoryBytes }, host);
  made.push(engine);
  return engine;
}

const classic = (memoryBytes = PAGE, host = new FakeHost()) =>
  new WasmEngine({ memoryBytes }, host, { mode: 'classic' });

/** Runs until anything but budget or yield; the outcomes on the way as describeEnd strings. */
function trace(engine: { run(budget: number): RunOutcome }, slice: number, cap = 1e8): string[] {
  const seen: string[] = [];
  for (let used = 0; used < cap; used += slice) {
    const end = engine.run(slice);
    if (end.kind !== 'budget') seen.push(describeEnd(end));
    if (end.kind !== 'budget' && end.kind !== 'yielded') return seen;
  }
  return [...seen, 'budget'];
}

/** A _start that returns what `body` leaves, in a module of `pages` pages. */
function startModule(body: number[], pages = 1, locals: number[] = []): Uint8Array {
  const m = new ModuleBuilder().memory(pages);
  m.func({ export: '_start', results: [I32], locals, body });
  return m.build();
}

describe('WasmAotEngine', () => {
  describe('sliced runs resume to the same output', () => {
    it.each([
      ['thermostat', 1],
      ['blink', 1],
      ['libc/strings', 7],
      ['libc/calc', 1000],
      ['crc32', 100_000],
      ['libc/format', 100_000],
    ])('%s in slices of %d', (name, slice) => {
      const bytes = image(name);
      const whole = runImage(classicDevice(), bytes, 10_000_000);
      const device = aotDevice();
      made.push(device.engine);
      const sliced = runImage(device, bytes, slice);
      expect(sliced.output).toBe(whole.output);
      expect(sliced.end).toBe(whole.end);
    });
  });

  it('stops at the budget and continues: a budget run accounts exactly its budget', () => {
    const engine = aot();
    engine.load(image('spin'));
    expect(engine.run(0)).toEqual({ kind: 'budget' });
    expect(engine.inspect().instructions).toBe(0);
    expect(engine.run(1000)).toEqual({ kind: 'budget' });
    expect(engine.inspect().instructions).toBe(1000);
    expect(engine.run(1000)).toEqual({ kind: 'budget' });
    expect(engine.inspect().instructions).toBe(2000);
    expect(engine.run(1)).toEqual({ kind: 'budget' });
    expect(engine.state).toBe('running');
  });

  it.each([1, 7, 9973])('libc/strings in slices of %d counts what one run counts', (slice) => {
    const whole = aotDevice();
    const sliced = aotDevice();
    made.push(whole.engine, sliced.engine);
    const one = runImage(whole, image('libc/strings'), 1e8);
    expect(one.end).toBe('exited 0');
    expect(runImage(sliced, image('libc/strings'), slice)).toEqual(one);
  });

  describe('apps that yield on syscalls and are resumed', () => {
    it('blink sleeps between toggles, as on the interpreter', () => {
      const expected = classicDevice();
      expected.engine.load(image('blink'));
      const device = aotDevice();
      made.push(device.engine);
      device.engine.load(image('blink'));
      const seen = trace(device.engine, 1_000_000);
      expect(seen).toEqual(trace(expected.engine, 1_000_000));
      expect(seen.filter((s) => s === 'yielded 500')).toHaveLength(10);
      expect(seen.at(-1)).toBe('exited 0');
    });

    it('thermostat: the condition handler main registered runs as on the interpreter', () => {
      const devices = [classicDevice(), aotDevice()];
      made.push(devices[1].engine);
      const results = devices.map((device) => {
        device.engine.load(image('thermostat'));
        expect(device.runToEnd()).toEqual({ kind: 'exited', code: 0 });
        let served = 0;
        for (let ms = 0; ms <= 120_000; ms += 1000) {
          device.clockMs = ms;
          device.events.poll(ms, (type, index) => device.hal.read(type, index, ms));
          served += device.serve();
        }
        return { served, output: device.output, published: device.published };
      });
      expect(results[1]).toEqual(results[0]);
      expect(results[1].served).toBeGreaterThan(0);
    });

    it('button-counter: the handler main registered is invoked per press', () => {
      const devices = [classicDevice(), aotDevice()];
      made.push(devices[1].engine);
      const results = devices.map((device) => {
        device.engine.load(image('button-counter'));
        expect(device.runToEnd()).toEqual({ kind: 'exited', code: 0 });
        for (let press = 0; press < 6; press++) device.events.inject(1, 1);
        const served = device.serve();
        return { served, output: device.output, published: device.published };
      });
      expect(results[1]).toEqual(results[0]);
      expect(results[1].served).toBe(6);
      expect(results[1].published.at(-1)).toEqual({ name: 'presses', value: 6 });
    });

    it('an invoked handler that is not in the table is refused', () => {
      const engine = aot();
      engine.load(image('button-counter'));
      expect(() => engine.invoke(10_000, [1])).toThrow(/not a function of the module's table/);
    });
  });

  describe('hostile guests', () => {
    it('spin runs into the budget every slice', () => {
      const engine = aot();
      engine.load(image('spin'));
      for (let i = 0; i < 3; i++) expect(engine.run(100_000)).toEqual({ kind: 'budget' });
    });

    it.each([
      ['deep-recursion', 'stack_exhausted'],
      ['wild-store', 'bad_address'],
    ])('%s ends in the fault code the interpreter gives (%s)', (name, code) => {
      const bytes = image(name);
      const expected = runImage(classicDevice(), bytes, 1_000_000);
      const device = aotDevice();
      made.push(device.engine);
      expect(expected.end).toBe(`fault ${code}`);
      expect(runImage(device, bytes, 1_000_000).end).toBe(`fault ${code}`);
      expect(device.engine.state).toBe('faulted');
      // A fault is final until reset().
      expect(device.engine.run(1000)).toMatchObject({ kind: 'fault', fault: { code } });
    });

    it('a runaway recursion of wasm calls ends in stack_exhausted, as on the interpreter', () => {
      const m = new ModuleBuilder().memory(1);
      m.func({ export: '_start', results: [I32], body: [...op.call(0), ...op.i32(1), 0x6a] });
      const bytes = m.build();
      const want = classic();
      want.load(bytes);
      expect(describeEnd(want.run(1e8))).toBe('fault stack_exhausted');
      const engine = aot();
      engine.load(bytes);
      expect(describeEnd(engine.run(1e8))).toBe('fault stack_exhausted');
    });

    // memory.grow in a loop until it fails, then memory.size: the grant caps the growth.
    const growBomb = startModule(
      [
        ...op.loop(),
        ...op.i32(1),
        ...op.memoryGrow(),
        ...op.i32(-1),
        0x47, // ne
        ...op.brIf(0),
        ...op.end(),
        ...op.memorySize(),
      ],
      1,
    );

    it.each([PAGE, 4 * PAGE, 228 * 1024])(
      'memory growth stops at the grant of %d bytes, as on the interpreter',
      (memoryBytes) => {
        const want = classic(memoryBytes);
        want.load(growBomb);
        const engine = aot(memoryBytes);
        engine.load(growBomb);
        const end = engine.run(1e6);
        expect(end).toEqual(want.run(1e6));
        expect(end).toEqual({ kind: 'exited', code: Math.ceil(memoryBytes / PAGE) });
        expect(engine.memory().guestBytes).toBe(memoryBytes);
      },
    );

    it.each([
      ['at the grant', 228 * 1024],
      ['in the last partial page', 228 * 1024 + 100],
      ['past the pages', 4 * PAGE],
    ])('a store %s is bad_address, as on the interpreter', (_, address) => {
      const body = [...op.i32(address), ...op.i32(7), ...op.mem(0x36, 0, 2), ...op.i32(0)];
      const bytes = startModule(body, 4);
      const want = classic(228 * 1024);
      want.load(bytes);
      const engine = aot(228 * 1024);
      engine.load(bytes);
      expect(describeEnd(want.run(1000))).toBe('fault bad_address');
      expect(describeEnd(engine.run(1000))).toBe('fault bad_address');
    });
  });

  describe('load', () => {
    it.each([
      ['not wasm at all', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])],
      ['a truncated module', image('fibonacci').subarray(0, 200)],
      ['a body that fails validation', startModule([...op.i64(1)])],
      ['an import the ABI does not know', importing('no_such_call')],
    ])('refuses %s with the interpreter’s error', (_, bytes) => {
      const want = (() => {
        try {
          classic().load(bytes);
        } catch (error) {
          return error as Error;
        }
        throw new Error('the interpreter accepted it');
      })();
      const engine = aot();
      expect(() => engine.load(bytes)).toThrow(want.constructor as new () => Error);
      expect(() => engine.load(bytes)).toThrow(want.message);
      expect(engine.state).toBe('idle');
    });

    it('a refused load keeps the program loaded before', () => {
      const engine = aot();
      engine.load(image('fibonacci'));
      expect(() => engine.load(new Uint8Array(8))).toThrow();
      expect(engine.state).toBe('loaded');
      expect(engine.run(1e8)).toEqual({ kind: 'exited', code: 0 });
    });

    it('reports load time, image size and the grant', () => {
      const bytes = image('fibonacci');
      const report = aot().load(bytes);
      expect(report.imageBytes).toBe(bytes.length);
      expect(report.guestMemoryBytes).toBe(PAGE);
      expect(report.loadTimeMs).toBeGreaterThan(0);
    });
  });

  describe('reset and dispose', () => {
    it('reset() runs the program again from the top, with fresh memory', () => {
      const host = new FakeHost();
      const engine = aot(PAGE, host);
      engine.load(image('fibonacci'));
      expect(engine.run(1e8)).toEqual({ kind: 'exited', code: 0 });
      const once = host.output;
      engine.reset();
      expect(engine.state).toBe('loaded');
      expect(engine.inspect().instructions).toBe(0);
      expect(engine.run(1e8)).toEqual({ kind: 'exited', code: 0 });
      expect(host.output).toBe(once + once);
    });

    it('reset() in the middle of a run, and after a fault', () => {
      const engine = aot();
      engine.load(image('spin'));
      expect(engine.run(10_000)).toEqual({ kind: 'budget' });
      engine.reset();
      expect(engine.run(10_000)).toEqual({ kind: 'budget' });
      engine.load(image('wild-store'));
      expect(describeEnd(engine.run(1000))).toBe('fault bad_address');
      engine.reset();
      expect(describeEnd(engine.run(1000))).toBe('fault bad_address');
    });

    it('a disposed engine’s worker, given back mid-run, serves the next engine', () => {
      for (let i = 0; i < 3; i++) {
        const busy = new WasmAotEngine({ memoryBytes: PAGE }, new FakeHost());
        busy.load(image('spin'));
        expect(busy.run(10_000)).toEqual({ kind: 'budget' });
        busy.dispose();
      }
      const host = new FakeHost();
      const engine = aot(PAGE, host);
      engine.load(image('fibonacci'));
      expect(engine.run(1e8)).toEqual({ kind: 'exited', code: 0 });
      expect(host.output).toBe(readFileSync(join(FIRMWARE, 'expected', 'fibonacci.txt'), 'utf8'));
    });

    it('dispose() ends the engine: it refuses to run, and disposing again is harmless', () => {
      const engine = aot();
      engine.load(image('spin'));
      expect(engine.run(1000)).toEqual({ kind: 'budget' });
      engine.dispose();
      expect(() => engine.run(1000)).toThrow(/no program loaded/);
      expect(() => engine.dispose()).not.toThrow();
    });
  });

  describe('memory and inspection', () => {
    it('readMemory reads the guest memory, checked against the grant', () => {
      const engine = aot(228 * 1024);
      engine.load(
        startModule([...op.i32(64), ...op.i32(0x01020304), ...op.mem(0x36), ...op.i32(0)]),
      );
      expect(engine.run(1000)).toEqual({ kind: 'exited', code: 0 });
      expect([...engine.readMemory(64, 4)]).toEqual([4, 3, 2, 1]);
      expect(() => engine.readMemory(228 * 1024 - 2, 4)).toThrow(RangeError);
    });

    it('step() once the program has started is NotSupportedError; inspect() still answers', () => {
      const engine = aot();
      engine.load(image('spin'));
      expect(engine.run(1000)).toEqual({ kind: 'budget' });
      expect(() => engine.step(1)).toThrow(NotSupportedError);
      expect(() => engine.step(1)).toThrow(/reset it, then step/);
      expect(engine.inspect()).toMatchObject({ state: 'running', pc: 0 });
    });

    it('step() before the start hands the program to the interpreter until reset()', () => {
      const host = new FakeHost();
      const engine = aot(PAGE, host);
      const want = classic(PAGE, new FakeHost());
      engine.load(image('fibonacci'));
      want.load(image('fibonacci'));
      for (let i = 0; i < 5; i++) expect(engine.step(1)).toEqual(want.step(1));
      const { instructions, pc, functionIndex, callStack } = want.inspect();
      expect(engine.inspect()).toMatchObject({ instructions, pc, functionIndex, callStack });
      expect(instructions).toBe(5);
      expect(engine.run(1e8)).toEqual({ kind: 'exited', code: 0 });
      engine.reset();
      expect(engine.inspect()).toMatchObject({ state: 'loaded', pc: 0, instructions: 0 });
      expect(engine.run(1e8)).toEqual({ kind: 'exited', code: 0 });
      expect(engine.inspect().functionIndex).toBeUndefined();
    });

    it('step() after an invoked handler ran is NotSupportedError, though the state is loaded again', () => {
      // A handler (table entry 0) that stores its argument at [0] and returns it.
      const m = new ModuleBuilder().memory(1).table(1);
      const handler = m.func({
        params: [I32],
        results: [I32],
        body: [...op.i32(0), ...op.localGet(0), ...op.mem(0x36, 0, 2), ...op.localGet(0)],
      });
      m.elem(0, [handler]);
      m.func({ export: '_start', results: [I32], body: op.i32(0) });
      const engine = aot();
      engine.load(m.build());
      engine.invoke(0, [41]);
      expect(engine.run(1000)).toEqual({ kind: 'returned', value: 41 });
      expect(engine.state).toBe('loaded');
      // The interpreter would start from the image and lose what the handler wrote.
      expect(() => engine.step(1)).toThrow(NotSupportedError);
      expect(engine.readMemory(0, 4)).toEqual(Uint8Array.of(41, 0, 0, 0));
    });

    it.each([
      ['wild-store', image('wild-store')],
      ['a division by zero', startModule([...op.i32(1), ...op.i32(0), 0x6d])],
      ['unreachable in a callee', calling([...op.unreachable()])],
      [
        'a store past a partial page',
        startModule([...op.i32(234_000), ...op.i32(1), ...op.mem(0x36), ...op.i32(0)], 4),
      ],
    ])('a trap (%s) reports the pc and address the interpreter reports', (_, bytes) => {
      const want = classic(228 * 1024);
      want.load(bytes);
      const expected = want.run(1e6);
      const engine = aot(228 * 1024);
      engine.load(bytes);
      const got = engine.run(1e6);
      if (expected.kind !== 'fault' || got.kind !== 'fault') throw new Error('no fault');
      expect(got.fault.pc).toBeGreaterThan(0);
      expect({ code: got.fault.code, pc: got.fault.pc }).toEqual({
        code: expected.fault.code,
        pc: expected.fault.pc,
      });
      if (expected.fault.address !== undefined && expected.fault.address < 2 ** 20)
        expect(got.fault.address).toBe(expected.fault.address);
    });

    it('a syscall the host refuses faults at the call’s pc, as on the interpreter', () => {
      const m = new ModuleBuilder().memory(1);
      m.import('hal_probe', [I32], [I32]);
      m.func({ export: '_start', results: [I32], body: [...op.i32(3), ...op.call(0)] });
      const bytes = m.build();
      const want = classic();
      want.load(bytes);
      const expected = want.run(1000);
      const engine = aot();
      engine.load(bytes);
      const got = engine.run(1000);
      expect(expected).toMatchObject({ kind: 'fault', fault: { code: 'bad_syscall' } });
      expect(got).toMatchObject({ kind: 'fault', fault: { code: 'bad_syscall' } });
      if (got.kind !== 'fault' || expected.kind !== 'fault') return;
      expect(got.fault.pc).toBeGreaterThan(0);
      expect(got.fault.pc).toBe(expected.fault.pc);
      // The worker stays suspended in the import until reset() unwinds it.
      engine.reset();
      expect(engine.run(1000)).toMatchObject({ kind: 'fault', fault: { pc: got.fault.pc } });
    });

    it.each(['sieve', 'libc/hashmap', 'libc/bintrees'])(
      '%s: peakGuestBytes counts heap and .bss writes near the interpreter’s figure',
      (name) => {
        const want = classicDevice();
        runImage(want, image(name), 1e7);
        const device = aotDevice();
        made.push(device.engine);
        runImage(device, image(name), 1e7);
        const expected = want.engine.memory().peakGuestBytes;
        const got = device.engine.memory().peakGuestBytes;
        // Blocks written only with zeros are missed: at most 10% under, never over.
        expect(got).toBeLessThanOrEqual(expected);
        expect(got).toBeGreaterThanOrEqual(expected * 0.9);
      },
    );
  });
});

/** _start calls a function whose body is `body` (a trap inside a callee). */
function calling(body: number[]): Uint8Array {
  const m = new ModuleBuilder().memory(1);
  m.func({ body });
  m.func({ export: '_start', results: [I32], body: [...op.call(0), ...op.i32(0)] });
  return m.build();
}

function importing(field: string): Uint8Array {
  const m = new ModuleBuilder().memory(1);
  m.import(field, [], []);
  m.func({ export: '_start', body: [...op.call(0)] });
  return m.build();
}
