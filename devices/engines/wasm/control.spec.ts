import { I32, I64, ModuleBuilder, op } from './testing/builder';
import { evaluate, loadEngine, MODES, runToEnd } from './testing/harness';

/** A module whose _start returns the i32 `body` computes, with `setup` adding more functions. */
function exitCode(
  mode: (typeof MODES)[number],
  body: number[],
  setup?: (m: ModuleBuilder) => void,
  locals: number[] = [],
) {
  const m = new ModuleBuilder().memory(1);
  setup?.(m);
  m.func({ export: '_start', results: [I32], locals, body });
  const end = runToEnd(loadEngine(mode, m.build()));
  return end.kind === 'exited' ? end.code : end.kind === 'fault' ? end.fault.code : end.kind;
}

describe.each(MODES)('wasm control instructions (%s)', (mode) => {
  // WebAssembly Core Spec §4.4.8 control instructions.
  it('block result and br carrying a value out of nested blocks, dropping the rest', () => {
    const body = [
      ...op.block(I32),
      ...op.i32(99),
      ...op.block(I32),
      ...op.i32(1),
      ...op.i32(7),
      ...op.br(1), // leaves 99 and 1 behind
      ...op.end(),
      ...op.drop(),
      ...op.end(),
      ...op.i32(35),
      0x6a,
    ];
    expect(exitCode(mode, body)).toBe(42);
  });

  it('loop with br_if counts to 10', () => {
    const body = [
      ...op.loop(),
      ...op.localGet(0),
      ...op.i32(1),
      0x6a,
      ...op.localTee(0),
      ...op.i32(10),
      0x48, // lt_s
      ...op.brIf(0),
      ...op.end(),
      ...op.localGet(0),
    ];
    expect(exitCode(mode, body, undefined, [I32])).toBe(10);
  });

  it.each([
    [1, 11],
    [0, 22],
  ])('if/else takes the %s branch', (condition, expected) => {
    const body = [
      ...op.i32(condition),
      ...op.if(I32),
      ...op.i32(11),
      ...op.else(),
      ...op.i32(22),
      ...op.end(),
    ];
    expect(exitCode(mode, body)).toBe(expected);
  });

  it('if without else skips its body', () => {
    const body = [
      ...op.i32(5),
      ...op.localSet(0),
      ...op.i32(0),
      ...op.if(),
      ...op.i32(6),
      ...op.localSet(0),
      ...op.end(),
      ...op.localGet(0),
    ];
    expect(exitCode(mode, body, undefined, [I32])).toBe(5);
  });

  it.each([
    [0, 100],
    [1, 101],
    [2, 102],
    [7, 102], // past the labels: the default
    [-1, 102],
  ])('br_table index %s', (index, expected) => {
    const body = [
      ...op.block(),
      ...op.block(),
      ...op.block(),
      ...op.i32(index),
      ...op.brTable([0, 1], 2),
      ...op.end(),
      ...op.i32(100),
      ...op.return(),
      ...op.end(),
      ...op.i32(101),
      ...op.return(),
      ...op.end(),
      ...op.i32(102),
    ];
    expect(exitCode(mode, body)).toBe(expected);
  });

  it('br to the function label returns its value', () => {
    const body = [
      ...op.i32(3),
      ...op.block(),
      ...op.i32(4),
      ...op.br(1),
      ...op.end(),
      ...op.drop(),
      ...op.i32(5),
    ];
    expect(exitCode(mode, body)).toBe(4);
  });

  it('select picks by its condition', () => {
    expect(
      evaluate(mode, I64, [...op.i64(1n << 40n), ...op.i64(2n), ...op.i32(0), ...op.select()]),
    ).toBe(2n);
    expect(evaluate(mode, I32, [...op.i32(1), ...op.i32(2), ...op.i32(1), ...op.select()])).toBe(
      1n,
    );
  });

  it('calls pass parameters and results; recursion computes 10!', () => {
    const setup = (m: ModuleBuilder) =>
      m.func({
        params: [I64],
        results: [I64],
        body: [
          ...op.localGet(0),
          0x50, // i64.eqz
          ...op.if(I64),
          ...op.i64(1),
          ...op.else(),
          ...op.localGet(0),
          ...op.localGet(0),
          ...op.i64(1),
          0x7d,
          ...op.call(0),
          0x7e,
          ...op.end(),
        ],
      });
    expect(exitCode(mode, [...op.i64(10), ...op.call(0), 0xa7], setup)).toBe(3628800);
  });

  describe('call_indirect', () => {
    const setup = (m: ModuleBuilder) => {
      m.table(3);
      const add = m.func({
        params: [I32, I32],
        results: [I32],
        body: [...op.localGet(0), ...op.localGet(1), 0x6a],
      });
      const neg = m.func({
        params: [I32],
        results: [I32],
        body: [...op.i32(0), ...op.localGet(0), 0x6b],
      });
      m.elem(0, [add, neg]);
    };
    const call = (element: number, type: number) => [
      ...op.i32(40),
      ...op.i32(2),
      ...op.i32(element),
      ...op.callIndirect(type),
    ];

    it('calls the table entry of the expected type', () =>
      expect(exitCode(mode, call(0, 0), setup)).toBe(42));
    it('traps on a type mismatch', () =>
      expect(exitCode(mode, [...op.i32(1), ...call(1, 0), 0x6a], setup)).toBe(
        'indirect_call_mismatch',
      ));
    it('traps on an uninitialised element', () =>
      expect(exitCode(mode, call(2, 0), setup)).toBe('undefined_element'));
    it('traps outside the table', () =>
      expect(exitCode(mode, call(3, 0), setup)).toBe('undefined_element'));
  });

  it('unreachable traps with the instruction’s byte offset', () => {
    const m = new ModuleBuilder();
    m.func({ export: '_start', body: [...op.nop(), ...op.unreachable()] });
    const image = m.build();
    const end = runToEnd(loadEngine(mode, image));
    expect(end).toMatchObject({ kind: 'fault', fault: { code: 'unreachable' } });
    expect(end.kind === 'fault' && image[end.fault.pc]).toBe(0x00);
  });

  it('unbounded recursion ends in stack_exhausted, not a JS stack overflow', () => {
    const setup = (m: ModuleBuilder) =>
      m.func({
        params: [I32],
        results: [I32],
        body: [...op.localGet(0), ...op.i32(1), 0x6a, ...op.call(0)],
      });
    expect(exitCode(mode, [...op.i32(0), ...op.call(0)], setup)).toBe('stack_exhausted');
    const m = new ModuleBuilder();
    m.func({ params: [I32], results: [I32], body: [...op.localGet(0), ...op.call(0)] });
    m.func({ export: '_start', results: [I32], body: [...op.i32(0), ...op.call(0)] });
    const engine = loadEngine(mode, m.build(), undefined, { maxCallDepth: 50 });
    expect(runToEnd(engine)).toMatchObject({
      kind: 'fault',
      fault: { code: 'stack_exhausted', message: expect.stringMatching(/50 nested calls/) },
    });
  });

  it('an infinite loop is stopped by the budget and resumes exactly', () => {
    const m = new ModuleBuilder();
    m.func({
      export: '_start',
      locals: [I32],
      body: [
        ...op.loop(),
        ...op.localGet(0),
        ...op.i32(1),
        0x6a,
        ...op.localSet(0),
        ...op.br(0),
        ...op.end(),
      ],
    });
    const engine = loadEngine(mode, m.build());
    expect(engine.run(1000)).toEqual({ kind: 'budget' });
    expect(engine.inspect().instructions).toBe(1000);
    expect(engine.step(1)).toEqual({ kind: 'budget' });
    expect(engine.inspect().instructions).toBe(1001);
    expect(engine.state).toBe('running');
  });
});
