/**
 * A small WebAssembly binary builder for tests (WebAssembly Core Spec §5): enough to
 * write modules instruction by instruction without wabt or clang at test time.
 */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const VOID = 0x40;

export function uleb(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}

export function sleb(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const utf8 = (s: string) => [...new TextEncoder().encode(s)];
const name = (s: string) => [...uleb(utf8(s).length), ...utf8(s)];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

function f32Bytes(x: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, x, true);
  return [...b];
}

function f64Bytes(x: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, true);
  return [...b];
}

/** Instruction encoders: each returns the instruction's bytes. */
export const op = {
  unreachable: () => [0x00],
  nop: () => [0x01],
  block: (type = VOID) => [0x02, type],
  loop: (type = VOID) => [0x03, type],
  if: (type = VOID) => [0x04, type],
  else: () => [0x05],
  end: () => [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  brTable: (labels: number[], fallback: number) => [
    0x0e,
    ...uleb(labels.length),
    ...labels.flatMap((l) => uleb(l)),
    ...uleb(fallback),
  ],
  return: () => [0x0f],
  call: (f: number) => [0x10, ...uleb(f)],
  callIndirect: (type: number) => [0x11, ...uleb(type), 0x00],
  drop: () => [0x1a],
  select: () => [0x1b],
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  globalGet: (i: number) => [0x23, ...uleb(i)],
  globalSet: (i: number) => [0x24, ...uleb(i)],
  /** A load or store opcode 0x28..0x3e with alignment exponent and offset. */
  mem: (opcode: number, offset = 0, align = 0) => [opcode, ...uleb(align), ...uleb(offset)],
  memorySize: () => [0x3f, 0x00],
  memoryGrow: () => [0x40, 0x00],
  i32: (n: number) => [0x41, ...sleb(n | 0)],
  i64: (n: bigint | number) => [0x42, ...sleb(BigInt.asIntN(64, BigInt(n)))],
  f32: (x: number) => [0x43, ...f32Bytes(x)],
  f64: (x: number) => [0x44, ...f64Bytes(x)],
};

export interface FuncSpec {
  params?: number[];
  results?: number[];
  locals?: number[];
  /** Instructions without the final `end` (added). */
  body: number[];
  export?: string;
}

export class ModuleBuilder {
  private readonly types: string[] = [];
  private readonly imports: number[][] = [];
  private readonly funcs: Array<{ type: number; spec: FuncSpec }> = [];
  private memorySection: number[] | null = null;
  private tableSection: number[] | null = null;
  private readonly globals: number[][] = [];
  private readonly elements: number[][] = [];
  private readonly datas: number[][] = [];
  private readonly exports: number[][] = [];
  private startIndex: number | null = null;

  /** Index of the type [params] -> [results], added if new. */
  type(params: number[], results: number[]): number {
    const key = JSON.stringify([params, results]);
    let index = this.types.indexOf(key);
    if (index < 0) index = this.types.push(key) - 1;
    return index;
  }

  /** A function import; imports must be added before any function. Returns its index. */
  import(field: string, params: number[], results: number[], module = 'vmfleet'): number {
    this.imports.push([...name(module), ...name(field), 0x00, ...uleb(this.type(params, results))]);
    return this.imports.length - 1;
  }

  func(spec: FuncSpec): number {
    const index = this.imports.length + this.funcs.length;
    this.funcs.push({ type: this.type(spec.params ?? [], spec.results ?? []), spec });
    if (spec.export !== undefined) this.exports.push([...name(spec.export), 0x00, ...uleb(index)]);
    return index;
  }

  memory(min: number, max?: number): this {
    this.memorySection =
      max === undefined ? [0x00, ...uleb(min)] : [0x01, ...uleb(min), ...uleb(max)];
    return this;
  }

  table(min: number): this {
    this.tableSection = [0x70, 0x00, ...uleb(min)];
    return this;
  }

  /** A global with a constant initializer given as an instruction (op.i32(…) etc.). */
  global(type: number, mutable: boolean, init: number[]): number {
    this.globals.push([type, mutable ? 1 : 0, ...init, 0x0b]);
    return this.globals.length - 1;
  }

  /** Exports global `index` as `field`. */
  exportGlobal(field: string, index: number): this {
    this.exports.push([...name(field), 0x03, ...uleb(index)]);
    return this;
  }

  elem(offset: number, functions: number[]): this {
    this.elements.push([0x00, ...op.i32(offset), 0x0b, ...vec(functions.map((f) => uleb(f)))]);
    return this;
  }

  data(offset: number, bytes: number[] | Uint8Array): this {
    this.datas.push([0x00, ...op.i32(offset), 0x0b, ...uleb(bytes.length), ...bytes]);
    return this;
  }

  start(func: number): this {
    this.startIndex = func;
    return this;
  }

  build(): Uint8Array {
    const section = (id: number, body: number[] | null) =>
      body === null ? [] : [id, ...uleb(body.length), ...body];
    const types = this.types.map((key) => {
      const [params, results] = JSON.parse(key) as [number[], number[]];
      return [0x60, ...uleb(params.length), ...params, ...uleb(results.length), ...results];
    });
    const bodies = this.funcs.map(({ spec }) => {
      const locals = (spec.locals ?? []).map((t) => [1, t]);
      const body = [...vec(locals), ...spec.body, 0x0b];
      return [...uleb(body.length), ...body];
    });
    const some = (items: number[][]) => (items.length ? vec(items) : null);
    return Uint8Array.from([
      0x00,
      0x61,
      0x73,
      0x6d,
      0x01,
      0x00,
      0x00,
      0x00,
      ...section(1, some(types)),
      ...section(2, some(this.imports)),
      ...section(3, some(this.funcs.map((f) => uleb(f.type)))),
      ...section(4, this.tableSection && [1, ...this.tableSection]),
      ...section(5, this.memorySection && [1, ...this.memorySection]),
      ...section(6, some(this.globals)),
      ...section(7, some(this.exports)),
      ...section(8, this.startIndex === null ? null : uleb(this.startIndex)),
      ...section(9, some(this.elements)),
      ...section(10, some(bodies)),
      ...section(11, some(this.datas)),
    ]);
  }
}
