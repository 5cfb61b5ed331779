import { abiType, guestImport, unknownImportMessage, WASM_ENTRY_EXPORT } from './abi';
import { decodeModule } from './decode';
import { hexOffset, WasmImageError } from './errors';
import { WASM_LIMITS } from './limits';
import {
  functionCount,
  functionType,
  PAGE_BYTES,
  VAL_TYPE_NAMES,
  ValType,
  type FuncType,
  type WasmModule,
} from './types';
import { validateFunction, type FunctionInfo } from './validate-code';

/** A decoded module that passed validation, with what the engine needs to run it. */
export interface ValidatedModule {
  module: WasmModule;
  /** Per defined function, in order. */
  functionInfo: FunctionInfo[];
  /** Syscall number of each import, by import index. */
  syscalls: number[];
  /** Function index of the exported `_start`. */
  entry: number;
  layout: StaticLayout;
}

/** Where the guest's static data and stack sit in linear memory (docs/guest-abi.md, wasm images). */
export interface StaticLayout {
  /** Lowest and highest byte (exclusive) covered by data segments; both 0 without data. */
  dataStart: number;
  dataEnd: number;
  /** Initial value of the stack-pointer global (global 0 when it is a mutable i32), or null. */
  stackTop: number | null;
  /** The stack's size: below stackTop down to 0 (--stack-first) or down to the data's end. */
  stackBytes: number;
  /**
   * Bytes of linear memory the program needs before it runs: data, the stack below stackTop
   * and .bss (up to an exported `__heap_base`).
   */
  staticEnd: number;
}

/**
 * Decodes and fully validates a module (WebAssembly Core Spec §3, §5) and the vmfleet
 * rules on top: imports only from module "vmfleet" with the guest ABI's signatures,
 * an exported `_start`, segments inside the initial table and memory. Throws WasmImageError.
 */
export function parseWasmModule(bytes: Uint8Array): ValidatedModule {
  const module = decodeModule(bytes);
  checkTypesAndFunctions(module);
  const syscalls = checkImports(module);
  checkGlobalsAndExports(module);
  const entry = checkEntry(module);
  checkSegments(module);
  const functionInfo = module.bodies.map((_, i) => validateFunction(module, i));
  return { module, functionInfo, syscalls, entry, layout: staticLayout(module) };
}

/**
 * Decodes and validates a module by the WebAssembly Core Spec alone (§3, §5, this
 * implementation's limits), without the vmfleet rules of parseWasmModule: imports of any
 * module and name (functions only: the decoder refuses the other kinds `unknown_import`),
 * no `_start` needed, and segments only checked against their table or memory when the
 * embedder instantiates the module (§4.5.4), not here. For embedders that link modules
 * themselves, such as the spec testsuite runner (devices/engines/wasm/embed.ts).
 * `syscalls` is empty, `entry` is -1 and `layout.stackTop` null: no guest ABI applies.
 */
export function validateModule(bytes: Uint8Array): ValidatedModule {
  const module = decodeModule(bytes);
  checkTypesAndFunctions(module);
  module.imports.forEach((imp, i) => {
    if (module.types[imp.typeIndex] === undefined)
      fail('invalid_index', `import ${i} has type ${imp.typeIndex}, which does not exist`);
  });
  checkGlobalsAndExports(module);
  checkStart(module);
  checkSegments(module, false);
  const functionInfo = module.bodies.map((_, i) => validateFunction(module, i));
  const { dataStart, dataEnd } = staticLayout(module);
  const layout = { dataStart, dataEnd, stackTop: null, stackBytes: 0, staticEnd: dataEnd };
  return { module, functionInfo, syscalls: [], entry: -1, layout };
}

function checkTypesAndFunctions(m: WasmModule): void {
  if (functionCount(m) > WASM_LIMITS.functions) {
    fail(
      'too_large',
      `${functionCount(m)} functions; at most ${WASM_LIMITS.functions} are supported`,
    );
  }
  m.functions.forEach((typeIndex, i) => {
    if (m.types[typeIndex] === undefined)
      fail(
        'invalid_index',
        `function ${m.imports.length + i} has type ${typeIndex}, which does not exist`,
      );
  });
  if (m.table !== null && m.table.min > WASM_LIMITS.tableEntries) {
    fail(
      'too_large',
      `table of ${m.table.min} entries; at most ${WASM_LIMITS.tableEntries} are supported`,
    );
  }
}

function checkImports(m: WasmModule): number[] {
  return m.imports.map((imp, i) => {
    const abi = guestImport(imp.module, imp.name);
    if (abi === undefined) fail('unknown_import', unknownImportMessage(i, imp.module, imp.name));
    const type = m.types[imp.typeIndex];
    if (type === undefined)
      fail('invalid_index', `import ${i} has type ${imp.typeIndex}, which does not exist`);
    const expected = abiType(abi);
    if (!sameType(type, expected)) {
      fail(
        'import_signature',
        `import "${imp.name}" has type ${typeText(type)}; the guest ABI defines ${typeText(expected)}`,
      );
    }
    return abi.syscall;
  });
}

