import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunOutcome } from '../engine';
import { WasmLoadError } from '.';
import { I32, I64, ModuleBuilder, op } from './testing/builder';
import { evaluate, loadEngine, MODES, runToEnd } from './testing/harness';
import { FakeHost } from './testing/host';

const cString = (s: string) => [...new TextEncoder().encode(s), 0];
const FIBONACCI = join(__dirname, '..', '..', '..', 'firmware', 'build', 'wasm', 'fibonacci.wasm');

/** _start prints the string at 16, yields, prints the yield's value, exits with 7. */
function consoleModule(): Uint8Array {
  const m = new ModuleBuilder().memory(1).data(16, cString('héllo '));
  const print = m.import('vm_print', [I32], [I32]);
  const printInt = m.import('vm_print_int', [I32], [I32]);
  const sleep = m.import('vm_sleep_ms', [I32], [I32]);
  const exit = m.import('vm_exit', [I32], []);
  m.func({
    export: '_start',
    body: [
      ...op.i32(16),
      ...op.call(print),
      ...op.drop(),
      ...op.i32(25),
      ...op.call(sleep),
      ...op.call(printInt),
      ...op.drop(),
      ...op.i32(7),
      ...op.call(exit),
    ],
  });
  return m.build();
}

describe.each(MODES)('WasmEngine (%s)', (mode) => {
  describe('memory', () => {
    // §4.4.7 memory instructions: little-endian, unaligned allowed, bounds checked.
    it.each([
      ['i32.load8_s', 0x2c, -1n],
      ['i32.load8_u', 0x2d, 0xffn],
      ['i32.load16_s', 0x2e, -255n],
      ['i32.load16_u', 0x2f, 0xff01n],
    ])('%s', (_, opcode, expected) => {
      const expr = [
        ...op.i32(3),
        ...op.i32(0xff01ff),
        ...op.mem(0x36, 0),
        ...op.i32(3),
        ...op.mem(opcode, opcode <= 0x2d ? 2 : 1),
      ];
      expect(evaluate(mode, I32, expr)).toBe(expected);
    });

    it('i64 store and unaligned load round-trip', () => {
      const expr = [
        ...op.i32(5),
        ...op.i64(-(2n ** 40n) - 3n),
        ...op.mem(0x37),
        ...op.i32(5),
        ...op.mem(0x29),
      ];
      expect(evaluate(mode, I64, expr)).toBe(-(2n ** 40n) - 3n);
    });

    it.each([
      ['past the last byte', [...op.i32(65533), ...op.mem(0x28)]],
      ['address + offset beyond 2^32', [...op.i32(-1), ...op.mem(0x2d, 1)]],
      [
        'a store straddling the end',
        [...op.i32(65535), ...op.i32(1), ...op.mem(0x3b), ...op.i32(0)],
      ],
    ])('traps bad_address %s', (_, expr) => expect(evaluate(mode, I32, expr)).toBe('bad_address'));

    it('caps linear memory at limits.memoryBytes even though the page exists', () => {
      const m = new ModuleBuilder().memory(1);
      m.func({ export: '_start', results: [I32], body: [...op.i32(4096), ...op.mem(0x28)] });
      const small = loadEngine(mode, m.build(), undefined, {}, 4096);
      expect(runToEnd(small)).toMatchObject({
        kind: 'fault',
        fault: { code: 'bad_address', address: 4096 },
      });
      expect(small.memory().guestBytes).toBe(4096);
      expect(runToEnd(loadEngine(mode, m.build()))).toEqual({ kind: 'exited', code: 0 });
    });

    it('memory.size and memory.grow, which fails past the cap', () => {
      const m = new ModuleBuilder().memory(1, 4);
      m.func({
        export: '_start',
        results: [I32],
        body: [
          ...op.i32(1),
          ...op.memoryGrow(),
          ...op.memorySize(),
          ...op.i32(10),
          0x6c,
          0x6a,
          ...op.i32(100),
          0x6c,
          ...op.i32(0),
          ...op.memoryGrow(),
          0x6a,
        ],
      });
      // grow(1) from 1 page: -1 within a 64 KiB cap, 1 with 2 pages allowed.
      expect(runToEnd(loadEngine(mode, m.build()))).toEqual({
        kind: 'exited',
        code: (-1 + 10) * 100 + 1,
      });
      expect(runToEnd(loadEngine(mode, m.build(), undefined, {}, 2 * 65536))).toEqual({
        kind: 'exited',
        code: (1 + 20) * 100 + 2,
      });
    });

    // address.wast: the effective address is address + offset without a 32-bit wrap, so an
    // offset of 2^31 or more traps, in the fused local.get + i32.load of fast mode too.
    it.each([
      ['local.get; i32.load', [...op.localGet(0), ...op.mem(0x28, 0xfffffffc)]],
      ['i32.const; i32.load', [...op.i32(0), ...op.mem(0x28, 0x80000000)]],
      ['i32.load8_u', [...op.localGet(0), ...op.mem(0x2d, 0xffffffff)]],
      ['i32.store', [...op.localGet(0), ...op.i32(7), ...op.mem(0x36, 0x80000000), ...op.i32(0)]],
    ])('%s with an offset >= 2^31 traps bad_address', (_, body) => {
      const m = new ModuleBuilder().memory(1);
      m.func({ export: '_start', results: [I32], locals: [I32], body });
      expect(runToEnd(loadEngine(mode, m.build()))).toMatchObject({
        kind: 'fault',
        fault: { code: 'bad_address' },
      });
    });

    it('refuses a module whose data does not fit under the cap', () => {
      const m = new ModuleBuilder().memory(1).data(8000, [1]);
      m.func({ export: '_start', body: [] });
      expect(() => loadEngine(mode, m.build(), undefined, {}, 4096)).toThrow(WasmLoadError);
    });
  });

  describe('imports and syscalls', () => {
    it('maps vmfleet imports to syscalls, yields mid-function and resumes with the value', () => {
      const host = new FakeHost((call) =>
        call.number === 5 ? { kind: 'yield', sleepMs: call.args[0], value: 77 } : undefined,
      );
      const engine = loadEngine(mode, consoleModule(), host);
      expect(engine.run(1000)).toEqual({ kind: 'yielded', sleepMs: 25 });
      expect(engine.state).toBe('running');
      expect(engine.run(1000)).toEqual({ kind: 'exited', code: 7 });
      expect(host.output).toBe('héllo 77');
      expect(host.calls.map((c) => c.number)).toEqual([2, 5, 3, 1]);
      expect(engine.run(1000)).toEqual({ kind: 'exited', code: 7 });
    });

    it.each([
      ['a fault result', () => ({ kind: 'fault' as const, message: 'nope' }), 'bad_syscall'],
      [
        'a thrown Error',
        () => {
          throw new Error('HAL exploded');
        },
        'bad_syscall',
      ],
      [
        'a bad pointer',
        (call: { memory: { readBytes(a: number, n: number): Uint8Array } }) => ({
          kind: 'value' as const,
          value: call.memory.readBytes(65535, 4).length,
        }),
        'bad_address',
      ],
    ])('turns %s into a fault at the call', (_, answer, code) => {
      const engine = loadEngine(
        mode,
        consoleModule(),
        new FakeHost((call) => (call.number === 2 ? answer(call) : undefined)),
      );
      const end = engine.run(1000);
      expect(end).toMatchObject({ kind: 'fault', fault: { code } });
      expect(engine.state).toBe('faulted');
    });
  });

  it('invokes a handler through the function table after _start exits', () => {
    const m = new ModuleBuilder().memory(1).table(2);
    const publish = m.import('vm_publish', [I32, I32], [I32]);
    const handler = m.func({
      params: [I32],
      body: [
        ...op.i32(0),
        ...op.localGet(0),
        ...op.i32(2),
        0x6c,
        ...op.call(publish),
        ...op.drop(),
      ],
    });
    m.elem(1, [handler]);
    m.func({ export: '_start', body: [] });
    const host = new FakeHost((call) =>
      call.number === 20 ? { kind: 'value', value: 0 } : undefined,
    );
    const engine = loadEngine(mode, m.build(), host);
    expect(engine.run(100)).toEqual({ kind: 'exited', code: 0 });
    engine.invoke(1, [21]);
    expect(engine.run(100)).toEqual({ kind: 'returned', value: 0 });
    expect(host.calls.at(-1)).toEqual({ number: 20, args: [0, 42, 0, 0] });
    expect(engine.state).toBe('exited');
    expect(() => engine.invoke(0, [])).toThrow(/not a function/);
  });

  it('inspect shows the function, locals, value stack and a pc in the module', () => {
    const m = new ModuleBuilder();
    const image = (() => {
      m.func({
        export: '_start',
        locals: [I32, I64],
        body: [
          ...op.i32(5),
          ...op.localSet(0),
          ...op.i64(-3n),
          ...op.localSet(1),
          ...op.i32(9),
          ...op.loop(),
          ...op.br(0),
          ...op.end(),
          ...op.drop(),
        ],
      });
      return m.build();
    })();
    const engine = loadEngine(mode, image);
    engine.run(200);
    const view = engine.inspect();
    expect(view).toMatchObject({
      state: 'running',
      functionIndex: 0,
      locals: [5, -3],
      valueStack: [9],
      callStack: [0],
    });
    expect([0x0c, 0x03]).toContain(image[view.pc]); // in the loop: at its br or its start
    expect(engine.readMemory(0, 0)).toEqual(new Uint8Array(0));
  });

  it('slicing a run into any budgets gives the same output and instruction count', () => {
    const image = new Uint8Array(readFileSync(FIBONACCI));
    const whole = new FakeHost();
    const reference = loadEngine(mode, image, whole);
    expect(runToEnd(reference, 1e9)).toEqual({ kind: 'exited', code: 0 });
    const sliced = new FakeHost();
    const engine = loadEngine(mode, image, sliced);
    let end: RunOutcome;
    let i = 0;
    do end = engine.run([1, 7, 1000, 3, 99_999][i++ % 5]);
    while (end.kind === 'budget' || end.kind === 'yielded');
    expect(end).toEqual({ kind: 'exited', code: 0 });
    expect(sliced.output).toBe(whole.output);
    expect(engine.inspect().instructions).toBe(reference.inspect().instructions);
    engine.reset();
    expect(engine.state).toBe('loaded');
    expect(runToEnd(engine, 1e9)).toEqual({ kind: 'exited', code: 0 });
  });
});
