import { PRIMARY, REGIMM, SPECIAL } from './opcode-tables';
import { DISCARD_REGISTER, FIELD_A_SHIFT, FIELD_B_SHIFT, FIELD_C_SHIFT, Op } from './ops';

/**
 * Pre-decoding of MIPS-I text. Instruction semantics follow "MIPS32 Architecture for
 * Programmers, Vol. II" (MD00086), cited as MIPS32 Vol. II; MIPS I is its user subset. Decoding never fails: text also holds read-only
 * data, so a reserved encoding becomes `Op.Illegal`, which faults only if executed.
 * Fields that the manual shows as zero (e.g. `sa` of `add`) are ignored, as the R3000 does.
 */

/** The decoded program the interpreter runs. Branch and jump targets are byte offsets into text. */
export interface DecodedText {
  /** Two Int32 slots per instruction, see ops.ts. */
  readonly code: Int32Array;
  readonly loadAddress: number;
  readonly textBytes: number;
}

/** Decodes `words` (the text, little-endian) loaded at `loadAddress`. */
export function decodeText(words: Int32Array, loadAddress: number): DecodedText {
  const code = new Int32Array(words.length * 2);
  for (let i = 0; i < words.length; i++) {
    decodeWord(words[i], i * 4, loadAddress, code, i * 2);
  }
  rejectBranchesInDelaySlots(code);
  return { code, loadAddress, textBytes: words.length * 4 };
}

/** The op a decoded slot 0 holds. */
export function opOf(slot0: number): Op {
  return slot0 & 0xff;
}

const rs = (w: number) => (w >>> 21) & 31;
const rt = (w: number) => (w >>> 16) & 31;
const rd = (w: number) => (w >>> 11) & 31;
const shamt = (w: number) => (w >>> 6) & 31;
const signedImm = (w: number) => (w << 16) >> 16;
const unsignedImm = (w: number) => w & 0xffff;

function pack(op: Op, a = 0, b = 0, c = 0): number {
  return op | (a << FIELD_A_SHIFT) | (b << FIELD_B_SHIFT) | (c << FIELD_C_SHIFT);
}

/** A destination that must still be written for its side effects goes to the scratch register. */
function dest(register: number): number {
  return register === 0 ? DISCARD_REGISTER : register;
}

function decodeWord(w: number, offset: number, loadAddress: number, out: Int32Array, at: number) {
  const opcode = w >>> 26;
  const op = (
    opcode === 0 ? SPECIAL[w & 63] : opcode === 1 ? REGIMM[rt(w)] : PRIMARY[opcode]
  ) as Op;
  let slot0 = pack(op);
  let slot1 = 0;
  switch (op) {
    case Op.Sll:
    case Op.Srl:
    case Op.Sra:
      [slot0, slot1] = pure(op, rd(w), rt(w), 0, shamt(w));
      break;
    case Op.Sllv:
    case Op.Srlv:
    case Op.Srav:
      [slot0] = pure(op, rd(w), rt(w), rs(w));
      break;
    case Op.Addu:
    case Op.Or:
      [slot0] = moveOrPure(op, rd(w), rs(w), rt(w));
      slot0 = stackPointerWrite(slot0);
      break;
    case Op.Subu:
      [slot0] = pure(op, rd(w), rs(w), rt(w));
      slot0 = stackPointerWrite(slot0);
      break;
    case Op.And:
    case Op.Xor:
    case Op.Nor:
    case Op.Slt:
    case Op.Sltu:
      [slot0] = pure(op, rd(w), rs(w), rt(w));
      break;
    case Op.Add:
    case Op.Sub:
      slot0 = pack(op, dest(rd(w)), rs(w), rt(w));
      break;
    case Op.Mfhi:
    case Op.Mflo:
      [slot0] = pure(op, rd(w));
      break;
    case Op.Mthi:
    case Op.Mtlo:
    case Op.Jr:
      slot0 = pack(op, 0, rs(w));
      break;
    case Op.Jalr:
      slot0 = pack(op, dest(rd(w)), rs(w));
      break;
    case Op.Mult:
    case Op.Multu:
    case Op.Div:
    case Op.Divu:
      slot0 = pack(op, 0, rs(w), rt(w));
      break;
    case Op.Beq:
    case Op.Bne:
      slot0 = pack(op, 0, rs(w), rt(w));
      slot1 = branchTarget(w, offset);
      break;
    case Op.Syscall:
    case Op.Break:
      slot1 = (w >>> 6) & 0xfffff; // the 20-bit code field
      break;
    case Op.Bltz:
    case Op.Bgez:
    case Op.Bltzal:
    case Op.Bgezal:
    case Op.Blez:
    case Op.Bgtz:
      slot0 = pack(op, 0, rs(w));
      slot1 = branchTarget(w, offset);
      break;
    case Op.J:
    case Op.Jal:
      slot1 = jumpTarget(w, offset, loadAddress);
      break;
    case Op.Addi:
      slot0 = pack(op, dest(rt(w)), rs(w));
      slot1 = signedImm(w);
      break;
    case Op.Addiu:
    case Op.Slti:
    case Op.Sltiu:
      [slot0, slot1] = immediateOrLi(op, rt(w), rs(w), signedImm(w));
      slot0 = stackPointerWrite(slot0);
      break;
    case Op.Andi:
    case Op.Ori:
    case Op.Xori:
      [slot0, slot1] = immediateOrLi(op, rt(w), rs(w), unsignedImm(w));
      break;
    case Op.Li: // lui rt, imm: rt = imm << 16
      [slot0, slot1] = pure(op, rt(w), 0, 0, unsignedImm(w) << 16);
      break;
    case Op.Lb:
    case Op.Lh:
    case Op.Lwl:
    case Op.Lw:
    case Op.Lbu:
    case Op.Lhu:
    case Op.Lwr:
      slot0 = pack(op, dest(rt(w)), rs(w)); // still loads (and may fault) when rt is r0
      slot1 = signedImm(w);
      break;
    case Op.Sb:
    case Op.Sh:
    case Op.Swl:
    case Op.Sw:
    case Op.Swr:
      slot0 = pack(op, rt(w), rs(w));
      slot1 = signedImm(w);
      break;
    case Op.Illegal:
    case Op.BranchInDelaySlot:
    case Op.Nop:
    case Op.Move:
    case Op.AddiuSp:
    case Op.AdduSp:
    case Op.SubuSp:
    case Op.MoveSp:
      break; // Illegal faults if run; the others come only from the specialisations below
  }
  out[at] = slot0;
  out[at + 1] = slot1;
}

