import {
  InstructionReader,
  Opcode,
  PAGE_BYTES,
  type FuncType,
  type ValidatedModule,
} from '../../../src/protocol/images/wasm';
import type { CLayout, Program } from '../wasm/program';
import { checkedAccess, isLoad, isStore, needsBoundsChecks, type BoundsLocals } from './bounds';
import { constExpr, limits, name, section, sleb, uleb, vec } from './encode';
import { PcMap } from './pc-map';
import { WHY_CALL_DEPTH, WHY_C_STACK, WHY_NAN } from './protocol';

/** Names the rewritten module imports and exports beside the guest's own (worker.ts uses them). */
export const AOT = {
  module: 'aot',
  fuelOut: 'fuel_out',
  memory: 'memory',
  fuel: '__aot_fuel',
  why: '__aot_why',
  lowest: '__aot_lowest',
  callIndex: '__aot_ci',
  /** The effective address of an access a bounds check refused (bounds.ts). */
  address: '__aot_addr',
  table: '__aot_table',
  /** The start function, exported instead of run at instantiation: it runs under the budget. */
  start: '__aot_start',
  /** Mutable guest global i is exported as `${globalPrefix}${i}`: the engine hands them to the worker. */
  globalPrefix: '__aot_g',
} as const;

const VOID = 0x40;
const I32 = 0x7f;
const I64 = 0x7e;
const F32 = 0x7d;
const F64 = 0x7c;

/** The float-to-int truncations V8 traps on without telling NaN from out of range. */
const TRUNC: Record<number, [number, number]> = {
  0xa8: [F32, I32],
  0xa9: [F32, I32],
  0xaa: [F64, I32],
  0xab: [F64, I32],
  0xae: [F32, I64],
  0xaf: [F32, I64],
  0xb0: [F64, I64],
  0xb1: [F64, I64],
};

export interface InstrumentOptions {
  maxCallDepth: number;
}

/** What the engine needs to know about the module it compiled. */
export interface InstrumentedModule {
  bytes: Uint8Array;
  /** Linear memory pages of the shared memory the module imports, or null without memory. */
  memory: { min: number; max: number } | null;
  /** Instrumented instructions per original instruction, summed over the code: the size cost. */
  growth: number;
  /** Trap positions back to the guest's instruction offsets. */
  pcMap: PcMap;
}

/**
 * The validated module rewritten for V8 (devices/engines/wasm/README.md, "Tiers"): a fuel
 * global charged with the static instruction count of each straight-line stretch (checked
 * against zero at function entries and loop headers, where `aot.fuel_out` is called), a
 * call-depth global, the C stack pointer checked as the interpreter's Machine.setGlobal0
 * does, NaN truncations and call_indirect indices noted so the trap maps to our fault code,
 * and the memory imported as a shared memory capped at the board's limit. `aot.fuel_out`
 * is the import after the guest's: defined functions move up by one.
 */
