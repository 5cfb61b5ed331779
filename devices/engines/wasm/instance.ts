import { MAX_PAGES } from '../../../src/protocol/images/wasm';
import { HOST_RETURN, type Machine } from './machine';
import type { Interpreter } from './interpreter';

/**
 * Instantiation (WebAssembly Core Spec §4.5.4) on an existing machine: fresh memory of
 * the declared initial pages (accessible up to the cap), data and element segments
 * copied in, globals set to their initializers, empty stacks.
 */
export function instantiate(m: Machine): void {
  const { module, layout } = m.program.validated;
  const memory = module.memory;
  m.memory.reset(memory?.min ?? 0, memory?.max ?? MAX_PAGES);
  for (const segment of module.data) m.memory.u8.set(segment.bytes, segment.offset);
  module.globals.forEach((global, i) => {
    m.globals[2 * i] = global.init.lo;
    m.globals[2 * i + 1] = global.init.hi;
  });
  m.table = new Int32Array(module.table?.min ?? 0).fill(-1);
  for (const segment of module.elements) m.table.set(segment.functions, segment.offset);
  m.lowestStackPointer = layout.stackTop ?? 0;
  clearStacks(m);
}

export function clearStacks(m: Machine): void {
  m.sp = 0;
  m.fp = 0;
  m.depth = 0;
  m.lsp = 0;
  m.func = -1;
  m.fault = null;
}

/** Enters `_start`, with the module's start function (if any) called first, on top of it. */
export function beginEntry(m: Machine, interpreter: Interpreter): void {
  const { entry, module } = m.program.validated;
  interpreter.enter(m, entry, HOST_RETURN);
  if (module.start !== null && module.start >= m.program.importCount) {
    interpreter.enter(m, module.start, m.pc);
  }
}
