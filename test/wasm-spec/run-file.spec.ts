import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { F32, F64, I32, ModuleBuilder, op } from '../../devices/engines/wasm/testing/builder';
import { runSpecFile } from './run-file';
import { matches, toBits } from './values';

/**
 * The runner itself: a wrong result, a missing trap or an accepted invalid module must
 * come out as failures, out-of-scope commands as counted reasons, never as passes. The
 * scripts are written here in wast2json's format, with ModuleBuilder binaries.
 */
let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vmfleet-run-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function script(modules: Record<string, Uint8Array>, commands: object[]): string {
  for (const [name, bytes] of Object.entries(modules)) writeFileSync(join(dir, name), bytes);
  const path = join(dir, 'script.json');
  writeFileSync(path, JSON.stringify({ source_filename: 'script.wast', commands }));
  return path;
}

/** Exports div(i32, i32) -> i32 (i32.div_s) and nan() -> f32 (0/0). */
function arithmetic(): Uint8Array {
  const m = new ModuleBuilder();
  m.func({
    export: 'div',
    params: [I32, I32],
    results: [I32],
    body: [...op.localGet(0), ...op.localGet(1), 0x6d],
  });
  m.func({ export: 'nan', results: [F32], body: [...op.f32(0), ...op.f32(0), 0x95] });
  return m.build();
}

const i32 = (value: number) => ({ type: 'i32', value: String(value >>> 0) });
const invoke = (field: string, args: object[] = []) => ({ type: 'invoke', field, args });

/** A module that imports spectest's memory: out of the engine's scope. */
const MEMORY_IMPORT = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...[0x02, 0x14, 0x01, 0x08, ...new TextEncoder().encode('spectest')],
  ...[0x06, ...new TextEncoder().encode('memory'), 0x02, 0x00, 0x01],
]);

describe.each(['classic', 'fast'] as const)('runSpecFile (%s)', (mode) => {
  it('passes right results and fails wrong ones, missing traps and wrong traps', () => {
    const path = script({ 'a.wasm': arithmetic() }, [
      { type: 'module', line: 1, filename: 'a.wasm' },
      {
        type: 'assert_return',
        line: 2,
        action: invoke('div', [i32(7), i32(2)]),
        expected: [i32(3)],
      },
      {
        type: 'assert_return',
        line: 3,
        action: invoke('div', [i32(7), i32(2)]),
        expected: [i32(4)],
      },
      {
        type: 'assert_trap',
        line: 4,
        action: invoke('div', [i32(1), i32(0)]),
        text: 'integer divide by zero',
        expected: [],
      },
      {
        type: 'assert_trap',
        line: 5,
        action: invoke('div', [i32(1), i32(1)]),
        text: 'integer divide by zero',
        expected: [],
      },
      {
        type: 'assert_trap',
        line: 6,
        action: invoke('div', [i32(1), i32(0)]),
        text: 'unreachable',
        expected: [],
      },
      {
        type: 'assert_return',
        line: 7,
        action: invoke('nan'),
        expected: [{ type: 'f32', value: 'nan:arithmetic' }],
      },
      { type: 'assert_return', line: 8, action: invoke('missing'), expected: [] },
    ]);
    const report = runSpecFile(path, mode);
    expect(report).toMatchObject({ file: 'script.wast', commands: 8, passed: 4 });
    expect(report.failures).toEqual([
      expect.stringMatching(
        /^line 3 assert_return: div\(i32:7, i32:2\) returned \[i32:0x00000003\], expected \[i32:4\]/,
      ),
      expect.stringMatching(
        /^line 5 assert_trap: div returned \[i32:0x00000001\], expected a trap/,
      ),
      expect.stringMatching(
        /^line 6 assert_trap: div trapped divide_by_zero .*expected unreachable/,
      ),
      expect.stringMatching(/^line 8 .*no func named "missing"/),
    ]);
  });

  it('fails an assert_invalid the validator accepts; counts .wat ones out of scope', () => {
    const path = script({ 'a.wasm': arithmetic() }, [
      {
        type: 'assert_invalid',
        line: 1,
        filename: 'a.wasm',
        text: 'type mismatch',
        module_type: 'binary',
      },
      {
        type: 'assert_malformed',
        line: 2,
        filename: 'b.wat',
        text: 'unexpected token',
        module_type: 'text',
      },
    ]);
    const report = runSpecFile(path, mode);
    expect(report.passed).toBe(0);
    expect(report.failures).toEqual([expect.stringMatching(/^line 1 assert_invalid: accepted/)]);
    expect(report.outOfScope).toEqual(new Map([['wat', 1]]));
  });

  it('counts a memory-importing module and the commands on it out of scope', () => {
    const path = script({ 'm.wasm': MEMORY_IMPORT, 'a.wasm': arithmetic() }, [
      { type: 'module', line: 1, filename: 'm.wasm' },
      { type: 'assert_return', line: 2, action: invoke('f'), expected: [] },
      { type: 'module', line: 3, filename: 'a.wasm' },
      {
        type: 'assert_return',
        line: 4,
        action: invoke('div', [i32(9), i32(3)]),
        expected: [i32(3)],
      },
    ]);
    const report = runSpecFile(path, mode);
    expect(report.failures).toEqual([]);
    expect(report.passed).toBe(2);
    expect(report.outOfScope).toEqual(
      new Map([
        ['memory import', 1],
        ['uses such a module', 1],
      ]),
    );
  });

  it('links imports to a registered module and checks link errors and start traps by kind', () => {
    const user = new ModuleBuilder();
    const div = user.import('div', [I32, I32], [I32], 'lib');
    user.func({
      export: 'half',
      params: [I32],
      results: [I32],
      body: [...op.localGet(0), ...op.i32(2), ...op.call(div)],
    });
    const unknown = new ModuleBuilder();
    unknown.import('nope', [], [], 'lib');
    const trapping = new ModuleBuilder();
    trapping.start(trapping.func({ body: op.unreachable() }));
    const path = script(
      {
        'a.wasm': arithmetic(),
        'u.wasm': user.build(),
        'x.wasm': unknown.build(),
        't.wasm': trapping.build(),
      },
      [
        { type: 'module', line: 1, name: '$lib', filename: 'a.wasm' },
        { type: 'register', line: 2, name: '$lib', as: 'lib' },
        { type: 'module', line: 3, filename: 'u.wasm' },
        { type: 'assert_return', line: 4, action: invoke('half', [i32(-8)]), expected: [i32(-4)] },
        {
          type: 'assert_unlinkable',
          line: 5,
          filename: 'x.wasm',
          text: 'unknown import',
          module_type: 'binary',
        },
        {
          type: 'assert_unlinkable',
          line: 6,
          filename: 'x.wasm',
          text: 'incompatible import type',
          module_type: 'binary',
        },
        {
          type: 'assert_uninstantiable',
          line: 7,
          filename: 't.wasm',
          text: 'unreachable',
          module_type: 'binary',
        },
        {
          type: 'assert_unlinkable',
          line: 8,
          filename: 'u.wasm',
          text: 'unknown import',
          module_type: 'binary',
        },
      ],
    );
    const report = runSpecFile(path, mode);
    expect(report.failures).toEqual([
      expect.stringMatching(/^line 6 .*expected link error incompatible_import.*unknown_import/),
      expect.stringMatching(/^line 8 .*a module that instantiated/),
    ]);
    expect(report.passed).toBe(6);
  });
});

