import { hexOffset, WasmImageError } from './errors';
import { WASM_LIMITS } from './limits';
import { Opcode } from './opcodes';
import { ByteReader } from './reader';
import {
  MAX_PAGES,
  ValType,
  VAL_TYPE_NAMES,
  type ConstBits,
  type ExternKind,
  type FunctionBody,
  type Limits,
  type WasmModule,
} from './types';

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const VERSION = 1;
const EXTERN_KINDS: readonly ExternKind[] = ['func', 'table', 'memory', 'global'];
const FUNCREF = 0x70;

/** Section ids in their required order (WebAssembly Core Spec §5.5.2); 0 (custom) may go anywhere. */
const Section = {
  Custom: 0,
  Type: 1,
  Import: 2,
  Function: 3,
  Table: 4,
  Memory: 5,
  Global: 6,
  Export: 7,
  Start: 8,
  Element: 9,
  Code: 10,
  Data: 11,
  DataCount: 12,
} as const;

/**
 * Decodes the binary format (§5) into a WasmModule without validating it (validate.ts
 * does). Throws WasmImageError: `bad_magic`, `unsupported_version`, `malformed`,
 * `unsupported_feature` or `too_large`.
 */
export function decodeModule(bytes: Uint8Array): WasmModule {
  if (bytes.length > WASM_LIMITS.moduleBytes) {
    throw new WasmImageError(
      'too_large',
      `module of ${bytes.length} bytes exceeds the ${WASM_LIMITS.moduleBytes}-byte limit`,
    );
  }
  const r = new ByteReader(bytes);
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new WasmImageError(
      'bad_magic',
      'not a WebAssembly binary: it must start with "\\0asm"',
      0,
    );
  }
  const version = new DataView(bytes.buffer, bytes.byteOffset + 4, 4).getUint32(0, true);
  if (version !== VERSION) {
    throw new WasmImageError(
      'unsupported_version',
      `binary format version ${version}; only 1 is supported`,
      4,
    );
  }
  r.offset = 8;
  const module = emptyModule(bytes);
  let functionCount = -1;
  let last: number = Section.Custom;
  while (!r.atEnd) {
    const at = r.offset;
    const id = r.u8();
    const size = r.u32();
    if (size > r.end - r.offset) r.fail(`section ${id} of ${size} bytes runs past the end`, at);
    const section = new ByteReader(bytes, r.offset, r.offset + size);
    r.offset += size;
    if (id !== Section.Custom) {
      if (id === Section.DataCount) unsupported('the data count section (bulk memory)', at);
      if (id > Section.Data) section.fail(`unknown section id ${id}`, at);
      if (id <= last) section.fail(`section ${id} out of order or repeated`, at);
      last = id;
    }
    if (id === Section.Function) functionCount = decodeFunctionSection(section, module);
    else decodeSection(id, section, module);
    if (!section.atEnd) section.fail(`section ${id} is longer than its contents`);
  }
  if (module.bodies.length !== Math.max(functionCount, 0)) {
    r.fail(
      `${Math.max(functionCount, 0)} functions declared but ${module.bodies.length} bodies given`,
    );
  }
  return module;
}

function emptyModule(bytes: Uint8Array): WasmModule {
  return {
    bytes,
    types: [],
    imports: [],
    functions: [],
    table: null,
    memory: null,
    globals: [],
    exports: [],
    start: null,
    elements: [],
    data: [],
    bodies: [],
    functionNames: new Map(),
  };
}

