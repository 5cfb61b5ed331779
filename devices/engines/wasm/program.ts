import {
  functionType,
  PAGE_BYTES,
  type FuncType,
  type ValidatedModule,
  type ValType,
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
      `the module's data and stack end at ${layout.staticEnd} bytes, but only ${cap} bytes of linear memory are accessible (board grants ${memoryBytes}, module declares ${declared}): link with a smaller -z stack-size or less static data`,
    );
  }
  return cap;
}
