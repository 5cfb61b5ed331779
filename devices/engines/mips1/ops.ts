/**
 * The engine's pre-decoded operations. Each MIPS-I instruction decodes once, at load, to
 * one of these small integers plus operand fields (see decode.ts); the interpreter
 * dispatches on them in one flat switch. A `const enum`, so the compiler inlines the
 * numbers into the switch's case labels.
 */
export const enum Op {
  // Faults when executed (decoding never fails: text also holds read-only data).
  Illegal = 0, // reserved or coprocessor encoding
  BranchInDelaySlot, // jump or branch right after another one
  // SPECIAL (opcode 0), by funct.
  Sll,
  Srl,
  Sra,
  Sllv,
  Srlv,
  Srav,
  Jr,
  Jalr,
  Syscall,
  Break,
  Mfhi,
  Mthi,
  Mflo,
  Mtlo,
  Mult,
  Multu,
  Div,
  Divu,
  Add,
  Addu,
  Sub,
  Subu,
  And,
  Or,
  Xor,
  Nor,
  Slt,
  Sltu,
  // REGIMM (opcode 1), by rt.
  Bltz,
  Bgez,
  Bltzal,
  Bgezal,
  // Primary opcodes.
  J,
  Jal,
  Beq,
  Bne,
  Blez,
  Bgtz,
  Addi,
  Addiu,
  Slti,
  Sltiu,
  Andi,
  Ori,
  Xori,
  Lb,
  Lh,
  Lwl,
  Lw,
  Lbu,
  Lhu,
  Lwr,
  Sb,
  Sh,
  Swl,
  Sw,
  Swr,
  // Specialisations chosen by the decoder.
  Nop, // any side-effect-free instruction whose only effect is a write to r0
  Move, // addu/or rd, rs, $zero
  Li, // addiu/ori rt, $zero, imm (imm already extended)
  // Writes to $sp by addiu/addu/subu/move: checked against the image's stack region, so
  // running out of stack is stack_exhausted instead of a walk through heap and data.
  AddiuSp,
  AdduSp,
  SubuSp,
  MoveSp,
}

/**
 * Layout of one decoded instruction: two Int32Array slots.
 *   slot 0: op | a << 8 | b << 14 | c << 20   (a, b, c: register numbers 0..32)
 *   slot 1: immediate, shift amount, or branch/jump target as a byte offset into text
 * Register 32 is a scratch register that absorbs writes to r0 which must still happen
 * for their side effects (a load that may fault, an add that may trap), so r0 stays 0
 * without a check in the loop.
 */
export const DISCARD_REGISTER = 32;
export const REGISTER_FILE_SIZE = 33;
export const FIELD_A_SHIFT = 8;
export const FIELD_B_SHIFT = 14;
export const FIELD_C_SHIFT = 20;
