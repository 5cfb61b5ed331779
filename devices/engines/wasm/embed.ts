import {
  functionType,
  PAGE_BYTES,
  typeText,
  validateModule,
  ValType,
  VAL_TYPE_NAMES,
  type ConstBits,
  type FuncType,
  type ValidatedModule,
} from '../../../src/protocol/images/wasm';
import type { Fault } from '../engine';
import { ClassicInterpreter, LABELS_PER_CALL } from './classic';
import { MAX_MEMORY_BYTES, type WasmMode } from './engine';
import { FastInterpreter } from './fast';
import { clearStacks, instantiate } from './instance';
import type { Interpreter } from './interpreter';
import {
  DEFAULT_STACK_LIMITS,
  HOST_RETURN,
  Machine,
  SLOT,
  Stop,
  type StackLimits,
} from './machine';
import { buildProgram, type Program } from './program';
import { Trap } from './trap';

/**
 * A function an import is linked to: the embedder's own, or another instance's export
 * (WasmInstance.exportedFunction). `call` gets and returns raw bits (ConstBits: i32/f32
 * in `lo`, i64/f64 as two halves); it throws a Trap to trap its caller.
 */
export interface HostFunction {
  readonly type: FuncType;
  call(args: readonly ConstBits[]): ConstBits[];
}

/**
 * The function for import `module`.`name`; 'not_a_function' when that name is a table,
 * memory or global (an incompatible import), undefined when there is none.
 */
export type ImportResolver = (
  module: string,
  name: string,
) => HostFunction | 'not_a_function' | undefined;

/** Instantiation failed at link time (§4.5.4): an import or a segment does not fit. */
export class WasmLinkError extends Error {
  constructor(
    readonly code: 'unknown_import' | 'incompatible_import' | 'segment_does_not_fit',
    message: string,
  ) {
    super(message);
    this.name = 'WasmLinkError';
  }
}

/** The start function trapped, so the module was not instantiated (§4.5.4 step 15). */
export class WasmStartTrap extends Error {
  constructor(readonly fault: Fault) {
    super(`start function trapped: ${fault.message}`);
    this.name = 'WasmStartTrap';
  }
}

export interface WasmInstanceOptions extends Partial<StackLimits> {
  mode: WasmMode;
  /** Cap on accessible linear memory, as the device engine's limits.memoryBytes. */
  memoryBytes: number;
  imports?: ImportResolver;
  /** Instructions (of the mode) one call may run before it faults `budget_exhausted`. */
  budget?: number;
}

export type CallResult =
  { kind: 'returned'; results: ConstBits[] } | { kind: 'fault'; fault: Fault };

const DEFAULT_BUDGET = 100_000_000;

/**
 * A WebAssembly module instance for embedders (WebAssembly Core Spec §4.5.4, §7.1 "invoke"),
 * beside the device Engine: the same validator, Machine and classic/fast interpreters, but
 * linked by the embedder (function imports of any module and name, resolved by an
 * ImportResolver), without the guest ABI's `_start`, and with exports called by name with
 * typed arguments. The spec testsuite runner (test/wasm-spec/) drives the interpreters
 * through it. Calls do not nest: a host function must not call back into the instance
 * that called it (an Error says so).
 */
export class WasmInstance {
  private readonly interpreter: Interpreter;
  private readonly machine: Machine;
  private readonly budget: number;
  private busy = false;

  private constructor(
    private readonly program: Program,
    private readonly imported: readonly HostFunction[],
    options: WasmInstanceOptions,
  ) {
    const limits: StackLimits = {
      maxCallDepth: options.maxCallDepth ?? DEFAULT_STACK_LIMITS.maxCallDepth,
      valueStackSlots: options.valueStackSlots ?? DEFAULT_STACK_LIMITS.valueStackSlots,
    };
    const fast = options.mode === 'fast';
    this.interpreter = fast ? new FastInterpreter(program) : new ClassicInterpreter(program);
    const labelWords = fast ? 0 : (limits.maxCallDepth + 1) * LABELS_PER_CALL * 4;
    this.machine = new Machine(program, limits, labelWords);
    this.budget = options.budget ?? DEFAULT_BUDGET;
  }

