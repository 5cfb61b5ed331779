import { InstructionReader, Opcode, type ValidatedModule } from '../../../src/protocol/images/wasm';
import type { Interpreter } from './interpreter';
import { lebEnd, readI32Bits, readS32, readS64Into, readU32 } from './leb';
import { SLOT, Stop, type Machine } from './machine';
import { memoryOp } from './memory-ops';
import { numeric } from './numeric';
import type { Program } from './program';
import { hex, Trap } from './trap';

// The loop compares opcodes as literals: a const enum imported from another module is a
// property load per use when compiled with isolatedModules (ts-jest, ts-node -T).

/** int32 words per label: operand height (word), arity, continuation pc (-1: return), is-loop. */
const LABEL = 4;
/** Labels per call level the classic label stack holds. */
export const LABELS_PER_CALL = 8;

/**
 * Classic mode (as WAMR's classic interpreter): executes the function bodies' bytes,
 * decoding opcodes and LEB128 immediates as it goes. The only load-time work is a side
 * table of where each block, loop and if ends and where each if's else starts; labels
 * live on a run-time label stack, pushed by block/loop/if and popped by end and branches.
 * One instruction of the budget = one wasm instruction.
 */
export class ClassicInterpreter implements Interpreter {
  /** Opcode offset of each block/loop/if → offset after its `end`; of each if → after its `else`. */
  private readonly blockEnd = new Map<number, number>();
  private readonly ifElse = new Map<number, number>();
  readonly engineBytes: number;

  constructor(private readonly program: Program) {
    const { module } = program.validated;
    for (const body of module.bodies) this.scan(program.validated, body.codeStart, body.end);
    this.engineBytes = module.bytes.length + (this.blockEnd.size + this.ifElse.size) * 16;
  }

  sourceOffset(pc: number): number {
    return pc;
  }

  enter(m: Machine, func: number, returnPc: number): void {
    m.pushFrame(func, returnPc);
    const base = m.lsp;
    if (base + LABEL > m.labels.length) throw labelsExhausted(m);
    // The function body's own label: a branch to it, or its final end, returns.
    m.labels[base] = m.sp;
    m.labels[base + 1] = this.program.resultCount[func];
    m.labels[base + 2] = -1;
    m.labels[base + 3] = 0;
    m.lsp = base + LABEL;
    m.pc = this.program.validated.module.bodies[func - this.program.importCount].codeStart;
  }

  private scan(validated: ValidatedModule, start: number, end: number): void {
    const reader = new InstructionReader(validated.module.bytes, start, end);
    const open: number[] = [];
    while (!reader.atEnd) {
      const ins = reader.next();
      if (ins.opcode === Opcode.Block || ins.opcode === Opcode.Loop || ins.opcode === Opcode.If) {
        open.push(ins.offset);
      } else if (ins.opcode === Opcode.Else) {
        this.ifElse.set(open[open.length - 1], reader.r.offset);
      } else if (ins.opcode === Opcode.End && open.length > 0) {
        this.blockEnd.set(open.pop()!, reader.r.offset);
      }
    }
  }

