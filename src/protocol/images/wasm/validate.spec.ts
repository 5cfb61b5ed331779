import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseWasmModule,
  validateWasmPayload,
  WASI_CALL_BASE,
  WASI_FUNCTIONS,
  WASM_LIMITS,
  WasmImageError,
} from '.';
import { F64, I32, I64, ModuleBuilder, op } from './testing/builder';

const IMAGES = join(__dirname, '..', '..', '..', '..', 'firmware', 'build', 'wasm');

/** A module with `_start` = `body` plus whatever `setup` adds first. */
function module(
  body: number[],
  setup?: (m: ModuleBuilder) => void,
  results: number[] = [],
): Uint8Array {
  const m = new ModuleBuilder();
  setup?.(m);
  m.func({ export: '_start', results, body });
  return m.build();
}

function codeOf(bytes: Uint8Array): string {
  try {
    parseWasmModule(bytes);
    return 'ok';
  } catch (error) {
    if (error instanceof WasmImageError) return error.code;
    throw error;
  }
}

const withMemory = (m: ModuleBuilder) => void m.memory(1);

describe('wasm module validation', () => {
  it.each(readdirSync(IMAGES).filter((f) => f.endsWith('.wasm')))(
    'accepts the committed image %s',
    (file) => {
      const check = validateWasmPayload(new Uint8Array(readFileSync(join(IMAGES, file))));
      expect(check).toMatchObject({ ok: true });
      if (check.ok) {
        expect(check.needs.ramBytes).toBeLessThanOrEqual(64 * 1024);
        expect(check.needs.stackBytes).toBeGreaterThanOrEqual(4096);
      }
    },
  );

  const cases: Array<[string, Uint8Array, string]> = [
    ['an empty payload', new Uint8Array(0), 'bad_magic'],
    ['an ELF file', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]), 'bad_magic'],
    ['version 2', Uint8Array.from([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), 'unsupported_version'],
    [
      'a truncated section',
      Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1]),
      'malformed',
    ],
    [
      'an unknown section id',
      Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 13, 0]),
      'malformed',
    ],
    [
      'sections out of order',
      Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 3, 1, 0, 1, 1, 0]),
      'malformed',
    ],
    ['no _start', new ModuleBuilder().build(), 'no_entry'],
    [
      '_start with parameters',
      (() => {
        const m = new ModuleBuilder();
        m.func({ export: '_start', params: [I32], body: [] });
        return m.build();
      })(),
      'no_entry',
    ],
    [
      'an import from another module',
      module([], (m) => void m.import('fd_write', [I32, I32, I32, I32], [I32], 'wasi')),
      'unknown_import',
    ],
    [
      'a WASI function the engines do not provide (files)',
      module([], (m) => void m.import('path_open', [I32], [I32], 'wasi_snapshot_preview1')),
      'unknown_import',
    ],
    [
      'a provided WASI function with the wrong type',
      module([], (m) => void m.import('fd_write', [I32], [I32], 'wasi_snapshot_preview1')),
      'import_signature',
    ],
    [
      'an unknown vmfleet import',
      module([], (m) => void m.import('vm_reboot', [], [])),
      'unknown_import',
    ],
    [
      'a vmfleet import with the wrong type',
      module([], (m) => void m.import('vm_print', [I64], [I32])),
      'import_signature',
    ],
    [
      'an i32.add of an i64',
      module([...op.i32(1), ...op.i64(2), 0x6a, ...op.drop()]),
      'type_mismatch',
    ],
    ['a value left on the stack', module([...op.i32(1)]), 'type_mismatch'],
    ['a pop from an empty stack', module([...op.drop()]), 'type_mismatch'],
    ['a br to a missing label', module([...op.br(1)]), 'invalid_index'],
    ['a call to a missing function', module([...op.call(9)]), 'invalid_index'],
    ['an undefined local', module([...op.localGet(0), ...op.drop()]), 'invalid_index'],
    [
      'a load without memory',
      module([...op.i32(0), ...op.mem(0x28), ...op.drop()]),
      'invalid_index',
    ],
    [
      'an over-aligned load',
      module([...op.i32(0), ...op.mem(0x28, 0, 3), ...op.drop()], withMemory),
      'type_mismatch',
    ],
    [
      'an if with a result but no else',
      module([...op.i32(1), ...op.if(I32), ...op.i32(2), ...op.end(), ...op.drop()]),
      'type_mismatch',
    ],
    [
      'a set of an immutable global',
      module([...op.i32(1), ...op.globalSet(0)], (m) => void m.global(I32, false, op.i32(0))),
      'type_mismatch',
    ],
    [
      'a global initialised with the wrong type',
      module([], (m) => void m.global(F64, false, op.i32(0))),
      'bad_constant',
    ],
    [
      'a data segment outside memory',
      module([], (m) => void m.memory(1).data(65535, [1, 2])),
      'bad_segment',
    ],
    [
      'an element segment outside the table',
      module([], (m) => void m.table(1).elem(1, [0])),
      'bad_segment',
    ],
    ['memory limits min > max', module([], (m) => void m.memory(2, 1)), 'bad_limits'],
    [
      'a sign-extension opcode (post-MVP)',
      module([...op.i32(1), 0xc0, ...op.drop()]),
      'unsupported_feature',
    ],
    [
      'a 0xFC-prefixed opcode',
      module([...op.i32(1), 0xfc, 0x00, ...op.drop()]),
      'unsupported_feature',
    ],
    [
      'a start function with a result',
      (() => {
        const m = new ModuleBuilder();
        const f = m.func({ results: [I32], body: op.i32(1) });
        m.func({ export: '_start', body: [] });
        m.start(f);
        return m.build();
      })(),
      'bad_start',
    ],
  ];

  it.each(cases)('refuses %s', (_, bytes, code) => expect(codeOf(bytes)).toBe(code));

  it('maps the WASI functions wasi-libc needs on a device, refuses the rest by name', () => {
    const m = new ModuleBuilder();
    const wasi = (name: string, params: number[], results = [I32]) =>
      m.import(name, params, results, 'wasi_snapshot_preview1');
    wasi('fd_write', [I32, I32, I32, I32]);
    wasi('clock_time_get', [I32, I64, I32]);
    wasi('proc_exit', [I32], []);
    m.func({ export: '_start', body: [] });
    expect(parseWasmModule(m.build()).syscalls).toEqual([
      WASI_CALL_BASE + WASI_FUNCTIONS.indexOf('fd_write'),
      WASI_CALL_BASE + WASI_FUNCTIONS.indexOf('clock_time_get'),
      WASI_CALL_BASE + WASI_FUNCTIONS.indexOf('proc_exit'),
    ]);
    const files = module(
      [],
      (b) => void b.import('path_open', [I32], [I32], 'wasi_snapshot_preview1'),
    );
    expect(() => parseWasmModule(files)).toThrow(
      /import 0 "wasi_snapshot_preview1"\."path_open" is a WASI function vmfleet does not provide .*fd_write/,
    );
  });

  it('names the function and byte offset of a body error', () => {
    const bytes = module([...op.i32(1), ...op.i64(2), 0x6a, ...op.drop()]);
    const add = bytes.lastIndexOf(0x6a);
    expect(() => parseWasmModule(bytes)).toThrow(
      `function 0 at 0x${add.toString(16)}: i32.add expects i32 but found i64`,
    );
  });

  it('accepts dead code after br with any stack (polymorphic stack, §3.3.8)', () => {
    expect(codeOf(module([...op.block(), ...op.br(0), 0x6a, ...op.drop(), ...op.end()]))).toBe(
      'ok',
    );
  });

  it('keeps a leading U+FEFF in a name: "\uFEFF_start" and "_start" are two exports (names.wast)', () => {
    const m = new ModuleBuilder();
    m.func({ export: '_start', body: [] });
    m.func({ export: '\uFEFF_start', body: [] });
    const { module: decoded } = parseWasmModule(m.build());
    expect(decoded.exports.map((e) => e.name)).toEqual(['_start', '\uFEFF_start']);
  });

  it("accepts a br_table as long as br_table.wast's (24,615 labels), refuses one over the limit", () => {
    const table = (labels: number) =>
      module([
        ...op.block(),
        ...op.i32(0),
        ...op.brTable(new Array<number>(labels).fill(0), 0),
        ...op.end(),
      ]);
    expect(codeOf(table(24_615))).toBe('ok');
    expect(codeOf(table(WASM_LIMITS.brTableTargets + 1))).toBe('too_large');
  });

  it('validateWasmPayload reports a rejection as image_rejected with the code', () => {
    expect(validateWasmPayload(new Uint8Array(4))).toEqual({
      ok: false,
      code: 'image_rejected',
      reason: expect.stringMatching(/^bad_magic: /),
    });
  });
});
