/**
 * eBPF instruction encoding (RFC 9669, "BPF Instruction Set Architecture"), plus the two
 * Femto-Container LDDW forms. One instruction is 8 bytes, little-endian:
 *   byte 0 opcode, byte 1 dst (low nibble) | src (high nibble), bytes 2-3 signed offset,
 *   bytes 4-7 signed immediate. LDDW takes two slots; the second has opcode 0 and carries
 *   the immediate's upper 32 bits (RFC 9669 §5.4).
 */
export const INSTRUCTION_BYTES = 8;
export const REGISTER_COUNT = 11;
/** r10: the read-only frame pointer (RFC 9669 §2.1). */
export const FRAME_POINTER = 10;

/** Instruction classes, opcode & 0x07 (RFC 9669 §3.3). */
export const Cls = {
  Ld: 0x00,
  Ldx: 0x01,
  St: 0x02,
  Stx: 0x03,
  Alu: 0x04,
  Jmp: 0x05,
  Jmp32: 0x06,
  Alu64: 0x07,
} as const;

/** Arithmetic operations, opcode & 0xf0 (RFC 9669 §4.1). */
export const AluOp = {
  Add: 0x00,
  Sub: 0x10,
  Mul: 0x20,
  Div: 0x30,
  Or: 0x40,
  And: 0x50,
  Lsh: 0x60,
  Rsh: 0x70,
  Neg: 0x80,
  Mod: 0x90,
  Xor: 0xa0,
  Mov: 0xb0,
  Arsh: 0xc0,
  End: 0xd0,
} as const;

/** Jump operations, opcode & 0xf0 (RFC 9669 §4.3). */
export const JmpOp = {
  Ja: 0x00,
  Jeq: 0x10,
  Jgt: 0x20,
  Jge: 0x30,
  Jset: 0x40,
  Jne: 0x50,
  Jsgt: 0x60,
  Jsge: 0x70,
  Call: 0x80,
  Exit: 0x90,
  Jlt: 0xa0,
  Jle: 0xb0,
  Jslt: 0xc0,
  Jsle: 0xd0,
} as const;

/** Source bit, opcode & 0x08: K = use the immediate, X = use src (RFC 9669 §3.3). */
export const SOURCE_X = 0x08;

/** The opcodes with a fixed meaning. */
export const OPCODE = {
  lddw: 0x18,
  /** Femto-Container: dst = address of data + imm64 (RIOT bpf/instruction.h, LDDWD). */
  lddwData: 0xb8,
  /** Femto-Container: dst = address of rodata + imm64 (LDDWR). */
  lddwRodata: 0xd8,
  call: 0x85,
  exit: 0x95,
  ja: 0x05,
  /** ISA v4: JMP32 | JA, `gotol`: pc += imm, a 32-bit offset (RFC 9669 §4.3). */
  gotol: 0x06,
} as const;

/** ISA v4 (RFC 9669 §4.1): the offset field that turns DIV/MOD into SDIV/SMOD. */
export const OFFSET_SIGNED = 1;

/** call's src field: 0 a helper by id, 1 a bpf-to-bpf call pc-relative (RFC 9669 §4.3.1). */
export const CALL_HELPER = 0;
export const CALL_LOCAL = 1;

/** Memory access sizes, opcode & 0x18, in bytes (RFC 9669 §5.1). */
export const ACCESS_BYTES: Readonly<Record<number, 1 | 2 | 4 | 8>> = {
  0x00: 4,
  0x08: 2,
  0x10: 1,
  0x18: 8,
};
/** Mode MEM, opcode & 0xe0: plain loads and stores (RFC 9669 §5.1). */
export const MODE_MEM = 0x60;
/** Mode MEMSX, opcode & 0xe0: ISA v4 sign-extending loads of 1, 2 or 4 bytes (LDX only, §5.2). */
export const MODE_MEMSX = 0x80;
/** opcode & 0x18 of a doubleword access: MEMSX has none (a 64-bit value needs no extension). */
export const SIZE_DW = 0x18;

export interface RawInstruction {
  opcode: number;
  dst: number;
  src: number;
  offset: number;
  imm: number;
}

export function readInstruction(view: DataView, index: number): RawInstruction {
  const at = index * INSTRUCTION_BYTES;
  const regs = view.getUint8(at + 1);
  return {
    opcode: view.getUint8(at),
    dst: regs & 0x0f,
    src: regs >> 4,
    offset: view.getInt16(at + 2, true),
    imm: view.getInt32(at + 4, true),
  };
}

export const isLddw = (opcode: number) =>
  opcode === OPCODE.lddw || opcode === OPCODE.lddwData || opcode === OPCODE.lddwRodata;

