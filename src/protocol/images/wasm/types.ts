/** The decoded structure of a WebAssembly MVP module (WebAssembly Core Spec §2.5). */

/** §5.3.1 value types, by their binary encoding. */
export const enum ValType {
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
}

export const VAL_TYPE_NAMES: Readonly<Record<number, string>> = {
  [ValType.I32]: 'i32',
  [ValType.I64]: 'i64',
  [ValType.F32]: 'f32',
  [ValType.F64]: 'f64',
};

export interface FuncType {
  params: readonly ValType[];
  /** MVP: at most one result. */
  results: readonly ValType[];
}

export interface Limits {
  min: number;
  max: number | null;
}

export interface FuncImport {
  module: string;
  name: string;
  typeIndex: number;
}

/** A constant's raw bits: i32 and f32 in `lo`; i64 and f64 as two little-endian halves. */
export interface ConstBits {
  type: ValType;
  lo: number;
  hi: number;
}

export interface Global {
  type: ValType;
  mutable: boolean;
  init: ConstBits;
}

export type ExternKind = 'func' | 'table' | 'memory' | 'global';

export interface Export {
  name: string;
  kind: ExternKind;
  index: number;
}

export interface ElementSegment {
  offset: number;
  functions: readonly number[];
}

export interface DataSegment {
  offset: number;
  bytes: Uint8Array;
}

export interface FunctionBody {
  /** Offset of the body's size field's first byte after it: where the local declarations start. */
  start: number;
  /** Offset of the first instruction. */
  codeStart: number;
  /** Offset just past the final `end`. */
  end: number;
  /** Declared locals (after the parameters), one entry per local. */
  locals: readonly ValType[];
}

export interface WasmModule {
  /** The binary the offsets below point into. */
  bytes: Uint8Array;
  types: FuncType[];
  imports: FuncImport[];
  /** Type index of each function defined in the module (the code section holds their bodies). */
  functions: number[];
  table: Limits | null;
  memory: Limits | null;
  globals: Global[];
  exports: Export[];
  start: number | null;
  elements: ElementSegment[];
  data: DataSegment[];
  bodies: FunctionBody[];
  /** Function names from the custom "name" section, when present (diagnostics only). */
  functionNames: Map<number, string>;
}

/** The type of function `index` in the joint index space: imports first (§2.5.1). */
export function functionType(module: WasmModule, index: number): FuncType {
  const typeIndex =
    index < module.imports.length
      ? module.imports[index].typeIndex
      : module.functions[index - module.imports.length];
  return module.types[typeIndex];
}

export const functionCount = (module: WasmModule) =>
  module.imports.length + module.functions.length;

export const PAGE_BYTES = 65536;
/** §2.3.8: at most 2^16 pages of 64 KiB. */
export const MAX_PAGES = 65536;