/** A side-effect-free instruction: writing r0 makes it a no-op. */
function pure(op: Op, a: number, b = 0, c = 0, imm = 0): [number, number] {
  return a === 0 ? [pack(Op.Nop), 0] : [pack(op, a, b, c), imm];
}

/** `addu`/`or` with one r0 source is a register move (the `move` idiom). */
function moveOrPure(op: Op, d: number, s: number, t: number): [number, number] {
  if (d !== 0 && s === 0) return t === 0 ? [pack(Op.Li, d), 0] : [pack(Op.Move, d, t), 0];
  if (d !== 0 && t === 0) return [pack(Op.Move, d, s), 0];
  return pure(op, d, s, t);
}

const SP = 29;
const CHECKED_SP_WRITES: Partial<Record<Op, Op>> = {
  [Op.Addiu]: Op.AddiuSp,
  [Op.Addu]: Op.AdduSp,
  [Op.Subu]: Op.SubuSp,
  [Op.Move]: Op.MoveSp,
};

/**
 * The frame adjustments (`addiu $sp, $sp, -n`, `addu`/`subu` for alloca, `move $sp, $fp`)
 * become ops that check the new $sp against the stack region (interpreter.ts). Loads into
 * $sp (longjmp) and `lui`/`li` are not checked: they restore or set, they do not grow.
 */
function stackPointerWrite(slot0: number): number {
  const checked = CHECKED_SP_WRITES[opOf(slot0)];
  const a = (slot0 >> FIELD_A_SHIFT) & 63;
  return checked !== undefined && a === SP ? (slot0 & ~0xff) | checked : slot0;
}

/** `addiu`/`ori`/… with an r0 source is a constant load (the `li` idiom). */
function immediateOrLi(op: Op, t: number, s: number, imm: number): [number, number] {
  const isLi = s === 0 && (op === Op.Addiu || op === Op.Ori || op === Op.Xori);
  return isLi ? pure(Op.Li, t, 0, 0, imm) : pure(op, t, s, 0, imm);
}

/** Conditional branches: target = address of the delay slot + (offset << 2). */
function branchTarget(w: number, offset: number): number {
  return (offset + 4 + (signedImm(w) << 2)) | 0;
}

/** j/jal: the 256 MiB region of the delay slot, with the 26-bit index shifted left by 2. */
function jumpTarget(w: number, offset: number, loadAddress: number): number {
  const region = ((loadAddress + offset + 4) & 0xf0000000) >>> 0;
  return (region + (w & 0x3ffffff) * 4 - loadAddress) | 0;
}

/** True for every op that transfers control after a delay slot. */
export function isControlTransfer(op: Op): boolean {
  return (op >= Op.Bltz && op <= Op.Bgtz) || op === Op.Jr || op === Op.Jalr;
}

/**
 * A jump or branch in a delay slot is UNPREDICTABLE (MIPS32 Vol. II, e.g. BEQ
 * "Restrictions"); this engine defines it as illegal_instruction, decided statically:
 * the instruction right after a control transfer is its delay slot. (Code that jumps
 * straight into such a slot would see the fault too; compilers never emit that.)
 */
function rejectBranchesInDelaySlots(code: Int32Array): void {
  for (let at = 2; at < code.length; at += 2) {
    if (isControlTransfer(opOf(code[at])) && isControlTransfer(opOf(code[at - 2]))) {
      code[at] = pack(Op.BranchInDelaySlot);
      code[at + 1] = 0;
    }
  }
}
