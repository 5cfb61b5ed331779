import {
  arsh64,
  bswap16,
  bswap32,
  div64,
  lsh64,
  lts64,
  ltu64,
  mod64,
  mul64,
  neg64,
  rsh64,
  sdiv32,
  sdiv64,
  smod32,
  smod64,
} from './arith';
import type { CpuState } from './cpu';
import type { DecodedProgram } from './decode';
import { callLocal, returnFromCall } from './calls';
import { memoryFault } from './faults';
import type { EbpfMemory } from './memory';
import { Op } from './ops';

/** Why execute() returned. */
export const enum Stop {
  Budget, // ran `budget` instructions
  Helper, // a helper call: the engine services it (cpu.stopPc) and calls execute() again
  Exit, // exit from the outermost frame: main or an invoked handler is done, r0 is its value
  Fault, // cpu.fault says what
}

/**
 * Runs up to `budget` instructions of a verified, decoded program (ops.ts). The verifier
 * guarantees every jump and call lands on an instruction and text ends with exit, so the
 * fetch needs no check. Fields: d = 2 × dst and s = 2 × src (register-pair slots),
 * off = the signed offset, imm = slot 1. Hot state lives in locals; nothing allocates
 * except a fault on the way out.
 */
export function execute(
  cpu: CpuState,
  program: DecodedProgram,
  memory: EbpfMemory,
  budget: number,
): Stop {
  const r = cpu.regs;
  const code = program.code;
  const view = memory.view;
  let pc = cpu.pc;
  let left = budget;
  let cur = pc;
  let stop = Stop.Budget;

  run: while (left > 0) {
    const w = code[pc << 1];
    const imm = code[(pc << 1) + 1];
    cur = pc;
    pc++;
    left--;
    const d = (w >> 7) & 30;
    const s = (w >> 11) & 30;
    switch ((w & 0xff) as Op) {
      // ALU64 with the immediate sign-extended to 64 bits (RFC 9669 §4.1).
      case Op.Add64K: {
        const sum = (r[d] >>> 0) + (imm >>> 0);
        r[d] = sum;
        r[d + 1] = r[d + 1] + (imm >> 31) + (sum > 0xffffffff ? 1 : 0);
        break;
      }
      case Op.Sub64K: {
        const a = r[d] >>> 0;
        r[d] = a - (imm >>> 0);
        r[d + 1] = r[d + 1] - (imm >> 31) - (a < imm >>> 0 ? 1 : 0);
        break;
      }
      case Op.Mul64K:
        mul64(r, d, imm, imm >> 31);
        break;
      case Op.Div64K:
        div64(r, d, imm, imm >> 31);
        break;
      case Op.Mod64K:
        mod64(r, d, imm, imm >> 31);
        break;
      case Op.Or64K:
        r[d] |= imm;
        r[d + 1] |= imm >> 31;
        break;
      case Op.And64K:
        r[d] &= imm;
        r[d + 1] &= imm >> 31;
        break;
      case Op.Xor64K:
        r[d] ^= imm;
        r[d + 1] ^= imm >> 31;
        break;
      case Op.Lsh64K:
        lsh64(r, d, imm);
        break;
      case Op.Rsh64K:
        rsh64(r, d, imm);
        break;
      case Op.Arsh64K:
        arsh64(r, d, imm);
        break;
      case Op.Neg64:
        neg64(r, d);
        break;
      case Op.Mov64K:
        r[d] = imm;
        r[d + 1] = imm >> 31;
        break;
      // ALU64, register operand.
      case Op.Add64X: {
        const sum = (r[d] >>> 0) + (r[s] >>> 0);
        const hi = r[s + 1];
        r[d] = sum;
        r[d + 1] = r[d + 1] + hi + (sum > 0xffffffff ? 1 : 0);
        break;
      }
      case Op.Sub64X: {
        const a = r[d] >>> 0;
        const b = r[s] >>> 0;
        const hi = r[s + 1];
        r[d] = a - b;
        r[d + 1] = r[d + 1] - hi - (a < b ? 1 : 0);
        break;
      }
      case Op.Mul64X: {
        mul64(r, d, r[s], r[s + 1]);
        break;
      }
      case Op.Div64X: {
        div64(r, d, r[s], r[s + 1]);
        break;
      }
      case Op.Mod64X: {
        mod64(r, d, r[s], r[s + 1]);
        break;
      }
      case Op.Or64X: {
        r[d] |= r[s];
        r[d + 1] |= r[s + 1];
        break;
      }
      case Op.And64X: {
        r[d] &= r[s];
        r[d + 1] &= r[s + 1];
        break;
      }
      case Op.Xor64X: {
        r[d] ^= r[s];
        r[d + 1] ^= r[s + 1];
        break;
      }
      case Op.Lsh64X:
        lsh64(r, d, r[s]);
        break;
      case Op.Rsh64X:
        rsh64(r, d, r[s]);
        break;
      case Op.Arsh64X:
        arsh64(r, d, r[s]);
        break;
      case Op.Mov64X: {
        r[d] = r[s];
        r[d + 1] = r[s + 1];
        break;
      }
      // ALU: 32-bit operations on the low words, result zero-extended (RFC 9669 §4.1).
      case Op.Add32K:
        r[d] = r[d] + imm;
        r[d + 1] = 0;
        break;
      case Op.Sub32K:
        r[d] = r[d] - imm;
        r[d + 1] = 0;
        break;
      case Op.Mul32K:
        r[d] = Math.imul(r[d], imm);
        r[d + 1] = 0;
        break;
      case Op.Div32K:
        r[d] = imm === 0 ? 0 : (r[d] >>> 0) / (imm >>> 0);
        r[d + 1] = 0;
        break;
      case Op.Mod32K:
        if (imm !== 0) r[d] = (r[d] >>> 0) % (imm >>> 0);
        r[d + 1] = 0;
        break;
      case Op.Or32K:
        r[d] |= imm;
        r[d + 1] = 0;
        break;
      case Op.And32K:
        r[d] &= imm;
        r[d + 1] = 0;
        break;
      case Op.Xor32K:
        r[d] ^= imm;
        r[d + 1] = 0;
        break;
      case Op.Lsh32K:
        r[d] <<= imm & 31;
        r[d + 1] = 0;
        break;
      case Op.Rsh32K:
        r[d] = r[d] >>> (imm & 31);
        r[d + 1] = 0;
        break;
      case Op.Arsh32K:
        r[d] >>= imm & 31;
        r[d + 1] = 0;
        break;
      case Op.Neg32:
        r[d] = -r[d];
        r[d + 1] = 0;
        break;
      case Op.Mov32K:
        r[d] = imm;
        r[d + 1] = 0;
        break;
      // ALU, register operand.
      case Op.Add32X:
        r[d] = r[d] + r[s];
        r[d + 1] = 0;
        break;
      case Op.Sub32X:
        r[d] = r[d] - r[s];
        r[d + 1] = 0;
        break;
      case Op.Mul32X:
        r[d] = Math.imul(r[d], r[s]);
        r[d + 1] = 0;
        break;
      case Op.Div32X: {
        const b = r[s] >>> 0;
        r[d] = b === 0 ? 0 : (r[d] >>> 0) / b;
        r[d + 1] = 0;
        break;
      }
      case Op.Mod32X: {
        const b = r[s] >>> 0;
        if (b !== 0) r[d] = (r[d] >>> 0) % b;
        r[d + 1] = 0;
        break;
      }
      case Op.Or32X:
        r[d] |= r[s];
        r[d + 1] = 0;
        break;
      case Op.And32X:
        r[d] &= r[s];
        r[d + 1] = 0;
        break;
      case Op.Xor32X:
        r[d] ^= r[s];
        r[d + 1] = 0;
        break;
      case Op.Lsh32X:
        r[d] <<= r[s] & 31;
        r[d + 1] = 0;
        break;
      case Op.Rsh32X:
        r[d] = r[d] >>> (r[s] & 31);
        r[d + 1] = 0;
        break;
      case Op.Arsh32X:
        r[d] >>= r[s] & 31;
        r[d + 1] = 0;
        break;
      case Op.Mov32X:
        r[d] = r[s];
        r[d + 1] = 0;
        break;
      // Byte swaps (RFC 9669 §4.2); this machine is little-endian, so "to le" truncates.
      case Op.Le16:
        r[d] &= 0xffff;
        r[d + 1] = 0;
        break;
      case Op.Le32:
        r[d + 1] = 0;
        break;
      case Op.Le64:
        break;
      case Op.Be16:
        r[d] = bswap16(r[d]);
        r[d + 1] = 0;
        break;
      case Op.Be32:
        r[d] = bswap32(r[d]);
        r[d + 1] = 0;
        break;
      case Op.Be64: {
        const lo = r[d];
        r[d] = bswap32(r[d + 1]);
        r[d + 1] = bswap32(lo);
        break;
      }
      // ISA v4 signed division and modulo (RFC 9669 §4.1).
      case Op.Sdiv64K:
        sdiv64(r, d, imm, imm >> 31);
        break;
      case Op.Sdiv64X:
        sdiv64(r, d, r[s], r[s + 1]);
        break;
      case Op.Smod64K:
        smod64(r, d, imm, imm >> 31);
        break;
      case Op.Smod64X:
        smod64(r, d, r[s], r[s + 1]);
        break;
      case Op.Sdiv32K:
        r[d] = sdiv32(r[d], imm);
        r[d + 1] = 0;
        break;
      case Op.Sdiv32X:
        r[d] = sdiv32(r[d], r[s]);
        r[d + 1] = 0;
        break;
      case Op.Smod32K:
        r[d] = smod32(r[d], imm);
        r[d + 1] = 0;
        break;
      case Op.Smod32X:
        r[d] = smod32(r[d], r[s]);
        r[d + 1] = 0;
        break;
      // ISA v4 MOVSX: sign-extend src's low 8/16/32 bits (ALU: into 32 bits, zero above).
      case Op.Movsx64B: {
        const v = (r[s] << 24) >> 24;
        r[d] = v;
        r[d + 1] = v >> 31;
        break;
      }
      case Op.Movsx64H: {
        const v = (r[s] << 16) >> 16;
        r[d] = v;
        r[d + 1] = v >> 31;
        break;
      }
      case Op.Movsx64W: {
        const v = r[s];
        r[d] = v;
        r[d + 1] = v >> 31;
        break;
      }
      case Op.Movsx32B:
        r[d] = (r[s] << 24) >> 24;
        r[d + 1] = 0;
        break;
      case Op.Movsx32H:
        r[d] = (r[s] << 16) >> 16;
        r[d + 1] = 0;
        break;
      // Jumps: 64-bit compares against the sign-extended immediate (RFC 9669 §4.3).
      case Op.Ja:
        pc += w >> 16;
        break;
      case Op.Gotol:
        pc += imm;
        break;
      case Op.Jeq64K:
        if (r[d] === imm && r[d + 1] === imm >> 31) pc += w >> 16;
        break;
      case Op.Jne64K:
        if (r[d] !== imm || r[d + 1] !== imm >> 31) pc += w >> 16;
        break;
      case Op.Jgt64K:
        if (ltu64(imm, imm >> 31, r[d], r[d + 1])) pc += w >> 16;
        break;
      case Op.Jge64K:
        if (!ltu64(r[d], r[d + 1], imm, imm >> 31)) pc += w >> 16;
        break;
      case Op.Jlt64K:
        if (ltu64(r[d], r[d + 1], imm, imm >> 31)) pc += w >> 16;
        break;
      case Op.Jle64K:
        if (!ltu64(imm, imm >> 31, r[d], r[d + 1])) pc += w >> 16;
        break;
      case Op.Jsgt64K:
        if (lts64(imm, imm >> 31, r[d], r[d + 1])) pc += w >> 16;
        break;
      case Op.Jsge64K:
        if (!lts64(r[d], r[d + 1], imm, imm >> 31)) pc += w >> 16;
        break;
      case Op.Jslt64K:
        if (lts64(r[d], r[d + 1], imm, imm >> 31)) pc += w >> 16;
        break;
      case Op.Jsle64K:
        if (!lts64(imm, imm >> 31, r[d], r[d + 1])) pc += w >> 16;
        break;
      case Op.Jset64K:
        if ((r[d] & imm) !== 0 || (r[d + 1] & (imm >> 31)) !== 0) pc += w >> 16;
        break;
      case Op.Jeq64X:
        if (r[d] === r[s] && r[d + 1] === r[s + 1]) pc += w >> 16;
        break;
      case Op.Jne64X:
        if (r[d] !== r[s] || r[d + 1] !== r[s + 1]) pc += w >> 16;
        break;
      case Op.Jgt64X:
        if (ltu64(r[s], r[s + 1], r[d], r[d + 1])) pc += w >> 16;
        break;
      case Op.Jge64X:
        if (!ltu64(r[d], r[d + 1], r[s], r[s + 1])) pc += w >> 16;
        break;
      case Op.Jlt64X:
        if (ltu64(r[d], r[d + 1], r[s], r[s + 1])) pc += w >> 16;
        break;
      case Op.Jle64X:
        if (!ltu64(r[s], r[s + 1], r[d], r[d + 1])) pc += w >> 16;
        break;
      case Op.Jsgt64X:
        if (lts64(r[s], r[s + 1], r[d], r[d + 1])) pc += w >> 16;
        break;
      case Op.Jsge64X:
        if (!lts64(r[d], r[d + 1], r[s], r[s + 1])) pc += w >> 16;
        break;
      case Op.Jslt64X:
        if (lts64(r[d], r[d + 1], r[s], r[s + 1])) pc += w >> 16;
        break;
      case Op.Jsle64X:
        if (!lts64(r[s], r[s + 1], r[d], r[d + 1])) pc += w >> 16;
        break;
      case Op.Jset64X:
        if ((r[d] & r[s]) !== 0 || (r[d + 1] & r[s + 1]) !== 0) pc += w >> 16;
        break;
      // JMP32: compares of the low 32 bits (RFC 9669 §4.3).
      case Op.Jeq32K:
        if (r[d] === imm) pc += w >> 16;
        break;
      case Op.Jne32K:
        if (r[d] !== imm) pc += w >> 16;
        break;
      case Op.Jgt32K:
        if (r[d] >>> 0 > imm >>> 0) pc += w >> 16;
        break;
      case Op.Jge32K:
        if (r[d] >>> 0 >= imm >>> 0) pc += w >> 16;
        break;
      case Op.Jlt32K:
        if (r[d] >>> 0 < imm >>> 0) pc += w >> 16;
        break;
      case Op.Jle32K:
        if (r[d] >>> 0 <= imm >>> 0) pc += w >> 16;
        break;
      case Op.Jsgt32K:
        if (r[d] > imm) pc += w >> 16;
        break;
      case Op.Jsge32K:
        if (r[d] >= imm) pc += w >> 16;
        break;
      case Op.Jslt32K:
        if (r[d] < imm) pc += w >> 16;
        break;
      case Op.Jsle32K:
        if (r[d] <= imm) pc += w >> 16;
        break;
      case Op.Jset32K:
        if ((r[d] & imm) !== 0) pc += w >> 16;
        break;
      case Op.Jeq32X:
        if (r[d] === r[s]) pc += w >> 16;
        break;
      case Op.Jne32X:
        if (r[d] !== r[s]) pc += w >> 16;
        break;
      case Op.Jgt32X:
        if (r[d] >>> 0 > r[s] >>> 0) pc += w >> 16;
        break;
      case Op.Jge32X:
        if (r[d] >>> 0 >= r[s] >>> 0) pc += w >> 16;
        break;
      case Op.Jlt32X:
        if (r[d] >>> 0 < r[s] >>> 0) pc += w >> 16;
        break;
      case Op.Jle32X:
        if (r[d] >>> 0 <= r[s] >>> 0) pc += w >> 16;
        break;
      case Op.Jsgt32X:
        if (r[d] > r[s]) pc += w >> 16;
        break;
      case Op.Jsge32X:
        if (r[d] >= r[s]) pc += w >> 16;
        break;
      case Op.Jslt32X:
        if (r[d] < r[s]) pc += w >> 16;
        break;
      case Op.Jsle32X:
        if (r[d] <= r[s]) pc += w >> 16;
        break;
      case Op.Jset32X:
        if ((r[d] & r[s]) !== 0) pc += w >> 16;
        break;
      // Loads zero-extend into the 64-bit register (RFC 9669 §5.1).
      case Op.Ldxb: {
        const o = memory.loadOffset(r[s + 1], (r[s] >>> 0) + (w >> 16), 1);
        if (o < 0) {
          cpu.fault = memoryFault(memory, cur, false, 1, r[s + 1], r[s], w >> 16);
          stop = Stop.Fault;
          break run;
        }
        r[d] = view.getUint8(o);
        r[d + 1] = 0;
        break;
      }
      case Op.Ldxh: {
        const o = memory.loadOffset(r[s + 1], (r[s] >>> 0) + (w >> 16), 2);
        if (o < 0) {
          cpu.fault = memoryFault(memory, cur, false, 2, r[s + 1], r[s], w >> 16);
          stop = Stop.Fault;
          break run;
        }
        r[d] = view.getUint16(o, true);
        r[d + 1] = 0;
        break;
      }
      case Op.Ldxw: {
        const o = memory.loadOffset(r[s + 1], (r[s] >>> 0) + (w >> 16), 4);
        if (o < 0) {
          cpu.fault = memoryFault(memory, cur, false, 4, r[s + 1], r[s], w >> 16);
          stop = Stop.Fault;
          break run;
        }
        r[d] = view.getInt32(o, true);
        r[d + 1] = 0;
        break;
      }
      case Op.Ldxdw: {
        const o = memory.loadOffset(r[s + 1], (r[s] >>> 0) + (w >> 16), 8);
        if (o < 0) {
          cpu.fault = memoryFault(memory, cur, false, 8, r[s + 1], r[s], w >> 16);
          stop = Stop.Fault;
          break run;
        }
        r[d] = view.getInt32(o, true);
        r[d + 1] = view.getInt32(o + 4, true);
        break;
      }
      // ISA v4 MEMSX: loads sign-extended into the 64-bit register (RFC 9669 §5.2).
      case Op.Ldxsb: {
        const o = memory.loadOffset(r[s + 1], (r[s] >>> 0) + (w >> 16), 1);
        if (o < 0) {
          cpu.fault = memoryFault(memory, cur, false, 1, r[s + 1], r[s], w >> 16);
          stop = Stop.Fault;
          break run;
        }
        r[d] = view.getInt8(o);
        r[d + 1] = r[d] >> 31;
        break;
      }
      case Op.Ldxsh: {
        const o = memory.loadOffset(r[s + 1], (r[s] >>> 0) + (w >> 16), 2);
        if (o < 0) {
          cpu.fault = memoryFault(memory, cur, false, 2, r[s + 1], r[s], w >> 16);
          stop = Stop.Fault;
          break run;
        }
        r[d] = view.getInt16(o, true);
        r[d + 1] = r[d] >> 31;
        break;
      }
      case Op.Ldxsw: {
        const o = memory.loadOffset(r[s + 1], (r[s] >>> 0) + (w >> 16), 4);
        if (o < 0) {
          cpu.fault = memoryFault(memory, cur, false, 4, r[s + 1], r[s], w >> 16);
          stop = Stop.Fault;
          break run;
        }
        r[d] = view.getInt32(o, true);
        r[d + 1] = r[d] >> 31;
        break;
      }
      // Stores: ST stores the immediate, STX the low bytes of src; the base is dst.
      case Op.Stb:
      case Op.Stxb: {
        const o = memory.storeOffset(r[d + 1], (r[d] >>> 0) + (w >> 16), 1);
        if (o < 0) {
          cpu.fault = memoryFault(memory, cur, true, 1, r[d + 1], r[d], w >> 16);
          stop = Stop.Fault;
          break run;
        }
        view.setUint8(o, (w & 0xff) === (Op.Stb as number) ? imm : r[s]);
        break;
      }
      case Op.Sth:
      case Op.Stxh: {
        const o = memory.storeOffset(r[d + 1], (r[d] >>> 0) + (w >> 16), 2);
        if (o < 0) {
          cpu.fault = memoryFault(memory, cur, true, 2, r[d + 1], r[d], w >> 16);
          stop = Stop.Fault;
          break run;
        }
        view.setUint16(o, (w & 0xff) === (Op.Sth as number) ? imm : r[s], true);
        break;
      }
      case Op.Stw:
      case Op.Stxw: {
        const o = memory.storeOffset(r[d + 1], (r[d] >>> 0) + (w >> 16), 4);
        if (o < 0) {
          cpu.fault = memoryFault(memory, cur, true, 4, r[d + 1], r[d], w >> 16);
          stop = Stop.Fault;
          break run;
        }
        view.setInt32(o, (w & 0xff) === (Op.Stw as number) ? imm : r[s], true);
        break;
      }
      case Op.Stdw:
      case Op.Stxdw: {
        const o = memory.storeOffset(r[d + 1], (r[d] >>> 0) + (w >> 16), 8);
        if (o < 0) {
          cpu.fault = memoryFault(memory, cur, true, 8, r[d + 1], r[d], w >> 16);
          stop = Stop.Fault;
          break run;
        }
        const immediate = (w & 0xff) === (Op.Stdw as number);
        view.setInt32(o, immediate ? imm : r[s], true);
        view.setInt32(o + 4, immediate ? imm >> 31 : r[s + 1], true);
        break;
      }
      case Op.Lddw:
        r[d] = imm;
        r[d + 1] = code[(pc << 1) + 1];
        pc++;
        break;
      case Op.CallHelper:
        cpu.stopPc = cur;
        stop = Stop.Helper;
        break run;
      case Op.CallLocal:
        pc = callLocal(cpu, program, pc, w, imm, cur);
        if (pc < 0) {
          stop = Stop.Fault;
          break run;
        }
        break;
      case Op.Exit:
        if (cpu.depth === 0) {
          cpu.stopPc = cur;
          pc = cur; // stays on exit: run() again reports the same end
          stop = Stop.Exit;
          break run;
        }
        pc = returnFromCall(cpu);
        break;
      case Op.LddwTail:
        throw new Error(
          `ebpf: the second half of an LDDW ran at ${cur} (the verifier forbids this)`,
        );
    }
  }
  if (stop === Stop.Fault) {
    pc = cur; // a faulting instruction is not counted and leaves pc on itself
    left++;
  }
  cpu.pc = pc;
  cpu.executed = budget - left;
  return stop;
}
