import {
  loadWordLeft,
  loadWordRight,
  mulHighSigned,
  mulHighUnsigned,
  storeWordLeft,
  storeWordRight,
} from './arith';
import type { CpuState } from './cpu';
import { MISALIGNED_TARGET } from './cpu';
import type { DecodedText } from './decode';
import {
  branchInDelaySlot,
  breakpoint,
  illegalInstruction,
  loadFault,
  overflow,
  stackExhausted,
  storeFault,
} from './faults';
import type { GuestMemory } from './memory';
import { Op } from './ops';

/** Why execute() returned. */
export const enum Stop {
  Budget, // ran `budget` instructions
  Syscall, // a syscall instruction ran; the engine services it and calls execute() again
  LeftText, // fetch outside text: an exit, an invoke() return, or a fault (engine decides)
  Fault, // cpu.fault says what
}

/**
 * Runs up to `budget` instructions. Hot state lives in locals and is written back once;
 * nothing allocates except on the way out with a fault. Fields of a decoded instruction
 * (ops.ts): a = (w >> 8) & 63, b = (w >> 14) & 63, c = (w >> 20) & 63, imm = second slot.
 * No load delay slot: a loaded value is usable by the next instruction (MIPS II interlock).
 */
export function execute(
  cpu: CpuState,
  text: DecodedText,
  memory: GuestMemory,
  budget: number,
): Stop {
  const r = cpu.regs;
  const code = text.code;
  const textBytes = text.textBytes;
  const base = text.loadAddress;
  const { u8, i8, u16, i16, i32 } = memory;
  const loadLo = memory.loadLo;
  const storeLo = memory.storeLo;
  const load1 = memory.loadSpan(1);
  const load2 = memory.loadSpan(2);
  const load4 = memory.loadSpan(4);
  const store1 = memory.storeSpan(1);
  const store2 = memory.storeSpan(2);
  const store4 = memory.storeSpan(4);
  let pc = cpu.pc;
  let npc = cpu.npc;
  let hi = cpu.hi;
  let lo = cpu.lo;
  let lowestSp = cpu.lowestSp;
  const stackLimit = cpu.stackLimit;
  const stackSpan = cpu.stackSpan;
  let sp = 0;
  let left = budget;
  let cur = pc;
  let stop = Stop.Budget;

  run: while (left > 0) {
    if (pc >>> 0 >= textBytes) {
      cur = pc;
      stop = Stop.LeftText;
      break;
    }
    const w = code[pc >> 1];
    const imm = code[(pc >> 1) + 1];
    cur = pc;
    pc = npc;
    npc = (npc + 4) | 0;
    left--;
    const op = (w & 0xff) as Op;
    switch (op) {
      case Op.Nop:
        break;
      case Op.Move:
        r[(w >> 8) & 63] = r[(w >> 14) & 63];
        break;
      case Op.Li:
        r[(w >> 8) & 63] = imm;
        break;
      case Op.Addiu:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] + imm;
        break;
      case Op.Addu:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] + r[(w >> 20) & 63];
        break;
      case Op.AddiuSp:
      case Op.AdduSp:
      case Op.SubuSp:
      case Op.MoveSp:
        sp = stackPointerValue(op, r, w, imm);
        if ((sp - stackLimit) >>> 0 > stackSpan) {
          cpu.fault = stackExhausted(base + cur, sp, cpu);
          stop = Stop.Fault;
          break run;
        }
        r[29] = sp;
        break;
      case Op.Subu:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] - r[(w >> 20) & 63];
        break;
      case Op.Addi: {
        const sum = r[(w >> 14) & 63] + imm;
        if ((sum | 0) !== sum) {
          cpu.fault = overflow(base + cur);
          stop = Stop.Fault;
          break run;
        }
        r[(w >> 8) & 63] = sum;
        break;
      }
      case Op.Add: {
        const sum = r[(w >> 14) & 63] + r[(w >> 20) & 63];
        if ((sum | 0) !== sum) {
          cpu.fault = overflow(base + cur);
          stop = Stop.Fault;
          break run;
        }
        r[(w >> 8) & 63] = sum;
        break;
      }
      case Op.Sub: {
        const difference = r[(w >> 14) & 63] - r[(w >> 20) & 63];
        if ((difference | 0) !== difference) {
          cpu.fault = overflow(base + cur);
          stop = Stop.Fault;
          break run;
        }
        r[(w >> 8) & 63] = difference;
        break;
      }
      case Op.And:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] & r[(w >> 20) & 63];
        break;
      case Op.Or:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] | r[(w >> 20) & 63];
        break;
      case Op.Xor:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] ^ r[(w >> 20) & 63];
        break;
      case Op.Nor:
        r[(w >> 8) & 63] = ~(r[(w >> 14) & 63] | r[(w >> 20) & 63]);
        break;
      case Op.Slt:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] < r[(w >> 20) & 63] ? 1 : 0;
        break;
      case Op.Sltu:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] >>> 0 < r[(w >> 20) & 63] >>> 0 ? 1 : 0;
        break;
      case Op.Andi:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] & imm;
        break;
      case Op.Ori:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] | imm;
        break;
      case Op.Xori:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] ^ imm;
        break;
      case Op.Slti:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] < imm ? 1 : 0;
        break;
      case Op.Sltiu: // the immediate is sign-extended, then compared unsigned
        r[(w >> 8) & 63] = r[(w >> 14) & 63] >>> 0 < imm >>> 0 ? 1 : 0;
        break;
      case Op.Sll:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] << imm;
        break;
      case Op.Srl:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] >>> imm;
        break;
      case Op.Sra:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] >> imm;
        break;
      case Op.Sllv: // JS shifts use the low 5 bits of the count, as MIPS does
        r[(w >> 8) & 63] = r[(w >> 14) & 63] << r[(w >> 20) & 63];
        break;
      case Op.Srlv:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] >>> r[(w >> 20) & 63];
        break;
      case Op.Srav:
        r[(w >> 8) & 63] = r[(w >> 14) & 63] >> r[(w >> 20) & 63];
        break;
      case Op.Mult: {
        const x = r[(w >> 14) & 63];
        const y = r[(w >> 20) & 63];
        lo = Math.imul(x, y);
        hi = mulHighSigned(x, y);
        break;
      }
      case Op.Multu: {
        const x = r[(w >> 14) & 63];
        const y = r[(w >> 20) & 63];
        lo = Math.imul(x, y);
        hi = mulHighUnsigned(x >>> 0, y >>> 0);
        break;
      }
      case Op.Div: {
        // Divide by zero is UNPREDICTABLE (MIPS32 Vol. II, DIV): here HI and LO keep their
        // values, and nothing traps. INT_MIN / -1 gives LO = INT_MIN, HI = 0, as hardware does.
        const y = r[(w >> 20) & 63];
        if (y !== 0) {
          const x = r[(w >> 14) & 63];
          lo = (x / y) | 0;
          hi = (x % y) | 0;
        }
        break;
      }
      case Op.Divu: {
        const y = r[(w >> 20) & 63] >>> 0;
        if (y !== 0) {
          const x = r[(w >> 14) & 63] >>> 0;
          lo = (x / y) | 0;
          hi = (x % y) | 0;
        }
        break;
      }
      case Op.Mfhi:
        r[(w >> 8) & 63] = hi;
        break;
      case Op.Mflo:
        r[(w >> 8) & 63] = lo;
        break;
      case Op.Mthi:
        hi = r[(w >> 14) & 63];
        break;
      case Op.Mtlo:
        lo = r[(w >> 14) & 63];
        break;
      case Op.Lw: {
        const a = (r[(w >> 14) & 63] + imm) | 0;
        if (((a - loadLo) | ((a & 3) << 30)) >>> 0 >= load4) {
          cpu.fault = loadFault(memory, base + cur, a, 4);
          stop = Stop.Fault;
          break run;
        }
        r[(w >> 8) & 63] = i32[a >> 2];
        break;
      }
      case Op.Lh:
      case Op.Lhu: {
        const a = (r[(w >> 14) & 63] + imm) | 0;
        if (((a - loadLo) | ((a & 1) << 30)) >>> 0 >= load2) {
          cpu.fault = loadFault(memory, base + cur, a, 2);
          stop = Stop.Fault;
          break run;
        }
        r[(w >> 8) & 63] = op === Op.Lh ? i16[a >> 1] : u16[a >> 1];
        break;
      }
      case Op.Lb:
      case Op.Lbu: {
        const a = (r[(w >> 14) & 63] + imm) | 0;
        if ((a - loadLo) >>> 0 >= load1) {
          cpu.fault = loadFault(memory, base + cur, a, 1);
          stop = Stop.Fault;
          break run;
        }
        r[(w >> 8) & 63] = op === Op.Lb ? i8[a] : u8[a];
        break;
      }
      case Op.Lwl:
      case Op.Lwr: {
        const a = (r[(w >> 14) & 63] + imm) | 0;
        if (((a & ~3) - loadLo) >>> 0 >= load4) {
          cpu.fault = loadFault(memory, base + cur, a, 1);
          stop = Stop.Fault;
          break run;
        }
        const t = (w >> 8) & 63;
        const word = i32[a >> 2];
        r[t] = op === Op.Lwl ? loadWordLeft(r[t], word, a & 3) : loadWordRight(r[t], word, a & 3);
        break;
      }
      case Op.Sw: {
        const a = (r[(w >> 14) & 63] + imm) | 0;
        if (((a - storeLo) | ((a & 3) << 30)) >>> 0 >= store4) {
          cpu.fault = storeFault(memory, base + cur, a, 4);
          stop = Stop.Fault;
          break run;
        }
        i32[a >> 2] = r[(w >> 8) & 63];
        break;
      }
      case Op.Sh: {
        const a = (r[(w >> 14) & 63] + imm) | 0;
        if (((a - storeLo) | ((a & 1) << 30)) >>> 0 >= store2) {
          cpu.fault = storeFault(memory, base + cur, a, 2);
          stop = Stop.Fault;
          break run;
        }
        u16[a >> 1] = r[(w >> 8) & 63];
        break;
      }
      case Op.Sb: {
        const a = (r[(w >> 14) & 63] + imm) | 0;
        if ((a - storeLo) >>> 0 >= store1) {
          cpu.fault = storeFault(memory, base + cur, a, 1);
          stop = Stop.Fault;
          break run;
        }
        u8[a] = r[(w >> 8) & 63];
        break;
      }
      case Op.Swl:
      case Op.Swr: {
        const a = (r[(w >> 14) & 63] + imm) | 0;
        if (((a & ~3) - storeLo) >>> 0 >= store4) {
          cpu.fault = storeFault(memory, base + cur, a, 1);
          stop = Stop.Fault;
          break run;
        }
        const value = r[(w >> 8) & 63];
        const word = i32[a >> 2];
        i32[a >> 2] =
          op === Op.Swl ? storeWordLeft(value, word, a & 3) : storeWordRight(value, word, a & 3);
        break;
      }
      case Op.Beq:
        if (r[(w >> 14) & 63] === r[(w >> 20) & 63]) npc = imm;
        break;
      case Op.Bne:
        if (r[(w >> 14) & 63] !== r[(w >> 20) & 63]) npc = imm;
        break;
      case Op.Blez:
        if (r[(w >> 14) & 63] <= 0) npc = imm;
        break;
      case Op.Bgtz:
        if (r[(w >> 14) & 63] > 0) npc = imm;
        break;
      case Op.Bltz:
        if (r[(w >> 14) & 63] < 0) npc = imm;
        break;
      case Op.Bgez:
        if (r[(w >> 14) & 63] >= 0) npc = imm;
        break;
      case Op.Bltzal: {
        // The link is written whether or not the branch is taken (MIPS32 Vol. II, BLTZAL);
        // rs is read first, so rs = $ra (UNPREDICTABLE) tests the old value.
        const value = r[(w >> 14) & 63];
        r[31] = base + cur + 8;
        if (value < 0) npc = imm;
        break;
      }
      case Op.Bgezal: {
        const value = r[(w >> 14) & 63];
        r[31] = base + cur + 8;
        if (value >= 0) npc = imm;
        break;
      }
      case Op.J:
        npc = imm;
        break;
      case Op.Jal:
        if (r[29] < lowestSp) lowestSp = r[29];
        r[31] = base + cur + 8;
        npc = imm;
        break;
      case Op.Jr: {
        if (r[29] < lowestSp) lowestSp = r[29];
        const target = r[(w >> 14) & 63];
        npc = (target & 3) === 0 ? (target - base) | 0 : misalignedTarget(cpu, target);
        break;
      }
      case Op.Jalr: {
        // rs is read before rd is written (rd = rs is UNPREDICTABLE on MIPS).
        if (r[29] < lowestSp) lowestSp = r[29];
        const target = r[(w >> 14) & 63];
        r[(w >> 8) & 63] = base + cur + 8;
        npc = (target & 3) === 0 ? (target - base) | 0 : misalignedTarget(cpu, target);
        break;
      }
      case Op.Syscall:
        if (r[29] < lowestSp) lowestSp = r[29];
        stop = Stop.Syscall;
        break run;
      case Op.Break:
        cpu.fault = breakpoint(base + cur, imm);
        stop = Stop.Fault;
        break run;
      case Op.BranchInDelaySlot:
        cpu.fault = branchInDelaySlot(base + cur);
        stop = Stop.Fault;
        break run;
      case Op.Illegal:
      default: // text is read-only, so memory still holds the original word
        cpu.fault = illegalInstruction(base + cur, i32[(base + cur) >> 2]);
        stop = Stop.Fault;
        break run;
    }
  }

  if (stop === Stop.Fault) {
    // The faulting instruction did not complete: pc stays on it and it is not counted.
    npc = pc;
    pc = cur;
    left++;
  }
  if (r[29] < lowestSp) lowestSp = r[29]; // $sp, for memory reports (see CpuState.lowestSp)
  cpu.pc = pc;
  cpu.npc = npc;
  cpu.hi = hi;
  cpu.lo = lo;
  cpu.lowestSp = lowestSp;
  cpu.executed = budget - left;
  cpu.stopPc = cur;
  return stop;
}

/** Keeps a misaligned jump target for the fault that its fetch will raise. */
function misalignedTarget(cpu: CpuState, target: number): number {
  cpu.misalignedTarget = target;
  return MISALIGNED_TARGET;
}

/** The value a checked $sp write (Op.AddiuSp … Op.MoveSp) computes. */
function stackPointerValue(op: Op, r: Int32Array, w: number, imm: number): number {
  const b = r[(w >> 14) & 63];
  if (op === Op.AddiuSp) return (b + imm) | 0;
  if (op === Op.AdduSp) return (b + r[(w >> 20) & 63]) | 0;
  if (op === Op.SubuSp) return (b - r[(w >> 20) & 63]) | 0;
  return b; // Op.MoveSp
}
