import { indirectCallee } from './classic';
import { translateModule, type FastCode } from './fast-translate';
import type { Interpreter } from './interpreter';
import { SLOT, Stop, type Machine } from './machine';
import { memoryOp } from './memory-ops';
import { numeric } from './numeric';
import type { Program } from './program';
import { hex, outOfBounds, Trap } from './trap';

/**
 * Fast mode (as WAMR's fast interpreter): runs the pre-decoded form of fast-translate.ts.
 * Ops are dense small integers (case labels are literals of fast-ops.ts' `F`, see the
 * note in classic.ts), hot i32 arithmetic, compares, locals and i32 loads/stores are
 * inline, everything else shares the classic helpers. One instruction of the budget =
 * one fast op (block/loop/end/nop vanish, fused sequences count once).
 */
export class FastInterpreter implements Interpreter {
  private readonly fast: FastCode;
  readonly engineBytes: number;

  constructor(private readonly program: Program) {
    this.fast = translateModule(program);
    this.engineBytes =
      this.fast.code.byteLength + this.fast.source.byteLength + this.fast.entry.byteLength;
  }

  sourceOffset(pc: number): number {
    return this.fast.source[pc] ?? 0;
  }

  enter(m: Machine, func: number, returnPc: number): void {
    m.pushFrame(func, returnPc);
    m.pc = this.fast.entry[func];
  }

