import type { Inspection } from '../engine';
import type { Interpreter } from './interpreter';
import { FRAME, SLOT, type Machine } from './machine';

/** Operand stack values inspect() shows at most (the top ones). */
const MAX_SHOWN_VALUES = 64;

/**
 * The Thing Monitor's view of a wasm guest: `pc` is the byte offset in the .wasm file of
 * the next instruction (as wasm-objdump -d prints offsets), `functionIndex` the function
 * it is in; locals are shown by their declared types (i64 as a Number, which may round
 * beyond 2^53), operand slots by their low 32 bits (types are not tracked at run time).
 */
export function inspectMachine(
  m: Machine,
  interpreter: Interpreter,
): Omit<Inspection, 'state' | 'instructions'> {
  const p = m.program;
  const inFunction = m.depth > 0 && m.func >= 0;
  const pc = inFunction ? interpreter.sourceOffset(m.pc) : 0;
  const registers: Record<string, number> = {
    pc,
    function: m.func,
    depth: m.depth,
    sp: m.sp / SLOT,
    fp: m.fp / SLOT,
    memoryPages: m.memory.pages,
  };
  if (p.validated.layout.stackTop !== null) registers.stackPointer = m.globals[0] >>> 0;
  if (!inFunction) return { pc, registers, valueStack: [], locals: [], callStack: [] };
  const locals = p.localTypes[m.func].map((type, i) => readTyped(m, m.fp + i * SLOT, type));
  const operandBase = m.fp + p.localSlots[m.func] * SLOT;
  const valueStack: number[] = [];
  for (let w = Math.max(operandBase, m.sp - MAX_SHOWN_VALUES * SLOT); w < m.sp; w += SLOT)
    valueStack.push(m.s32[w]);
  const callStack: number[] = [];
  for (let d = 1; d < m.depth; d++) callStack.push(m.frames[d * FRAME]);
  callStack.push(m.func);
  return { pc, registers, functionIndex: m.func, locals, valueStack, callStack };
}

function readTyped(m: Machine, word: number, type: number): number {
  switch (type) {
    case 0x7e:
      return Number(m.i64[word >> 1]);
    case 0x7d:
      return m.f32[word];
    case 0x7c:
      return m.f64[word >> 1];
    default:
      return m.s32[word];
  }
}