function decodeSection(id: number, r: ByteReader, m: WasmModule): void {
  switch (id) {
    case Section.Custom:
      return decodeCustom(r, m);
    case Section.Type:
      return vector(r, WASM_LIMITS.types, 'types', () => m.types.push(funcType(r)));
    case Section.Import:
      return vector(r, WASM_LIMITS.functions, 'imports', () => decodeImport(r, m));
    case Section.Table:
      return vector(r, 1, 'tables', () => {
        if (r.u8() !== FUNCREF) r.fail('table element type must be funcref', r.offset - 1);
        m.table = limits(r, 2 ** 32 - 1);
      });
    case Section.Memory:
      return vector(r, 1, 'memories', () => (m.memory = limits(r, MAX_PAGES)));
    case Section.Global:
      return vector(r, WASM_LIMITS.globals, 'globals', () => {
        const type = valType(r);
        const mutability = r.u8();
        if (mutability > 1) r.fail(`global mutability ${mutability}`, r.offset - 1);
        m.globals.push({ type, mutable: mutability === 1, init: constExpr(r, type) });
      });
    case Section.Export:
      return vector(r, WASM_LIMITS.exports, 'exports', () => {
        const name = r.name();
        const kind = EXTERN_KINDS[r.u8()] ?? r.fail('unknown export kind', r.offset - 1);
        m.exports.push({ name, kind, index: r.u32() });
      });
    case Section.Start:
      m.start = r.u32();
      return;
    case Section.Element:
      return vector(r, WASM_LIMITS.segments, 'element segments', () => decodeElement(r, m));
    case Section.Code:
      return vector(r, WASM_LIMITS.functions, 'functions', () => m.bodies.push(functionBody(r)));
    case Section.Data:
      return vector(r, WASM_LIMITS.segments, 'data segments', () => {
        segmentIndex(r, 'memory');
        const offset = constExpr(r, ValType.I32).lo >>> 0;
        m.data.push({ offset, bytes: r.take(r.u32()) });
      });
  }
}

function decodeFunctionSection(r: ByteReader, m: WasmModule): number {
  vector(r, WASM_LIMITS.functions, 'functions', () => m.functions.push(r.u32()));
  return m.functions.length;
}

function decodeImport(r: ByteReader, m: WasmModule): void {
  const at = r.offset;
  const module = r.name();
  const name = r.name();
  const kind = r.u8();
  if (kind !== 0) {
    throw new WasmImageError(
      'unknown_import',
      `import "${module}"."${name}" at ${hexOffset(at)} is a ${EXTERN_KINDS[kind] ?? 'unknown kind'}; only functions of module "vmfleet" can be imported`,
      at,
    );
  }
  m.imports.push({ module, name, typeIndex: r.u32() });
}

function decodeElement(r: ByteReader, m: WasmModule): void {
  segmentIndex(r, 'table');
  const offset = constExpr(r, ValType.I32).lo >>> 0;
  const functions: number[] = [];
  vector(r, WASM_LIMITS.tableEntries, 'element entries', () => functions.push(r.u32()));
  m.elements.push({ offset, functions });
}

/** MVP segments name table/memory 0 with a 0 flag byte; other flags are bulk memory. */
function segmentIndex(r: ByteReader, what: string): void {
  const at = r.offset;
  const flags = r.u32();
  if (flags !== 0)
    unsupported(`a ${what} segment with flags ${flags} (bulk memory / reference types)`, at);
}

function functionBody(r: ByteReader): FunctionBody {
  const size = r.u32();
  const start = r.offset;
  const end = start + size;
  if (size > r.end - start) r.fail(`function body of ${size} bytes runs past the section`, start);
  const body = new ByteReader(r.bytes, start, end);
  const locals: ValType[] = [];
  vector(body, WASM_LIMITS.locals, 'local declarations', () => {
    const at = body.offset;
    const count = body.u32();
    const type = valType(body);
    if (locals.length + count > WASM_LIMITS.locals) {
      throw new WasmImageError(
        'too_large',
        `more than ${WASM_LIMITS.locals} locals at ${hexOffset(at)}`,
        at,
      );
    }
    for (let i = 0; i < count; i++) locals.push(type);
  });
  r.offset = end;
  return { start, codeStart: body.offset, end, locals };
}

function funcType(r: ByteReader): { params: ValType[]; results: ValType[] } {
  const at = r.offset;
  if (r.u8() !== 0x60) r.fail('function type must start with 0x60', at);
  const params: ValType[] = [];
  vector(r, WASM_LIMITS.locals, 'parameters', () => params.push(valType(r)));
  const results: ValType[] = [];
  vector(r, 16, 'results', () => results.push(valType(r)));
  if (results.length > 1)
    unsupported(`a function type with ${results.length} results (multi-value)`, at);
  return { params, results };
}