export function instrument(
  program: Program,
  validated: ValidatedModule,
  options: InstrumentOptions,
): InstrumentedModule {
  const { module } = validated;
  const k = module.imports.length;
  const defined = module.functions.length;
  const types: FuncType[] = [...module.types];
  const typeIndex = (params: number[], results: number[]): number => {
    const at = types.findIndex(
      (t) => t.params.join() === params.join() && t.results.join() === results.join(),
    );
    if (at >= 0) return at;
    types.push({ params: params, results: results });
    return types.length - 1;
  };
  const g0 = module.globals.length;
  const globals = {
    fuel: g0,
    depth: g0 + 1,
    why: g0 + 2,
    lowest: g0 + 3,
    callIndex: g0 + 4,
    address: g0 + 5,
  };
  const helpers = new Helpers(k + 1 + defined, typeIndex, globals, program);
  const remap = (f: number) => (f < k ? f : f + 1);
  const context: BodyContext = {
    remap,
    fuelOut: k,
    globals,
    maxCallDepth: options.maxCallDepth,
    helpers,
  };
  let original = 0;
  let rewritten = 0;
  const pcMap = new PcMap(k + 1);
  const bodies = module.bodies.map((body, i) => {
    const resultType = types[module.functions[i]].results[0] ?? VOID;
    const params = types[module.functions[i]].params.length;
    const { code, marks } = rewriteBody(
      module.bytes,
      { start: body.start, codeStart: body.codeStart, end: body.end, params },
      resultType,
      context,
    );
    pcMap.add(marks);
    original += body.end - body.start;
    rewritten += code.length;
    return code;
  });
  const helperBodies = helpers.bodies();
  const memory = memoryPages(program);
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const fuelOutType = typeIndex([I32], []);
  const imports = [
    ...module.imports.map((i) => [...name(i.module), ...name(i.name), 0x00, ...uleb(i.typeIndex)]),
    [...name(AOT.module), ...name(AOT.fuelOut), 0x00, ...uleb(fuelOutType)],
  ];
  if (memory !== null)
    imports.push([
      ...name(AOT.module),
      ...name(AOT.memory),
      0x02,
      ...limits(memory.min, memory.max, true),
    ]);
  out.push(
    ...section(
      1,
      vec(
        types.map((t) => [
          0x60,
          ...vec(t.params.map((p) => [p])),
          ...vec(t.results.map((r) => [r])),
        ]),
      ),
    ),
  );
  out.push(...section(2, vec(imports)));
  const functionTypes = [...module.functions, ...helpers.types()];
  out.push(...section(3, vec(functionTypes.map((t) => uleb(t)))));
  if (module.table !== null)
    out.push(...section(4, vec([[0x70, ...limits(module.table.min, module.table.max)]])));
  const ownGlobals = [
    ...module.globals.map((g) => [
      g.type,
      g.mutable ? 1 : 0,
      ...constExpr(g.type, g.init.lo, g.init.hi),
    ]),
    ...[0, 0, 0, program.cLayout?.stackTop ?? 0, 0, 0].map((v) => [
      I32,
      1,
      ...constExpr(I32, v, 0),
    ]),
  ];
  out.push(...section(6, vec(ownGlobals)));
  out.push(...section(7, vec(exportsOf(module, remap, globals))));
  if (module.elements.length > 0) {
    const elements = module.elements.map((e) => [
      0x00,
      ...constExpr(I32, e.offset, 0),
      ...vec(e.functions.map((f) => uleb(remap(f)))),
    ]);
    out.push(...section(9, vec(elements)));
  }
  const code = [...bodies, ...helperBodies].map((b) => [...uleb(b.length), ...b]);
  const codeSection = vec(code);
  pcMap.place(out.length, codeSection.length, [...bodies, ...helperBodies]);
  out.push(...section(10, codeSection));
  if (module.data.length > 0) {
    const data = module.data.map((d) => [
      0x00,
      ...constExpr(I32, d.offset, 0),
      ...uleb(d.bytes.length),
      ...d.bytes,
    ]);
    out.push(...section(11, vec(data)));
  }
  return {
    bytes: Uint8Array.from(out),
    memory,
    growth: original === 0 ? 1 : rewritten / original,
    pcMap,
  };
}

type Exported = InstrumentedModule;

function exportsOf(
  module: ValidatedModule['module'],
  remap: (f: number) => number,
  g: { fuel: number; why: number; lowest: number; callIndex: number; address: number },
): number[][] {
  const kinds = { func: 0, table: 1, memory: 2, global: 3 } as const;
  const own = module.exports.map((e) => [
    ...name(e.name),
    kinds[e.kind],
    ...uleb(e.kind === 'func' ? remap(e.index) : e.index),
  ]);
  module.globals.forEach((g, i) => {
    if (g.mutable) own.push([...name(`${AOT.globalPrefix}${i}`), 3, ...uleb(i)]);
  });
  own.push([...name(AOT.fuel), 3, ...uleb(g.fuel)]);
  own.push([...name(AOT.why), 3, ...uleb(g.why)]);
  own.push([...name(AOT.lowest), 3, ...uleb(g.lowest)]);
  own.push([...name(AOT.callIndex), 3, ...uleb(g.callIndex)]);
  own.push([...name(AOT.address), 3, ...uleb(g.address)]);
  if (module.table !== null) own.push([...name(AOT.table), 1, 0]);
  if (module.start !== null) own.push([...name(AOT.start), 0, ...uleb(remap(module.start))]);
  return own;
}

/**
 * The shared memory's pages: the declared minimum within the board's limit rounded up to
 * whole pages (V8 knows no partial page), growable to that limit.
 */
function memoryPages(program: Program): Exported['memory'] {
  const declared = program.validated.module.memory;
  if (declared === null) return null;
  const boardPages = Math.ceil(program.memoryLimit / PAGE_BYTES);
  const min = Math.min(declared.min, boardPages);
  const max = Math.max(min, Math.min(declared.max ?? boardPages, boardPages));
  return { min, max };
}

interface BodyContext {
  remap: (f: number) => number;
  fuelOut: number;
  globals: { fuel: number; depth: number; why: number; lowest: number; address: number };
  maxCallDepth: number;
  helpers: Helpers;
}

/** Ends a straight-line stretch: the next instruction starts a new one (a charge point). */
const endsStretch = (op: number) =>
  op === Opcode.Loop || op === Opcode.If || op === Opcode.Else || op === Opcode.End;