  execute(m: Machine, budget: number): Stop {
    const p = this.program;
    const code = this.fast.code;
    const entry = this.fast.entry;
    const s32 = m.s32;
    const globals = m.globals;
    let memory = m.memory;
    let mi32 = memory.i32;
    let dv = memory.dv;
    let cap = memory.cap;
    let touched = memory.touched;
    let sp = m.sp;
    let fp = m.fp;
    let pc = m.pc;
    let left = budget;
    let cur = pc;
    let stop = Stop.Budget;
    try {
      run: while (left > 0) {
        cur = pc;
        left--;
        switch (code[pc]) {
          case 0: // Unreachable
            throw new Trap('unreachable', 'unreachable instruction executed');
          case 1: // Jump
            pc = code[pc + 1];
            break;
          case 2: // BrIf
            sp -= SLOT;
            pc = s32[sp] !== 0 ? code[pc + 1] : pc + 2;
            break;
          case 3: // BrUnless
            sp -= SLOT;
            pc = s32[sp] === 0 ? code[pc + 1] : pc + 2;
            break;
          case 4: // BrMove
          case 6: {
            // BrIfMove
            if (code[pc] === 6) {
              sp -= SLOT;
              if (s32[sp] === 0) {
                pc += 3;
                break;
              }
            }
            const to = fp + code[pc + 2];
            s32[to] = s32[sp - 2];
            s32[to + 1] = s32[sp - 1];
            sp = to + SLOT;
            pc = code[pc + 1];
            break;
          }
          case 5: // BrDrop
            sp = fp + code[pc + 2];
            pc = code[pc + 1];
            break;
          case 7: // BrIfDrop
            sp -= SLOT;
            if (s32[sp] !== 0) {
              sp = fp + code[pc + 2];
              pc = code[pc + 1];
            } else pc += 3;
            break;
          case 8: {
            // BrTable
            sp -= SLOT;
            const count = code[pc + 1];
            const index = s32[sp] >>> 0;
            const e = pc + 2 + 3 * (index < count ? index : count);
            const target = code[e];
            if (target === -1) {
              m.sp = sp;
              pc = m.popFrame();
              if (m.depth === 0) {
                stop = Stop.Returned;
                break run;
              }
              sp = m.sp;
              fp = m.fp;
              break;
            }
            const to = fp + code[e + 1];
            if (code[e + 2] !== 0) {
              s32[to] = s32[sp - 2];
              s32[to + 1] = s32[sp - 1];
              sp = to + SLOT;
            } else sp = to;
            pc = target;
            break;
          }
          case 9: // Return
            m.sp = sp;
            pc = m.popFrame();
            if (m.depth === 0) {
              stop = Stop.Returned;
              break run;
            }
            sp = m.sp;
            fp = m.fp;
            break;
          case 10: // Call
          case 12: {
            // CallIndirect
            let callee = code[pc + 1];
            if (code[pc] === 12) {
              sp -= SLOT;
              callee = indirectCallee(p, m.table, s32[sp], callee);
            }
            pc += 2;
            m.sp = sp;
            if (callee < p.importCount) {
              m.importIndex = callee;
              m.stopPc = cur;
              m.pc = pc;
              m.executed = budget - left;
              return Stop.Import;
            }
            m.pushFrame(callee, pc);
            pc = entry[callee];
            sp = m.sp;
            fp = m.fp;
            break;
          }
          case 11: // CallImport
            m.sp = sp;
            m.importIndex = code[pc + 1];
            m.stopPc = cur;
            m.pc = pc + 2;
            m.executed = budget - left;
            return Stop.Import;
          case 13: // Drop
            sp -= SLOT;
            pc++;
            break;
          case 14: // Select
            sp -= 2 * SLOT;
            if (s32[sp + 2] === 0) {
              s32[sp - 2] = s32[sp];
              s32[sp - 1] = s32[sp + 1];
            }
            pc++;
            break;
          case 15: {
            // LocalGet
            const from = fp + code[pc + 1];
            s32[sp] = s32[from];
            s32[sp + 1] = s32[from + 1];
            sp += SLOT;
            pc += 2;
            break;
          }
          case 16: {
            // LocalSet
            const to = fp + code[pc + 1];
            sp -= SLOT;
            s32[to] = s32[sp];
            s32[to + 1] = s32[sp + 1];
            pc += 2;
            break;
          }
          case 17: {
            // LocalTee
            const to = fp + code[pc + 1];
            s32[to] = s32[sp - 2];
            s32[to + 1] = s32[sp - 1];
            pc += 2;
            break;
          }
          case 18: {
            // GlobalGet
            const g = 2 * code[pc + 1];
            s32[sp] = globals[g];
            s32[sp + 1] = globals[g + 1];
            sp += SLOT;
            pc += 2;
            break;
          }
          case 19: {
            // GlobalSet
            const g = code[pc + 1];
            sp -= SLOT;
            globals[2 * g] = s32[sp];
            globals[2 * g + 1] = s32[sp + 1];
            if (g === 0) m.setGlobal0(s32[sp]);
            pc += 2;
            break;
          }
          case 20: {
            // I32Load. Offsets are u32 in an Int32Array word: >>> 0 reads them back (address.wast)
            const ea = (s32[sp - 2] >>> 0) + (code[pc + 1] >>> 0);
            if (ea + 4 > cap) throw outOfBounds(ea, 4, cap);
            s32[sp - 2] = (ea & 3) === 0 ? mi32[ea >> 2] : dv.getInt32(ea, true);
            pc += 2;
            break;
          }
          case 21: {
            // I32Store
            const ea = (s32[sp - 4] >>> 0) + (code[pc + 1] >>> 0);
            if (ea + 4 > cap) throw outOfBounds(ea, 4, cap);
            touched[ea >> 6] = 1; // memory.ts TOUCH_SHIFT
            if ((ea & 3) === 0) mi32[ea >> 2] = s32[sp - 2];
            else {
              dv.setInt32(ea, s32[sp - 2], true);
              touched[(ea + 3) >> 6] = 1;
            }
            sp -= 2 * SLOT;
            pc += 2;
            break;
          }
          case 22: // Memory: the other loads and stores
            sp = memoryOp(code[pc + 1], memory, s32, sp, code[pc + 2] >>> 0);
            pc += 3;
            break;
          case 23: // MemorySize
            s32[sp] = memory.pages;
            sp += SLOT;
            pc++;
            break;
          case 24: // MemoryGrow: views may be new afterwards
            s32[sp - 2] = memory.grow(s32[sp - 2] >>> 0);
            memory = m.memory;
            mi32 = memory.i32;
            dv = memory.dv;
            cap = memory.cap;
            touched = memory.touched;
            pc++;
            break;
          case 25: // Const32
            s32[sp] = code[pc + 1];
            sp += SLOT;
            pc += 2;
            break;
          case 26: // Const64
            s32[sp] = code[pc + 1];
            s32[sp + 1] = code[pc + 2];
            sp += SLOT;
            pc += 3;
            break;
          case 27: // Numeric
            sp = numeric(code[pc + 1], s32, m.f32, m.f64, m.i64, sp);
            pc += 2;
            break;
          case 28: // I32Add
            sp -= SLOT;
            s32[sp - 2] = (s32[sp - 2] + s32[sp]) | 0;
            pc++;
            break;
          case 29: // I32Sub
            sp -= SLOT;
            s32[sp - 2] = (s32[sp - 2] - s32[sp]) | 0;
            pc++;
            break;
          case 30: // I32Mul
            sp -= SLOT;
            s32[sp - 2] = Math.imul(s32[sp - 2], s32[sp]);
            pc++;
            break;
          case 31: // I32And
            sp -= SLOT;
            s32[sp - 2] &= s32[sp];
            pc++;
            break;
          case 32: // I32Or
            sp -= SLOT;
            s32[sp - 2] |= s32[sp];
            pc++;
            break;
          case 33: // I32Xor
            sp -= SLOT;
            s32[sp - 2] ^= s32[sp];
            pc++;
            break;
          case 34: // I32Shl
            sp -= SLOT;
            s32[sp - 2] <<= s32[sp];
            pc++;
            break;
          case 35: // I32ShrS
            sp -= SLOT;
            s32[sp - 2] >>= s32[sp];
            pc++;
            break;
          case 36: // I32ShrU
            sp -= SLOT;
            s32[sp - 2] = s32[sp - 2] >>> s32[sp];
            pc++;
            break;
          case 37: // I32Eqz
            s32[sp - 2] = s32[sp - 2] === 0 ? 1 : 0;
            pc++;
            break;
          case 38: // I32Eq
            sp -= SLOT;
            s32[sp - 2] = s32[sp - 2] === s32[sp] ? 1 : 0;
            pc++;
            break;
          case 39: // I32Ne
            sp -= SLOT;
            s32[sp - 2] = s32[sp - 2] !== s32[sp] ? 1 : 0;
            pc++;
            break;
          case 40: // I32LtS
            sp -= SLOT;
            s32[sp - 2] = s32[sp - 2] < s32[sp] ? 1 : 0;
            pc++;
            break;
          case 41: // I32LtU
            sp -= SLOT;
            s32[sp - 2] = s32[sp - 2] >>> 0 < s32[sp] >>> 0 ? 1 : 0;
            pc++;
            break;
          case 42: // I32GtS
            sp -= SLOT;
            s32[sp - 2] = s32[sp - 2] > s32[sp] ? 1 : 0;
            pc++;
            break;
          case 43: // I32GtU
            sp -= SLOT;
            s32[sp - 2] = s32[sp - 2] >>> 0 > s32[sp] >>> 0 ? 1 : 0;
            pc++;
            break;
          case 44: // I32LeS
            sp -= SLOT;
            s32[sp - 2] = s32[sp - 2] <= s32[sp] ? 1 : 0;
            pc++;
            break;
          case 45: // I32LeU
            sp -= SLOT;
            s32[sp - 2] = s32[sp - 2] >>> 0 <= s32[sp] >>> 0 ? 1 : 0;
            pc++;
            break;
          case 46: // I32GeS
            sp -= SLOT;
            s32[sp - 2] = s32[sp - 2] >= s32[sp] ? 1 : 0;
            pc++;
            break;
          case 47: // I32GeU
            sp -= SLOT;
            s32[sp - 2] = s32[sp - 2] >>> 0 >= s32[sp] >>> 0 ? 1 : 0;
            pc++;
            break;
          case 48: {
            // LocalGetLocalGet
            const a = fp + code[pc + 1];
            const b = fp + code[pc + 2];
            s32[sp] = s32[a];
            s32[sp + 1] = s32[a + 1];
            s32[sp + 2] = s32[b];
            s32[sp + 3] = s32[b + 1];
            sp += 2 * SLOT;
            pc += 3;
            break;
          }
          case 49: // LocalGetConstAdd
            s32[sp] = (s32[fp + code[pc + 1]] + code[pc + 2]) | 0;
            sp += SLOT;
            pc += 3;
            break;
          case 50: {
            // I32LoadLocal
            const ea = (s32[fp + code[pc + 1]] >>> 0) + (code[pc + 2] >>> 0);
            if (ea + 4 > cap) throw outOfBounds(ea, 4, cap);
            s32[sp] = (ea & 3) === 0 ? mi32[ea >> 2] : dv.getInt32(ea, true);
            sp += SLOT;
            pc += 3;
            break;
          }
          case 51: {
            // LocalSetLocalGet
            const to = fp + code[pc + 1];
            const from = fp + code[pc + 2];
            s32[to] = s32[sp - 2];
            s32[to + 1] = s32[sp - 1];
            s32[sp - 2] = s32[from];
            s32[sp - 1] = s32[from + 1];
            pc += 3;
            break;
          }
          default:
            throw new Error(`fast mode: bad op ${code[pc]} at ${pc}`);
        }
      }
    } catch (error) {
      if (!(error instanceof Trap)) throw error;
      m.fault = {
        code: error.code,
        pc: cur,
        address: error.address,
        message: `${error.message} at ${hex(this.sourceOffset(cur))}`,
      };
      m.stopPc = cur;
      stop = Stop.Trap;
      pc = cur;
    }
    m.sp = sp;
    m.fp = fp;
    m.pc = pc;
    m.executed = budget - left;
    if (stop === Stop.Trap) m.executed--;
    return stop;
  }
}