  /**
   * Decodes, validates (validateModule), links and instantiates `bytes`, then runs its
   * start function. Throws WasmImageError (malformed or invalid), WasmLoadError (more
   * static data than `memoryBytes`), WasmLinkError or WasmStartTrap.
   */
  static instantiate(bytes: Uint8Array, options: WasmInstanceOptions): WasmInstance {
    const cap = options.memoryBytes;
    if (!Number.isInteger(cap) || cap < 0 || cap > MAX_MEMORY_BYTES)
      throw new RangeError(`memoryBytes ${cap} must be an integer in [0, ${MAX_MEMORY_BYTES}]`);
    const validated = validateModule(bytes.slice());
    const imported = link(validated, options.imports ?? (() => undefined));
    checkSegmentsFit(validated);
    const instance = new WasmInstance(
      buildProgram(validated, options.memoryBytes),
      imported,
      options,
    );
    instantiate(instance.machine);
    const start = validated.module.start;
    if (start !== null) {
      const outcome = instance.call(start, []);
      if (outcome.kind === 'fault') throw new WasmStartTrap(outcome.fault);
    }
    return instance;
  }

  /** §7.1.4 invoke: calls exported function `name`; traps come back as a fault. */
  invoke(name: string, args: readonly ConstBits[]): CallResult {
    return this.call(this.exportIndex(name, 'func'), args);
  }

  /** The value of exported global `name` (i32/f32 in `lo`, `hi` 0). */
  global(name: string): ConstBits {
    const index = this.exportIndex(name, 'global');
    const type = this.program.validated.module.globals[index].type;
    const g = this.machine.globals;
    return narrow({ type, lo: g[2 * index], hi: g[2 * index + 1] });
  }

  /** Export `name` as a HostFunction, to link another module's import to it. */
  exportedFunction(name: string): HostFunction {
    const index = this.exportIndex(name, 'func');
    return {
      type: functionType(this.program.validated.module, index),
      call: (args) => {
        const outcome = this.call(index, args);
        if (outcome.kind === 'fault') throw new Trap(outcome.fault.code, outcome.fault.message);
        return outcome.results;
      },
    };
  }

  /** The kinds of the module's exports by name. */
  exports(): ReadonlyMap<string, string> {
    return new Map(this.program.validated.module.exports.map((e) => [e.name, e.kind]));
  }

  private exportIndex(name: string, kind: 'func' | 'global'): number {
    const found = this.program.validated.module.exports.find((e) => e.name === name);
    if (found === undefined || found.kind !== kind)
      throw new RangeError(`the module exports no ${kind} named "${name}"`);
    return found.index;
  }

  private call(func: number, args: readonly ConstBits[]): CallResult {
    const p = this.program;
    const type = functionType(p.validated.module, func);
    checkArguments(type, args);
    if (func < p.importCount) return callHost(this.imported[func], args);
    if (this.busy) throw new Error('a host function called back into the instance that called it');
    this.busy = true;
    try {
      return this.run(func, args, type);
    } finally {
      this.busy = false;
    }
  }

  private run(func: number, args: readonly ConstBits[], type: FuncType): CallResult {
    const m = this.machine;
    const interpreter = this.interpreter;
    clearStacks(m);
    for (const arg of args) pushBits(m, arg);
    try {
      interpreter.enter(m, func, HOST_RETURN);
    } catch (error) {
      if (!(error instanceof Trap)) throw error;
      return { kind: 'fault', fault: { code: error.code, pc: 0, message: error.message } };
    }
    let left = this.budget;
    for (;;) {
      const stop = interpreter.execute(m, left);
      left -= m.executed;
      switch (stop) {
        case Stop.Budget:
          return {
            kind: 'fault',
            fault: {
              code: 'budget_exhausted',
              pc: interpreter.sourceOffset(m.pc),
              message: `${this.budget} instructions ran without the call returning`,
            },
          };
        case Stop.Import: {
          const failed = this.serviceImport(m);
          if (failed !== null) return failed;
          break;
        }
        case Stop.Returned: {
          const results = type.results.map((t) => ({ type: t, lo: m.s32[0], hi: m.s32[1] }));
          return { kind: 'returned', results: results.map(narrow) };
        }
        case Stop.Trap:
          return {
            kind: 'fault',
            fault: { ...m.fault!, pc: interpreter.sourceOffset(m.stopPc) },
          };
      }
    }
  }