/** After these the rest of the stretch is dead code until the next else or end. */
const leavesStretch = (op: number) =>
  op === Opcode.Br || op === Opcode.BrTable || op === Opcode.Return || op === Opcode.Unreachable;

/**
 * One function body rewritten. The fuel lives in a local of its own while the body runs
 * (V8 keeps it in a register; a global is a load and a store per charge): it is read from
 * the global at entry and after each call, and written back before each call, return and
 * fuel check, so callees, imports and the worker always see the current fuel.
 */
function rewriteBody(
  bytes: Uint8Array,
  body: { start: number; codeStart: number; end: number; params: number },
  resultType: number,
  c: BodyContext,
): { code: number[]; marks: number[] } {
  const { start, codeStart, end } = body;
  const ops: number[] = [];
  const starts: number[] = [];
  const indices: number[] = [];
  const reader = new InstructionReader(bytes, codeStart, end);
  while (!reader.atEnd) {
    const ins = reader.next();
    ops.push(ins.opcode);
    starts.push(ins.offset);
    indices.push(ins.index);
  }
  starts.push(end);
  const cost = stretchCosts(ops);
  const g = c.globals;
  const { header, fuelLocal } = withFuelLocal(bytes, start, codeStart, body.params);
  const scratch = uleb(fuelLocal + 1);
  const scratchLocals: BoundsLocals = {
    address: scratch,
    value: {
      [I32]: uleb(fuelLocal + 2),
      [I64]: uleb(fuelLocal + 3),
      [F32]: uleb(fuelLocal + 4),
      [F64]: uleb(fuelLocal + 5),
    },
  };
  const f = { ...c, fuelLocal: uleb(fuelLocal) };
  const out: number[] = [...header];
  const save = [0x20, ...f.fuelLocal, 0x24, ...uleb(g.fuel)];
  const load = [0x23, ...uleb(g.fuel), 0x21, ...f.fuelLocal];
  out.push(...load, ...charge(cost[0], true, f));
  out.push(0x23, ...uleb(g.depth), 0x41, 1, 0x6a, 0x24, ...uleb(g.depth));
  out.push(0x23, ...uleb(g.depth), 0x41, ...sleb(c.maxCallDepth), 0x4a, 0x04, VOID);
  out.push(0x41, WHY_CALL_DEPTH, 0x24, ...uleb(g.why), 0x00, 0x0b);
  out.push(0x02, resultType);
  const leave = [...save, 0x23, ...uleb(g.depth), 0x41, 1, 0x6b, 0x24, ...uleb(g.depth)];
  const last = ops.length - 1;
  const marks: number[] = [];
  for (let i = 0; i <= last; i++) {
    if (i > 0 && cost[i] > 0) out.push(...charge(cost[i], ops[i - 1] === Opcode.Loop, f));
    marks.push(out.length, starts[i]);
    const op = ops[i];
    if (op === Opcode.Call) out.push(...save, 0x10, ...uleb(c.remap(indices[i])), ...load);
    else if (op === Opcode.Return) out.push(...leave, 0x0f);
    else if (op === Opcode.GlobalSet && indices[i] === 0 && c.helpers.checksStackPointer)
      out.push(0x21, ...scratch, ...setStackPointer(scratch, c.helpers.cLayout!, g));
    else if (op === Opcode.CallIndirect)
      out.push(
        0x10,
        ...uleb(c.helpers.noteCallIndex()),
        ...save,
        ...bytes.subarray(starts[i], starts[i + 1]),
        ...load,
      );
    else if (TRUNC[op] !== undefined) out.push(0x10, ...uleb(c.helpers.truncate(op)));
    else if (c.helpers.checksBounds && (isLoad(op) || isStore(op))) {
      const instruction = bytes.subarray(starts[i], starts[i + 1]);
      out.push(...checkedAccess(instruction, c.helpers.grant, scratchLocals, g));
    } else out.push(...bytes.subarray(starts[i], starts[i + 1]));
  }
  out.push(...leave, 0x0b);
  return { code: out, marks };
}

/** cost[i]: instructions of the live stretch starting at instruction i (0 if none starts there). */
function stretchCosts(ops: readonly number[]): Int32Array {
  const cost = new Int32Array(ops.length + 1);
  let at = 0;
  let live = true;
  for (let i = 0; i < ops.length; i++) {
    if (live) cost[at]++;
    if (leavesStretch(ops[i])) live = false;
    if (endsStretch(ops[i])) {
      at = i + 1;
      live = true;
    }
  }
  return cost;
}

/**
 * fuel -= n (the body's fuel local); at a check point, once fuel is below zero, hands it
 * to the global, calls aot.fuel_out(n) and takes back what the run grants.
 */
