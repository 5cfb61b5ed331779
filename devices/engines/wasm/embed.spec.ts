import { parseWasmModule, validateModule, type ConstBits } from '../../../src/protocol/images/wasm';
import {
  WasmInstance,
  WasmLinkError,
  WasmStartTrap,
  type HostFunction,
  type WasmInstanceOptions,
} from './embed';
import { F32, F64, I32, I64, ModuleBuilder, op } from './testing/builder';
import { MODES } from './testing/harness';

const i32 = (n: number): ConstBits => ({ type: I32, lo: n | 0, hi: 0 });
const i64 = (n: bigint): ConstBits => ({
  type: I64,
  lo: Number(BigInt.asIntN(32, n)),
  hi: Number(BigInt.asIntN(32, n >> 32n)),
});

describe.each(MODES)('WasmInstance (%s)', (mode) => {
  const options = (extra: Partial<WasmInstanceOptions> = {}): WasmInstanceOptions => ({
    mode,
    memoryBytes: 65536,
    ...extra,
  });

  it('invokes an export by name with typed arguments and gives the results bit for bit', () => {
    const m = new ModuleBuilder();
    m.func({
      export: 'add64',
      params: [I64, I64],
      results: [I64],
      body: [...op.localGet(0), ...op.localGet(1), 0x7c],
    });
    m.func({ export: 'id_f64', params: [F64], results: [F64], body: op.localGet(0) });
    m.func({ export: 'id_f32', params: [F32], results: [F32], body: op.localGet(0) });
    m.func({ export: 'nothing', body: [] });
    const instance = WasmInstance.instantiate(m.build(), options());
    expect(instance.invoke('add64', [i64(2n ** 40n), i64(-1n)])).toEqual({
      kind: 'returned',
      results: [i64(2n ** 40n - 1n)],
    });
    // A signalling NaN with a payload passes a parameter and a result unchanged.
    const snan: ConstBits = { type: F64, lo: 0x12345, hi: 0x7ff40000 };
    expect(instance.invoke('id_f64', [snan])).toEqual({ kind: 'returned', results: [snan] });
    const snan32: ConstBits = { type: F32, lo: 0x7fa00001, hi: 0 };
    expect(instance.invoke('id_f32', [snan32])).toEqual({ kind: 'returned', results: [snan32] });
    expect(instance.invoke('nothing', [])).toEqual({ kind: 'returned', results: [] });
  });

  it('refuses arguments of the wrong number or type, and unknown exports', () => {
    const m = new ModuleBuilder();
    m.func({ export: 'f', params: [I32], body: [] });
    const instance = WasmInstance.instantiate(m.build(), options());
    expect(() => instance.invoke('f', [])).toThrow(/takes \[i32\] -> \[\]/);
    expect(() => instance.invoke('f', [i64(1n)])).toThrow(RangeError);
    expect(() => instance.invoke('g', [])).toThrow(/no func named "g"/);
  });

  it('links imports of any module to host functions and passes their values both ways', () => {
    const seen: ConstBits[][] = [];
    const twice: HostFunction = {
      type: { params: [I32, I64], results: [I64] },
      call: (args) => {
        seen.push([...args]);
        return [i64(2n * (BigInt(args[0].lo) + 1n))];
      },
    };
    const m = new ModuleBuilder();
    const imported = m.import('twice', [I32, I64], [I64], 'env');
    m.func({
      export: 'run',
      results: [I64],
      body: [...op.i32(20), ...op.i64(7n), ...op.call(imported)],
    });
    const instance = WasmInstance.instantiate(
      m.build(),
      options({
        imports: (module, name) => (module === 'env' && name === 'twice' ? twice : undefined),
      }),
    );
    expect(instance.invoke('run', [])).toEqual({ kind: 'returned', results: [i64(42n)] });
    expect(seen).toEqual([[i32(20), i64(7n)]]);
  });

  it('links one instance to another’s export, and a trap there traps the caller', () => {
    const lib = new ModuleBuilder();
    lib.func({
      export: 'div',
      params: [I32, I32],
      results: [I32],
      body: [...op.localGet(0), ...op.localGet(1), 0x6d],
    });
    const library = WasmInstance.instantiate(lib.build(), options());
    const app = new ModuleBuilder();
    const div = app.import('div', [I32, I32], [I32], 'lib');
    app.func({
      export: 'call',
      params: [I32],
      results: [I32],
      body: [...op.i32(84), ...op.localGet(0), ...op.call(div)],
    });
    const instance = WasmInstance.instantiate(
      app.build(),
      options({
        imports: (module, name) => (module === 'lib' ? library.exportedFunction(name) : undefined),
      }),
    );
    expect(instance.invoke('call', [i32(2)])).toEqual({ kind: 'returned', results: [i32(42)] });
    const trapped = instance.invoke('call', [i32(0)]);
    expect(trapped.kind === 'fault' && trapped.fault.code).toBe('divide_by_zero');
  });

  it('refuses to link an unknown import, one of another type, and a name that is no function', () => {
    const m = new ModuleBuilder();
    m.import('f', [I32], [], 'env');
    const bytes = m.build();
    const host: HostFunction = { type: { params: [I64], results: [] }, call: () => [] };
    const attempt = (found: HostFunction | 'not_a_function' | undefined) => () =>
      WasmInstance.instantiate(bytes, options({ imports: () => found }));
    expect(attempt(undefined)).toThrow(expect.objectContaining({ code: 'unknown_import' }));
    expect(attempt(host)).toThrow(expect.objectContaining({ code: 'incompatible_import' }));
    expect(attempt('not_a_function')).toThrow(WasmLinkError);
  });

  it('links a module whose segment is outside its memory only to refuse it (§4.5.4), though it is valid', () => {
    const m = new ModuleBuilder().memory(1).data(65535, [1, 2]);
    m.func({ export: '_start', body: [] });
    const bytes = m.build();
    expect(() => validateModule(bytes)).not.toThrow();
    expect(() => parseWasmModule(bytes)).toThrow(expect.objectContaining({ code: 'bad_segment' }));
    expect(() => WasmInstance.instantiate(bytes, options())).toThrow(
      expect.objectContaining({ code: 'segment_does_not_fit' }),
    );
    const t = new ModuleBuilder().table(1).elem(1, [0]);
    t.func({ body: [] });
    expect(() => WasmInstance.instantiate(t.build(), options())).toThrow(
      expect.objectContaining({ code: 'segment_does_not_fit' }),
    );
  });

  it('runs the start function first and refuses the module when it traps', () => {
    const m = new ModuleBuilder();
    const g = m.global(I32, true, op.i32(1));
    const start = m.func({ body: [...op.i32(5), ...op.globalSet(g)] });
    m.start(start);
    m.exportGlobal('g', g);
    expect(WasmInstance.instantiate(m.build(), options()).global('g')).toEqual(i32(5));
    const bad = new ModuleBuilder();
    bad.start(bad.func({ body: op.unreachable() }));
    expect(() => WasmInstance.instantiate(bad.build(), options())).toThrow(WasmStartTrap);
  });

  it('faults stack_exhausted on runaway recursion and budget_exhausted on an endless loop', () => {
    const m = new ModuleBuilder();
    m.func({ export: 'runaway', body: op.call(0) });
    m.func({ export: 'spin', body: [...op.loop(), ...op.br(0), ...op.end()] });
    const instance = WasmInstance.instantiate(m.build(), options({ budget: 10_000 }));
    const deep = instance.invoke('runaway', []);
    expect(deep.kind === 'fault' && deep.fault.code).toBe('stack_exhausted');
    const spin = instance.invoke('spin', []);
    expect(spin.kind === 'fault' && spin.fault.code).toBe('budget_exhausted');
  });

  it('refuses a host function that calls back into the instance that called it', () => {
    let instance: WasmInstance | null = null;
    const back: HostFunction = {
      type: { params: [], results: [] },
      call: () => instance!.invoke('inner', []) && [],
    };
    const m = new ModuleBuilder();
    const imported = m.import('back', [], [], 'env');
    m.func({ export: 'outer', body: op.call(imported) });
    m.func({ export: 'inner', body: [] });
    instance = WasmInstance.instantiate(m.build(), options({ imports: () => back }));
    expect(() => instance.invoke('outer', [])).toThrow(/called back into the instance/);
    expect(instance.invoke('inner', [])).toEqual({ kind: 'returned', results: [] });
  });
});
