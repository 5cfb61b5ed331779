import {
  functionType,
  PAGE_BYTES,
  type FuncType,
  type ValidatedModule,
  ValType,
} from '../../../src/protocol/images/wasm';

/** load() refused a valid module this board cannot run. */
export class WasmLoadError extends Error {
  constructor(
    readonly code: 'does_not_fit' | 'no_memory_cap',
    message: string,
  ) {
    super(message);
    this.name = 'WasmLoadError';
  }
}

/** Per-function facts both interpreters index by function number (imports first). */
export interface Program {
  readonly validated: ValidatedModule;
  readonly importCount: number;
  readonly functionCount: number;
  /** Parameters and parameters + declared locals, in value slots. */
  readonly paramSlots: Int32Array;
  readonly localSlots: Int32Array;
  readonly resultCount: Int32Array;
  /** Deepest operand stack of each function, in slots (validator). */
  readonly maxStack: Int32Array;
  /** Structural type id: equal types share one, as call_indirect compares them (§4.4.8.7). */
  readonly typeId: Int32Array;
  /** typeId of each type index. */
  readonly typeIdOfType: Int32Array;
  readonly localTypes: ReadonlyArray<readonly ValType[]>;
  /** Syscall number of each import. */
  readonly syscalls: readonly number[];
  /** Accessible linear memory at start: min(declared pages, limits.memoryBytes). */
  readonly memoryCap: number;
  /** The board's limit: memory.grow never makes more than this accessible. */
  readonly memoryLimit: number;
  /** Where the C program's memory lies, when the linker says (abi.ts' exports); else null. */
  readonly cLayout: CLayout | null;
}

/**
 * The layout wasm-ld gives a C program, known when the module exports `__data_end` and
 * `__heap_base` (immutable i32 globals; the SDK exports both) and global 0 is a mutable
 * i32 at or below `__heap_base`: then global 0 is the C stack pointer (WAMR's rule for
 * its aux stack). The stack is `[stackFloor, stackTop)`, growing down: from 0 with
 * --stack-first (the stack below the data), else from `__data_end`. Static data and .bss
 * are `[staticStart, dataEnd)`; the heap is everything from `heapBase` up.
 */
export interface CLayout {
  readonly stackTop: number;
  readonly stackFloor: number;
  readonly staticStart: number;
  readonly dataEnd: number;
  readonly heapBase: number;
}

export function buildProgram(validated: ValidatedModule, memoryBytes: number): Program {
  const { module } = validated;
  const importCount = module.imports.length;
  const count = importCount + module.functions.length;
  const typeIdOfType = canonicalTypes(module.types);
  const program: Program = {
    validated,
    importCount,
    functionCount: count,
    paramSlots: new Int32Array(count),
    localSlots: new Int32Array(count),
    resultCount: new Int32Array(count),
    maxStack: new Int32Array(count),
    typeId: new Int32Array(count),
    typeIdOfType,
    localTypes: [],
    syscalls: validated.syscalls,
    memoryCap: memoryCap(validated, memoryBytes),
    memoryLimit: memoryBytes,
    cLayout: cLayout(validated),
  };
  const localTypes: ValType[][] = [];
  for (let f = 0; f < count; f++) {
    const type = functionType(module, f);
    const defined = f - importCount;
    const locals = defined >= 0 ? module.bodies[defined].locals : [];
    program.paramSlots[f] = type.params.length;
    program.localSlots[f] = type.params.length + locals.length;
    program.resultCount[f] = type.results.length;
    program.maxStack[f] = defined >= 0 ? validated.functionInfo[defined].maxStack : 0;
    program.typeId[f] =
      typeIdOfType[defined >= 0 ? module.functions[defined] : module.imports[f].typeIndex];
    localTypes.push([...type.params, ...locals]);
  }
  return { ...program, localTypes };
}

function canonicalTypes(types: readonly FuncType[]): Int32Array {
  const ids = new Map<string, number>();
  return Int32Array.from(types, (t) => {
    const key = `${t.params.join(',')}:${t.results.join(',')}`;
    if (!ids.has(key)) ids.set(key, ids.size);
    return ids.get(key)!;
  });
}

/**
 * The board's cap on linear memory (docs/guest-abi.md, "wasm images"): the declared
 * pages may exceed it, but the static data and the stack must fit below it.
 */
function memoryCap({ module, layout }: ValidatedModule, memoryBytes: number): number {
  const declared = (module.memory?.min ?? 0) * PAGE_BYTES;
  const cap = Math.min(declared, memoryBytes);
  if (layout.staticEnd > cap) {
    throw new WasmLoadError(
      'does_not_fit',
      `the module's data, stack and .bss end at ${layout.staticEnd} bytes, but only ${cap} bytes of linear memory are accessible (board grants ${memoryBytes}, module declares ${declared}): link with a smaller -z stack-size or less static data`,
    );
  }
  return cap;
}

function cLayout({ module, layout }: ValidatedModule): CLayout | null {
  const exported = (name: string): number | null => {
    const e = module.exports.find((x) => x.kind === 'global' && x.name === name);
    const g = e === undefined ? undefined : module.globals[e.index];
    return g === undefined || g.mutable || g.type !== ValType.I32 ? null : g.init.lo >>> 0;
  };
  const dataEnd = exported('__data_end');
  const heapBase = exported('__heap_base');
  const stackTop = layout.stackTop;
  if (dataEnd === null || heapBase === null || stackTop === null) return null;
  if (dataEnd > heapBase || stackTop > heapBase) return null;
  const stackFirst = stackTop <= dataEnd;
  return {
    stackTop,
    stackFloor: stackFirst ? 0 : dataEnd,
    staticStart: stackFirst ? stackTop : layout.dataStart,
    dataEnd,
    heapBase,
  };
}