function charge(n: number, checked: boolean, c: BodyContext & { fuelLocal: number[] }): number[] {
  const fuel = c.fuelLocal;
  const global = uleb(c.globals.fuel);
  const out = [0x20, ...fuel, 0x41, ...sleb(n), 0x6b, 0x21, ...fuel];
  if (checked) {
    out.push(0x20, ...fuel, 0x41, 0x00, 0x48, 0x04, VOID);
    out.push(0x20, ...fuel, 0x24, ...global);
    out.push(0x41, ...sleb(n), 0x10, ...uleb(c.fuelOut));
    out.push(0x23, ...global, 0x21, ...fuel, 0x0b);
  }
  return out;
}

/**
 * global 0 = local `v`, trapping stack_exhausted outside the C stack (as the interpreter's
 * Machine.setGlobal0) and noting the lowest value; inline, as C prologues and epilogues
 * run it on every call.
 */
function setStackPointer(v: number[], c: CLayout, g: { why: number; lowest: number }): number[] {
  const lowest = uleb(g.lowest);
  return [
    ...[0x20, ...v, 0x41, ...sleb(c.stackFloor), 0x49], // v < floor
    ...[0x20, ...v, 0x41, ...sleb(c.stackTop), 0x4b, 0x72], // | v > top
    ...[0x04, VOID, 0x41, WHY_C_STACK, 0x24, ...uleb(g.why), 0x00, 0x0b],
    ...[0x20, ...v, 0x23, ...lowest, 0x48, 0x04, VOID, 0x20, ...v, 0x24, ...lowest, 0x0b],
    ...[0x20, ...v, 0x24, 0],
  ];
}

/**
 * The body's local declarations with the rewrite's at the end: the fuel, a scratch i32
 * (stack pointer, checked address), and a stored value's scratch of each type (bounds.ts).
 */
function withFuelLocal(
  bytes: Uint8Array,
  start: number,
  codeStart: number,
  params: number,
): { header: number[]; fuelLocal: number } {
  // §5.5.13: a vector of (count, type) groups.
  let p = start;
  const read = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++];
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) return value;
    }
  };
  const groups = read();
  const first = p;
  let locals = params;
  for (let i = 0; i < groups; i++) {
    locals += read();
    p++; // the type
  }
  return {
    header: [
      ...uleb(groups + 4),
      ...bytes.subarray(first, codeStart),
      ...[3, I32, 1, I64, 1, F32, 1, F64],
    ],
    fuelLocal: locals,
  };
}

/** Small functions appended after the guest's, made only when a body needs them. */
class Helpers {
  private readonly made: Array<{ type: number; body: number[] }> = [];
  private readonly byKey = new Map<string, number>();
  readonly checksStackPointer: boolean;
  readonly cLayout: CLayout | null;
  /** The grant ends inside a page: loads and stores are checked against it (bounds.ts). */
  readonly checksBounds: boolean;
  /** The board's grant, for the checks. */
  readonly grant: number;

  constructor(
    private readonly first: number,
    private readonly typeIndex: (params: number[], results: number[]) => number,
    private readonly g: { why: number; lowest: number; callIndex: number; address: number },
    private readonly program: Program,
  ) {
    this.checksStackPointer = program.cLayout !== null;
    this.cLayout = program.cLayout;
    this.grant = program.memoryLimit;
    const declared = program.validated.module.memory;
    this.checksBounds =
      declared !== null &&
      needsBoundsChecks(program.memoryLimit) &&
      (declared.max ?? Infinity) * PAGE_BYTES > program.memoryLimit;
  }

  /** Keeps the table index a call_indirect is about to use, for the trap's fault code. */
  noteCallIndex(): number {
    return this.helper('ci', [I32], [I32], () => [
      0x20,
      0,
      0x24,
      ...uleb(this.g.callIndex),
      0x20,
      0,
    ]);
  }

  /** The truncation, after noting a NaN operand (invalid_conversion, not integer_overflow). */
  truncate(op: number): number {
    const [from, to] = TRUNC[op];
    const ne = from === F32 ? 0x5c : 0x62;
    return this.helper(`t${op}`, [from], [to], () => [
      ...[0x20, 0, 0x20, 0, ne, 0x04, VOID, 0x41, WHY_NAN, 0x24, ...uleb(this.g.why), 0x00, 0x0b],
      ...[0x20, 0, op],
    ]);
  }

  types(): number[] {
    return this.made.map((h) => h.type);
  }

  bodies(): number[][] {
    return this.made.map((h) => [0x00, ...h.body, 0x0b]);
  }

  private helper(key: string, params: number[], results: number[], body: () => number[]): number {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const index = this.first + this.made.length;
    this.made.push({ type: this.typeIndex(params, results), body: body() });
    this.byKey.set(key, index);
    return index;
  }
}