  /** Pops the import's arguments, calls its HostFunction, pushes the result. */
  private serviceImport(m: Machine): CallResult | null {
    const host = this.imported[m.importIndex];
    const params = host.type.params;
    m.sp -= params.length * SLOT;
    const args = params.map((t, i) =>
      narrow({ type: t, lo: m.s32[m.sp + i * SLOT], hi: m.s32[m.sp + i * SLOT + 1] }),
    );
    const outcome = callHost(host, args);
    if (outcome.kind === 'fault') {
      return {
        kind: 'fault',
        fault: { ...outcome.fault, pc: this.interpreter.sourceOffset(m.stopPc) },
      };
    }
    for (const result of outcome.results) pushBits(m, result);
    return null;
  }
}

/** §4.5.4 steps 3-4: every import resolves to a function of exactly its type. */
function link(validated: ValidatedModule, resolve: ImportResolver): HostFunction[] {
  const { module } = validated;
  return module.imports.map((imp) => {
    const host = resolve(imp.module, imp.name);
    if (host === undefined)
      throw new WasmLinkError('unknown_import', `unknown import "${imp.module}"."${imp.name}"`);
    const wanted = module.types[imp.typeIndex];
    if (host === 'not_a_function') {
      throw new WasmLinkError(
        'incompatible_import',
        `import "${imp.module}"."${imp.name}" wants a function of ${typeText(wanted)}, but that name is not a function`,
      );
    }
    if (typeText(host.type) !== typeText(wanted)) {
      throw new WasmLinkError(
        'incompatible_import',
        `import "${imp.module}"."${imp.name}" wants ${typeText(wanted)} but is linked to ${typeText(host.type)}`,
      );
    }
    return host;
  });
}

/** MVP §4.5.4 steps 8-9: every segment must fit before any is written. */
function checkSegmentsFit({ module }: ValidatedModule): void {
  const tableSize = module.table?.min ?? 0;
  module.elements.forEach((seg, i) => {
    if (seg.offset + seg.functions.length > tableSize) {
      throw new WasmLinkError(
        'segment_does_not_fit',
        `elements segment ${i} [${seg.offset}, +${seg.functions.length}) does not fit the table of ${tableSize}`,
      );
    }
  });
  const memorySize = (module.memory?.min ?? 0) * PAGE_BYTES;
  module.data.forEach((seg, i) => {
    if (seg.offset + seg.bytes.length > memorySize) {
      throw new WasmLinkError(
        'segment_does_not_fit',
        `data segment ${i} [${seg.offset}, +${seg.bytes.length}) does not fit the memory of ${memorySize} bytes`,
      );
    }
  });
}

function checkArguments(type: FuncType, args: readonly ConstBits[]): void {
  if (args.length !== type.params.length || args.some((a, i) => a.type !== type.params[i])) {
    const given = args.map((a) => VAL_TYPE_NAMES[a.type] ?? '?').join(' ');
    throw new RangeError(`the function takes ${typeText(type)}, not arguments [${given}]`);
  }
}

function callHost(host: HostFunction, args: readonly ConstBits[]): CallResult {
  let results: ConstBits[];
  try {
    results = host.call(args);
  } catch (error) {
    if (!(error instanceof Trap)) throw error;
    return { kind: 'fault', fault: { code: error.code, pc: 0, message: error.message } };
  }
  const wanted = host.type.results;
  if (results.length !== wanted.length || results.some((r, i) => r.type !== wanted[i]))
    throw new TypeError(`a host function of type ${typeText(host.type)} returned other values`);
  return { kind: 'returned', results };
}

function pushBits(m: Machine, value: ConstBits): void {
  m.s32[m.sp] = value.lo;
  m.s32[m.sp + 1] = value.hi;
  m.sp += SLOT;
}

/** i32 and f32 use the low word only; whatever the high word of their slot holds is not theirs. */
function narrow(value: ConstBits): ConstBits {
  return value.type === ValType.I32 || value.type === ValType.F32 ? { ...value, hi: 0 } : value;
}