function checkGlobalsAndExports(m: WasmModule): void {
  const names = new Set<string>();
  for (const e of m.exports) {
    if (names.has(e.name)) fail('bad_export', `export name "${e.name}" appears twice`);
    names.add(e.name);
    const count =
      e.kind === 'func'
        ? functionCount(m)
        : e.kind === 'global'
          ? m.globals.length
          : e.kind === 'table'
            ? Number(m.table !== null)
            : Number(m.memory !== null);
    if (e.index >= count)
      fail('invalid_index', `export "${e.name}" names ${e.kind} ${e.index}, which does not exist`);
  }
}

function checkStart(m: WasmModule): void {
  if (m.start === null) return;
  if (m.start >= functionCount(m))
    fail('invalid_index', `start function ${m.start} does not exist`);
  if (!sameType(functionType(m, m.start), { params: [], results: [] })) {
    fail('bad_start', `start function ${m.start} must have type [] -> []`);
  }
}

function checkEntry(m: WasmModule): number {
  checkStart(m);
  const entry = m.exports.find((e) => e.name === WASM_ENTRY_EXPORT && e.kind === 'func');
  if (entry === undefined)
    fail(
      'no_entry',
      `no exported function "${WASM_ENTRY_EXPORT}": link with -Wl,--export=${WASM_ENTRY_EXPORT} (firmware/sdk/wasm)`,
    );
  const type = functionType(m, entry.index);
  if (type.params.length > 0 || (type.results.length > 0 && type.results[0] !== ValType.I32)) {
    fail(
      'no_entry',
      `"${WASM_ENTRY_EXPORT}" has type ${typeText(type)}; it must be [] -> [] or [] -> [i32]`,
    );
  }
  if (entry.index < m.imports.length)
    fail('no_entry', `"${WASM_ENTRY_EXPORT}" must be defined in the module, not imported`);
  return entry.index;
}

/**
 * MVP instantiation fails for a segment outside its table or memory (§4.5.4); offsets are
 * constants here, so `bounds` checks that at validation already (the upload check).
 */
function checkSegments(m: WasmModule, bounds = true): void {
  m.elements.forEach((seg, i) => {
    if (m.table === null) fail('invalid_index', `element segment ${i} without a table`);
    if (bounds && seg.offset + seg.functions.length > m.table.min) {
      fail(
        'bad_segment',
        `element segment ${i} [${seg.offset}, +${seg.functions.length}) is outside the table of ${m.table.min} entries`,
      );
    }
    const bad = seg.functions.find((f) => f >= functionCount(m));
    if (bad !== undefined)
      fail('invalid_index', `element segment ${i} names function ${bad}, which does not exist`);
  });
  m.data.forEach((seg, i) => {
    if (m.memory === null) fail('invalid_index', `data segment ${i} without a memory`);
    const bytes = m.memory.min * PAGE_BYTES;
    if (bounds && seg.offset + seg.bytes.length > bytes) {
      fail(
        'bad_segment',
        `data segment ${i} [${hexOffset(seg.offset)}, +${seg.bytes.length}) is outside the initial memory of ${bytes} bytes`,
      );
    }
  });
}

function staticLayout(m: WasmModule): StaticLayout {
  const used = m.data.filter((seg) => seg.bytes.length > 0);
  const dataStart = used.length ? Math.min(...used.map((seg) => seg.offset)) : 0;
  const dataEnd = used.length ? Math.max(...used.map((seg) => seg.offset + seg.bytes.length)) : 0;
  const sp = m.globals[0];
  const stackTop =
    sp !== undefined && sp.mutable && sp.type === ValType.I32 ? sp.init.lo >>> 0 : null;
  const stackFloor = stackTop !== null && stackTop > dataStart ? dataEnd : 0;
  const stackBytes = stackTop === null ? 0 : Math.max(stackTop - stackFloor, 0);
  // The SDK exports __heap_base, the end of .bss (zeroed, so no data segment covers it):
  // the engines refuse an image whose __heap_base is past the board's memory, so it counts.
  const heap = m.exports.find((e) => e.kind === 'global' && e.name === '__heap_base');
  const g = heap === undefined ? undefined : m.globals[heap.index];
  const heapBase = g === undefined || g.mutable || g.type !== ValType.I32 ? 0 : g.init.lo >>> 0;
  const staticEnd = Math.max(dataEnd, stackTop ?? 0, heapBase);
  return { dataStart, dataEnd, stackTop, stackBytes, staticEnd };
}

function sameType(a: FuncType, b: FuncType): boolean {
  const same = (x: readonly ValType[], y: readonly ValType[]) =>
    x.length === y.length && x.every((t, i) => t === y[i]);
  return same(a.params, b.params) && same(a.results, b.results);
}

export function typeText(type: FuncType): string {
  const list = (ts: readonly ValType[]) => `[${ts.map((t) => VAL_TYPE_NAMES[t]).join(' ')}]`;
  return `${list(type.params)} -> ${list(type.results)}`;
}

function fail(code: WasmImageError['code'], message: string): never {
  throw new WasmImageError(code, message);
}