  execute(m: Machine, budget: number): Stop {
    const p = this.program;
    const code = p.validated.module.bytes;
    const { s32, labels, globals, table } = {
      s32: m.s32,
      labels: m.labels,
      globals: m.globals,
      table: m.table,
    };
    let sp = m.sp;
    let fp = m.fp;
    let pc = m.pc;
    let lsp = m.lsp;
    let left = budget;
    let cur = pc;
    let stop = Stop.Budget;
    try {
      run: while (left > 0) {
        cur = pc;
        left--;
        const op = code[pc++];
        switch (op) {
          case 0x00 /* Unreachable */:
            throw new Trap('unreachable', 'unreachable instruction executed');
          case 0x01 /* Nop */:
            break;
          case 0x02 /* Block */:
          case 0x03 /* Loop */:
          case 0x04 /* If */: {
            const arity = code[pc++] === 0x40 ? 0 : 1; // MVP block types are one byte
            if (op === 0x04 /* If */) {
              sp -= SLOT;
              if (s32[sp] === 0) {
                const elseAt = this.ifElse.get(cur);
                if (elseAt === undefined) {
                  pc = this.blockEnd.get(cur)!;
                  break;
                }
                pc = elseAt;
              }
            }
            if (lsp + LABEL > labels.length) throw labelsExhausted(m);
            labels[lsp] = sp;
            labels[lsp + 1] = op === 0x03 /* Loop */ ? 0 : arity;
            labels[lsp + 2] = op === 0x03 /* Loop */ ? pc : this.blockEnd.get(cur)!;
            labels[lsp + 3] = op === 0x03 /* Loop */ ? 1 : 0;
            lsp += LABEL;
            break;
          }
          case 0x05 /* Else */: // the then-branch is done: leave the if like `br 0`
            lsp -= LABEL;
            pc = labels[lsp + 2];
            break;
          case 0x0b /* End */:
          case 0x0f /* Return */: {
            if (op === 0x0b /* End */) {
              lsp -= LABEL;
              if (labels[lsp + 2] !== -1) break; // a block's end; the function's final end returns
            }
            m.sp = sp;
            pc = m.popFrame();
            if (m.depth === 0) {
              stop = Stop.Returned;
              break run;
            }
            ({ sp, fp, lsp } = m);
            break;
          }
          case 0x0c /* Br */:
          case 0x0d /* BrIf */:
          case 0x0e /* BrTable */: {
            let depth: number;
            if (op === 0x0e /* BrTable */) {
              sp -= SLOT;
              depth = brTableTarget(code, pc, s32[sp] >>> 0);
            } else {
              depth = code[pc] < 0x80 ? code[pc] : readU32(code, pc);
              pc = lebEnd(code, pc);
              if (op === 0x0d /* BrIf */) {
                sp -= SLOT;
                if (s32[sp] === 0) break;
              }
            }
            const label = lsp - LABEL * (depth + 1);
            if (labels[label + 2] === -1) {
              m.sp = sp;
              pc = m.popFrame();
              if (m.depth === 0) {
                stop = Stop.Returned;
                break run;
              }
              ({ sp, fp, lsp } = m);
              break;
            }
            const height = labels[label];
            if (labels[label + 1] !== 0) {
              s32[height] = s32[sp - 2];
              s32[height + 1] = s32[sp - 1];
              sp = height + SLOT;
            } else sp = height;
            pc = labels[label + 2];
            lsp = labels[label + 3] === 1 ? label + LABEL : label;
            break;
          }
          case 0x10 /* Call */:
          case 0x11 /* CallIndirect */: {
            let callee: number;
            if (op === 0x10 /* Call */) {
              callee = code[pc] < 0x80 ? code[pc] : readU32(code, pc);
              pc = lebEnd(code, pc);
            } else {
              const typeIndex = readU32(code, pc);
              pc = lebEnd(code, pc) + 1; // the reserved table byte
              sp -= SLOT;
              callee = indirectCallee(p, table, s32[sp], typeIndex);
            }
            m.sp = sp;
            if (callee < p.importCount) {
              m.importIndex = callee;
              m.stopPc = cur;
              m.pc = pc;
              m.lsp = lsp;
              m.executed = budget - left;
              return Stop.Import;
            }
            m.lsp = lsp;
            this.enter(m, callee, pc);
            ({ sp, fp, pc, lsp } = m);
            break;
          }
          case 0x1a /* Drop */:
            sp -= SLOT;
            break;
          case 0x1b /* Select */:
            sp -= 2 * SLOT;
            if (s32[sp + 2] === 0) {
              s32[sp - 2] = s32[sp];
              s32[sp - 1] = s32[sp + 1];
            }
            break;
          case 0x20 /* LocalGet */:
          case 0x21 /* LocalSet */:
          case 0x22 /* LocalTee */: {
            const index = fp + SLOT * (code[pc] < 0x80 ? code[pc] : readU32(code, pc));
            pc = lebEnd(code, pc);
            if (op === 0x20 /* LocalGet */) {
              s32[sp] = s32[index];
              s32[sp + 1] = s32[index + 1];
              sp += SLOT;
            } else {
              s32[index] = s32[sp - 2];
              s32[index + 1] = s32[sp - 1];
              if (op === 0x21 /* LocalSet */) sp -= SLOT;
            }
            break;
          }
          case 0x23 /* GlobalGet */:
          case 0x24 /* GlobalSet */: {
            const g = readU32(code, pc);
            pc = lebEnd(code, pc);
            if (op === 0x23 /* GlobalGet */) {
              s32[sp] = globals[2 * g];
              s32[sp + 1] = globals[2 * g + 1];
              sp += SLOT;
            } else {
              sp -= SLOT;
              globals[2 * g] = s32[sp];
              globals[2 * g + 1] = s32[sp + 1];
              if (g === 0) m.setGlobal0(s32[sp]);
            }
            break;
          }
          case 0x3f /* MemorySize */:
            pc++;
            s32[sp] = m.memory.pages;
            sp += SLOT;
            break;
          case 0x40 /* MemoryGrow */:
            pc++;
            s32[sp - 2] = m.memory.grow(s32[sp - 2] >>> 0);
            break;
          case 0x41 /* I32Const */:
            s32[sp] = code[pc] < 0x40 ? code[pc] : readS32(code, pc);
            pc = lebEnd(code, pc);
            sp += SLOT;
            break;
          case 0x42 /* I64Const */:
            readS64Into(code, pc, s32, sp);
            pc = lebEnd(code, pc);
            sp += SLOT;
            break;
          case 0x43 /* F32Const */:
            s32[sp] = readI32Bits(code, pc);
            pc += 4;
            sp += SLOT;
            break;
          case 0x44 /* F64Const */:
            s32[sp] = readI32Bits(code, pc);
            s32[sp + 1] = readI32Bits(code, pc + 4);
            pc += 8;
            sp += SLOT;
            break;
          default:
            if (op >= 0x45 /* NumericFirst */) {
              sp = numeric(op, s32, m.f32, m.f64, m.i64, sp);
            } else {
              // loads and stores: skip the alignment hint, read the offset
              pc = lebEnd(code, pc);
              const offset = code[pc] < 0x80 ? code[pc] : readU32(code, pc);
              pc = lebEnd(code, pc);
              sp = memoryOp(op, m.memory, s32, sp, offset);
            }
        }
      }
    } catch (error) {
      if (!(error instanceof Trap)) throw error;
      m.fault = {
        code: error.code,
        pc: cur,
        address: error.address,
        message: `${error.message} at ${hex(cur)}`,
      };
      m.stopPc = cur;
      stop = Stop.Trap;
      pc = cur;
    }
    m.sp = sp;
    m.fp = fp;
    m.pc = pc;
    m.lsp = lsp;
    m.executed = budget - left;
    if (stop === Stop.Trap) m.executed--; // the trapping instruction did not complete
    return stop;
  }
}

function brTableTarget(code: Uint8Array, at: number, index: number): number {
  const count = readU32(code, at);
  at = lebEnd(code, at);
  const pick = Math.min(index, count);
  for (let i = 0; i < pick; i++) at = lebEnd(code, at);
  return readU32(code, at);
}

/** §4.4.8.7 call_indirect: the table entry must exist and have the expected type. */
export function indirectCallee(
  p: Program,
  table: Int32Array,
  element: number,
  typeIndex: number,
): number {
  const index = element >>> 0;
  const callee = index < table.length ? table[index] : -1;
  if (callee < 0) {
    throw new Trap(
      'undefined_element',
      `call_indirect to table element ${index}: ${index < table.length ? 'uninitialised' : `outside the table of ${table.length}`}`,
    );
  }
  if (p.typeId[callee] !== p.typeIdOfType[typeIndex]) {
    throw new Trap(
      'indirect_call_mismatch',
      `call_indirect to function ${callee} (table element ${index}) of another type than type ${typeIndex}`,
    );
  }
  return callee;
}

function labelsExhausted(m: Machine): Trap {
  return new Trap(
    'stack_exhausted',
    `label stack exhausted: ${m.labels.length / LABEL} nested blocks in active calls`,
  );
}
