import {
  AluOp,
  CALL_LOCAL,
  Cls,
  INSTRUCTION_BYTES,
  isLddw,
  MODE_MEMSX,
  OPCODE,
  readInstruction,
  SOURCE_X,
  type RawInstruction,
} from '../../../src/protocol/images/rbf/isa';
import type { RbfImage } from '../../../src/protocol/images/rbf/format';
import { REGION } from '../../../src/protocol/images/rbf/layout';
import { functionFrames } from './frames';
import { DST_SHIFT, Op, OFFSET_SHIFT, SRC_SHIFT } from './ops';

/** A verified program in the interpreter's form (ops.ts). */
export interface DecodedProgram {
  /** Two Int32 slots per eBPF instruction slot. */
  readonly code: Int32Array;
  readonly count: number;
  /** Frame size of the function starting at each entry pc (0 elsewhere). */
  readonly frameOf: Int32Array;
  /** Instruction index where main (function table entry 0, else instruction 0) starts. */
  readonly entry: number;
}

const NO_OP = -1;

/** ALU operation index (opcode >> 4) -> position among the register-operand ops (no NEG). */
const xIndex = (aluIndex: number) => (aluIndex < 8 ? aluIndex : aluIndex - 1);
/** Conditional jump (opcode >> 4) -> position among Jeq..Jsle (call 8, exit 9 skipped). */
const jumpIndex = (op: number) => (op < 8 ? op - 1 : op - 3);

function buildOpTable(): Int16Array {
  const t = new Int16Array(256).fill(NO_OP);
  for (let k = 0; k <= 12; k++) {
    const op = k << 4;
    t[op | Cls.Alu64] = Op.Add64K + k;
    t[op | Cls.Alu] = Op.Add32K + k;
    if (op !== (AluOp.Neg as number)) {
      t[op | Cls.Alu64 | SOURCE_X] = Op.Add64X + xIndex(k);
      t[op | Cls.Alu | SOURCE_X] = Op.Add32X + xIndex(k);
    }
  }
  for (const k of [1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13]) {
    const op = k << 4;
    t[op | Cls.Jmp] = Op.Jeq64K + jumpIndex(k);
    t[op | Cls.Jmp | SOURCE_X] = Op.Jeq64X + jumpIndex(k);
    t[op | Cls.Jmp32] = Op.Jeq32K + jumpIndex(k);
    t[op | Cls.Jmp32 | SOURCE_X] = Op.Jeq32X + jumpIndex(k);
  }
  t[OPCODE.ja] = Op.Ja;
  t[OPCODE.gotol] = Op.Gotol;
  t[OPCODE.exit] = Op.Exit;
  const sizes = [0x10, 0x08, 0x00, 0x18]; // b, h, w, dw
  sizes.forEach((size, k) => {
    t[0x60 | size | Cls.Ldx] = Op.Ldxb + k;
    t[0x60 | size | Cls.St] = Op.Stb + k;
    t[0x60 | size | Cls.Stx] = Op.Stxb + k;
    if (k < 3) t[MODE_MEMSX | size | Cls.Ldx] = Op.Ldxsb + k;
  });
  for (const opcode of [OPCODE.lddw, OPCODE.lddwData, OPCODE.lddwRodata]) t[opcode] = Op.Lddw;
  return t;
}

/** Raw opcode -> Op, for every opcode whose meaning does not depend on other fields. */
const OPS = buildOpTable();

/**
 * ISA v4 ALU forms told apart by the offset field (RFC 9669 §4.1): opcode << 8 | offset.
 * SDIV/SMOD are DIV/MOD with offset 1, MOVSX is MOV X with offset 8, 16 or 32.
 */