function limits(r: ByteReader, ceiling: number): Limits {
  const at = r.offset;
  const flag = r.u8();
  if (flag > 1) {
    if (flag === 2 || flag === 3) unsupported('shared memory (threads)', at);
    r.fail(`limits flag ${flag}`, at);
  }
  const min = r.u32();
  const max = flag === 1 ? r.u32() : null;
  if (min > ceiling || (max !== null && (max > ceiling || max < min))) {
    throw new WasmImageError(
      'bad_limits',
      `limits {min ${min}, max ${max ?? 'none'}} at ${hexOffset(at)}: need min <= max <= ${ceiling}`,
      at,
    );
  }
  return { min, max };
}

export function valType(r: ByteReader): ValType {
  const at = r.offset;
  const byte = r.u8();
  if (VAL_TYPE_NAMES[byte] === undefined) {
    if (byte === 0x7b || byte === 0x70 || byte === 0x6f)
      unsupported(`value type 0x${byte.toString(16)} (SIMD / reference types)`, at);
    r.fail(`unknown value type 0x${byte.toString(16)}`, at);
  }
  return byte;
}

/**
 * §3.3.10 constant expressions, MVP: one `t.const` of the expected type then `end`.
 * `global.get` would need an imported global, and vmfleet modules import none.
 */
function constExpr(r: ByteReader, type: ValType): ConstBits {
  const at = r.offset;
  const opcode = r.u8();
  let bits: ConstBits;
  switch (opcode) {
    case Opcode.I32Const:
      bits = { type: ValType.I32, lo: r.s32(), hi: 0 };
      break;
    case Opcode.I64Const: {
      const value = r.s64();
      bits = { type: ValType.I64, lo: Number(BigInt.asIntN(32, value)), hi: Number(value >> 32n) };
      break;
    }
    case Opcode.F32Const:
      bits = { type: ValType.F32, lo: r.f32Bits(), hi: 0 };
      break;
    case Opcode.F64Const: {
      const [lo, hi] = r.f64Bits();
      bits = { type: ValType.F64, lo, hi };
      break;
    }
    default:
      throw new WasmImageError(
        'bad_constant',
        `constant expression at ${hexOffset(at)} must be a single t.const, not opcode 0x${opcode.toString(16)}`,
        at,
      );
  }
  if (r.u8() !== Opcode.End) {
    throw new WasmImageError(
      'bad_constant',
      `constant expression at ${hexOffset(at)} must end after one instruction`,
      at,
    );
  }
  if (bits.type !== type) {
    throw new WasmImageError(
      'bad_constant',
      `constant at ${hexOffset(at)} is ${VAL_TYPE_NAMES[bits.type]}, expected ${VAL_TYPE_NAMES[type]}`,
      at,
    );
  }
  return bits;
}

function vector(r: ByteReader, max: number, what: string, each: () => void): void {
  const at = r.offset;
  const count = r.u32();
  if (count > max) {
    throw new WasmImageError(
      'too_large',
      `${count} ${what} at ${hexOffset(at)}; at most ${max} are supported`,
      at,
    );
  }
  for (let i = 0; i < count; i++) each();
}

function unsupported(what: string, at: number): never {
  throw new WasmImageError(
    'unsupported_feature',
    `${what} at ${hexOffset(at)} is not part of the WebAssembly MVP this engine runs`,
    at,
  );
}

/** Custom sections are never validated (§5.5.3); a broken "name" section is ignored. */
function decodeCustom(r: ByteReader, m: WasmModule): void {
  const name = r.name();
  const contents = r.offset;
  r.offset = r.end;
  if (name !== 'name') return;
  try {
    const names = new ByteReader(r.bytes, contents, r.end);
    while (!names.atEnd) {
      const id = names.u8();
      const size = names.u32();
      const next = names.offset + size;
      if (id === 1)
        vector(names, 1 << 20, 'names', () => m.functionNames.set(names.u32(), names.name()));
      names.offset = next;
    }
  } catch {
    m.functionNames.clear();
  }
}