describe('value matching', () => {
  const f32 = (value: string) => ({ type: 'f32', value });
  const f64 = (value: string) => ({ type: 'f64', value });
  it.each([
    [f32('nan:canonical'), { type: F32, lo: 0x7fc00000, hi: 0 }, true],
    [f32('nan:canonical'), { type: F32, lo: 0xffc00000 | 0, hi: 0 }, true],
    [f32('nan:canonical'), { type: F32, lo: 0x7fc00001, hi: 0 }, false],
    [f32('nan:arithmetic'), { type: F32, lo: 0x7fc00001, hi: 0 }, true],
    [f32('nan:arithmetic'), { type: F32, lo: 0x7fa00000, hi: 0 }, false], // signalling
    [f64('nan:canonical'), { type: F64, lo: 0, hi: 0x7ff80000 }, true],
    [f64('nan:canonical'), { type: F64, lo: 1, hi: 0x7ff80000 }, false],
    [f64('nan:arithmetic'), { type: F64, lo: 0, hi: 0x7ff40000 }, false],
    [f64(String(0x7ff4000000000000n)), { type: F64, lo: 0, hi: 0x7ff40000 }, true],
    [f32('2143289344'), { type: F64, lo: 0x7fc00000, hi: 0 }, false], // another type
    [{ type: 'i32', value: '4294967295' }, { type: I32, lo: -1, hi: 0 }, true],
  ])('%j matches %j: %s', (expected, actual, result) => {
    expect(matches(expected, actual)).toBe(result);
  });

  it('reads i64 and f64 bits as two halves', () => {
    expect(toBits({ type: 'i64', value: String(2n ** 64n - 2n) })).toEqual({
      type: 0x7e,
      lo: -2,
      hi: -1,
    });
    expect(() => toBits({ type: 'v128', value: '0' })).toThrow(/not an MVP type/);
  });
});