const OFFSET_FORMS = new Map<number, Op>([
  [0x37_01, Op.Sdiv64K],
  [0x3f_01, Op.Sdiv64X],
  [0x97_01, Op.Smod64K],
  [0x9f_01, Op.Smod64X],
  [0x34_01, Op.Sdiv32K],
  [0x3c_01, Op.Sdiv32X],
  [0x94_01, Op.Smod32K],
  [0x9c_01, Op.Smod32X],
  [0xbf_08, Op.Movsx64B],
  [0xbf_10, Op.Movsx64H],
  [0xbf_20, Op.Movsx64W],
  [0xbc_08, Op.Movsx32B],
  [0xbc_10, Op.Movsx32H],
]);

function opOf(i: RawInstruction): number {
  if (i.opcode === OPCODE.call) return i.src === CALL_LOCAL ? Op.CallLocal : Op.CallHelper;
  const cls = i.opcode & 0x07;
  if ((i.opcode & 0xf0) === (AluOp.End as number) && (cls === Cls.Alu || cls === Cls.Alu64)) {
    // ALU64 END is v4 bswap: an unconditional swap, which on this little-endian
    // machine is exactly `to be` (RFC 9669 §4.2).
    const big = cls === Cls.Alu64 || (i.opcode & SOURCE_X) !== 0;
    const width = i.imm === 16 ? 0 : i.imm === 32 ? 1 : 2;
    return (big ? Op.Be16 : Op.Le16) + width;
  }
  if (i.offset !== 0 && (cls === Cls.Alu || cls === Cls.Alu64)) {
    const form = OFFSET_FORMS.get((i.opcode << 8) | i.offset);
    if (form !== undefined) return form; // else NEG, whose offset nothing reads
  }
  const op = OPS[i.opcode];
  if (op === NO_OP) throw new Error(`decode: opcode 0x${i.opcode.toString(16)} was not verified`);
  return op;
}

/** Decodes a verified image (verifyRbf) once, at load. */
export function decodeProgram(image: RbfImage): DecodedProgram {
  const count = image.text.length / INSTRUCTION_BYTES;
  const view = new DataView(image.text.buffer, image.text.byteOffset, image.text.byteLength);
  const raw = Array.from({ length: count }, (_, pc) => readInstruction(view, pc));
  const tableEntries = image.functions.map((f) => f.location / INSTRUCTION_BYTES);
  const { entries, frameOf } = functionFrames(raw, tableEntries);
  const code = new Int32Array(count * 2);
  let fn = 0; // index in entries of the function holding pc
  for (let pc = 0; pc < count; pc++) {
    while (fn + 1 < entries.length && entries[fn + 1] <= pc) fn++;
    const i = raw[pc];
    const op = opOf(i);
    let offset = i.offset;
    let imm = i.imm;
    if (op === (Op.CallLocal as number)) {
      offset = frameOf[entries[fn]]; // the caller's frame: how far r10 moves down
      imm = pc + 1 + i.imm;
    }
    code[2 * pc] = op | (i.dst << DST_SHIFT) | (i.src << SRC_SHIFT) | (offset << OFFSET_SHIFT);
    code[2 * pc + 1] = imm;
    if (isLddw(i.opcode)) {
      pc++;
      decodeLddwTail(code, pc, i, raw[pc].imm);
    }
  }
  return { code, count, frameOf, entry: tableEntries[0] ?? 0 };
}

/**
 * The 64-bit constant of an LDDW: imm | next.imm << 32 (RFC 9669 §5.4). Femto-Container's
 * 0xB8/0xD8 add the address of data/rodata (RIOT jumptable.c, LDDWD/LDDWR); here that is
 * the region's fixed base, added once, so all three run as one plain Lddw.
 */
function decodeLddwTail(code: Int32Array, tail: number, head: RawInstruction, high: number): void {
  const base =
    head.opcode === OPCODE.lddwData
      ? REGION.data
      : head.opcode === OPCODE.lddwRodata
        ? REGION.rodata
        : 0;
  const value = (BigInt(high) << 32n) + BigInt(head.imm >>> 0) + BigInt(base);
  code[2 * tail - 1] = Number(BigInt.asIntN(32, value));
  code[2 * tail] = Op.LddwTail;
  code[2 * tail + 1] = Number(BigInt.asIntN(32, value >> 32n));
}