const ALU_OPS = new Set<number>([
  AluOp.Add,
  AluOp.Sub,
  AluOp.Mul,
  AluOp.Div,
  AluOp.Or,
  AluOp.And,
  AluOp.Lsh,
  AluOp.Rsh,
  AluOp.Mod,
  AluOp.Xor,
  AluOp.Mov,
  AluOp.Arsh,
]);
const CONDITIONAL_JUMPS = new Set<number>([
  JmpOp.Jeq,
  JmpOp.Jgt,
  JmpOp.Jge,
  JmpOp.Jset,
  JmpOp.Jne,
  JmpOp.Jsgt,
  JmpOp.Jsge,
  JmpOp.Jlt,
  JmpOp.Jle,
  JmpOp.Jslt,
  JmpOp.Jsle,
]);

/**
 * Whether this runtime executes the instruction: RFC 9669's base32, base64, divmul32,
 * divmul64 groups with ALU32/JMP32 and the ISA v4 additions (clang -mcpu=v1..v4: SDIV/SMOD
 * = DIV/MOD with offset 1, MOVSX = MOV X with offset 8/16/32, MEMSX loads, BSWAP = ALU64
 * END, gotol = JMP32 JA), plus 0xB8/0xD8. Not: atomics, legacy packet access (ABS/IND),
 * kfunc calls (call src 2).
 */
export function isKnownInstruction(i: RawInstruction): boolean {
  const cls = i.opcode & 0x07;
  const op = i.opcode & 0xf0;
  switch (cls) {
    case Cls.Alu:
    case Cls.Alu64:
      return isKnownAlu(i, cls, op);
    case Cls.Jmp:
      if (i.opcode === OPCODE.ja) return true;
      if (i.opcode === OPCODE.exit) return true;
      if (i.opcode === OPCODE.call) return i.src === CALL_HELPER || i.src === CALL_LOCAL;
      return CONDITIONAL_JUMPS.has(op);
    case Cls.Jmp32:
      return i.opcode === OPCODE.gotol || CONDITIONAL_JUMPS.has(op);
    case Cls.Ldx:
      return (
        (i.opcode & 0xe0) === MODE_MEM ||
        ((i.opcode & 0xe0) === MODE_MEMSX && (i.opcode & SIZE_DW) !== SIZE_DW)
      );
    case Cls.St:
    case Cls.Stx:
      return (i.opcode & 0xe0) === MODE_MEM;
    case Cls.Ld:
      return isLddw(i.opcode);
    default:
      return false;
  }
}

function isKnownAlu(i: RawInstruction, cls: number, op: number): boolean {
  const x = (i.opcode & SOURCE_X) !== 0;
  switch (op) {
    case AluOp.Neg:
      return !x;
    case AluOp.End: // ALU: to le/be (src bit = which); ALU64: v4 bswap, src bit 0 only
      return (cls === Cls.Alu || !x) && [16, 32, 64].includes(i.imm);
    case AluOp.Div:
    case AluOp.Mod:
      return i.offset === 0 || i.offset === OFFSET_SIGNED;
    case AluOp.Mov:
      if (i.offset === 0) return true;
      return x && (i.offset === 8 || i.offset === 16 || (cls === Cls.Alu64 && i.offset === 32));
    default:
      return ALU_OPS.has(op) && i.offset === 0;
  }
}

/** DIV, MOD, SDIV or SMOD by an immediate 0: refused up front, as rbpf's verifier does. */
export function dividesByZeroImmediate(i: RawInstruction): boolean {
  const cls = i.opcode & 0x07;
  const op = i.opcode & 0xf0;
  return (
    (cls === Cls.Alu || cls === Cls.Alu64) &&
    (op === AluOp.Div || op === AluOp.Mod) &&
    (i.opcode & SOURCE_X) === 0 &&
    i.imm === 0
  );
}

/** gotol (JMP32 | JA) takes its offset from imm, 32 bits; every other jump from offset. */
export function jumpOffset(i: RawInstruction): number {
  return i.opcode === OPCODE.gotol ? i.imm : i.offset;
}

/** Jumps with a pc-relative offset: conditional jumps, ja and gotol (not call or exit). */
export function isJump(opcode: number): boolean {
  const cls = opcode & 0x07;
  return (cls === Cls.Jmp || cls === Cls.Jmp32) && opcode !== OPCODE.call && opcode !== OPCODE.exit;
}

/** Instructions that write dst: ALU, loads, LDDW. */
export function writesDst(opcode: number): boolean {
  const cls = opcode & 0x07;
  return cls === Cls.Alu || cls === Cls.Alu64 || cls === Cls.Ldx || cls === Cls.Ld;
}
