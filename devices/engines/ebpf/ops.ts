/**
 * The engine's pre-decoded operations: one small integer per (class, operation, source)
 * combination, so the interpreter's switch needs no further decoding. A `const enum`, so
 * the numbers are inlined into the case labels.
 *
 * Layout of one decoded instruction: two Int32Array slots per eBPF slot (an LDDW keeps
 * its two slots, the second one Op.LddwTail).
 *   slot 0: op | dst << 8 | src << 12 | offset << 16  (offset: signed 16 bits)
 *   slot 1: immediate (sign-extended to 64 bits where the ISA says so, at run time);
 *           for LDDW the low word, the tail's slot 1 the high word (0xB8/0xD8 already
 *           rebased to absolute addresses); for a bpf-to-bpf call the absolute target.
 * A bpf-to-bpf call's offset field holds the calling function's frame size instead.
 */
export const enum Op {
  // ALU64, immediate operand (RFC 9669 §4.1).
  Add64K,
  Sub64K,
  Mul64K,
  Div64K,
  Or64K,
  And64K,
  Lsh64K,
  Rsh64K,
  Neg64,
  Mod64K,
  Xor64K,
  Mov64K,
  Arsh64K,
  // ALU64, register operand.
  Add64X,
  Sub64X,
  Mul64X,
  Div64X,
  Or64X,
  And64X,
  Lsh64X,
  Rsh64X,
  Mod64X,
  Xor64X,
  Mov64X,
  Arsh64X,
  // ALU (32-bit, result zero-extended), immediate operand.
  Add32K,
  Sub32K,
  Mul32K,
  Div32K,
  Or32K,
  And32K,
  Lsh32K,
  Rsh32K,
  Neg32,
  Mod32K,
  Xor32K,
  Mov32K,
  Arsh32K,
  // ALU, register operand.
  Add32X,
  Sub32X,
  Mul32X,
  Div32X,
  Or32X,
  And32X,
  Lsh32X,
  Rsh32X,
  Mod32X,
  Xor32X,
  Mov32X,
  Arsh32X,
  // Byte swaps (RFC 9669 §4.2), on a little-endian machine.
  Le16,
  Le32,
  Le64,
  Be16,
  Be32,
  Be64,
  // ISA v4 (RFC 9669 §4.1): signed division and modulo (DIV/MOD with offset 1), K and X.
  Sdiv64K,
  Sdiv64X,
  Smod64K,
  Smod64X,
  Sdiv32K,
  Sdiv32X,
  Smod32K,
  Smod32X,
  // ISA v4 MOVSX: dst = src's low 8/16/32 bits sign-extended (ALU: to 32 bits, then zero).
  Movsx64B,
  Movsx64H,
  Movsx64W,
  Movsx32B,
  Movsx32H,
  // JMP (64-bit compares), immediate operand (RFC 9669 §4.3).
  Ja,
  Gotol, // ISA v4 JMP32 | JA: pc += imm (32-bit offset)
  Jeq64K,
  Jgt64K,
  Jge64K,
  Jset64K,
  Jne64K,
  Jsgt64K,
  Jsge64K,
  Jlt64K,
  Jle64K,
  Jslt64K,
  Jsle64K,
  // JMP, register operand.
  Jeq64X,
  Jgt64X,
  Jge64X,
  Jset64X,
  Jne64X,
  Jsgt64X,
  Jsge64X,
  Jlt64X,
  Jle64X,
  Jslt64X,
  Jsle64X,
  // JMP32 (compares of the low 32 bits), immediate operand.
  Jeq32K,
  Jgt32K,
  Jge32K,
  Jset32K,
  Jne32K,
  Jsgt32K,
  Jsge32K,
  Jlt32K,
  Jle32K,
  Jslt32K,
  Jsle32K,
  // JMP32, register operand.
  Jeq32X,
  Jgt32X,
  Jge32X,
  Jset32X,
  Jne32X,
  Jsgt32X,
  Jsge32X,
  Jlt32X,
  Jle32X,
  Jslt32X,
  Jsle32X,
  // Calls.
  CallHelper,
  CallLocal,
  Exit,
  // Loads and stores (RFC 9669 §5): LDX zero-extends, ST stores the immediate.
  Ldxb,
  Ldxh,
  Ldxw,
  Ldxdw,
  // ISA v4 MEMSX (RFC 9669 §5.2): loads sign-extended into the 64-bit register.
  Ldxsb,
  Ldxsh,
  Ldxsw,
  Stb,
  Sth,
  Stw,
  Stdw,
  Stxb,
  Stxh,
  Stxw,
  Stxdw,
  Lddw,
  LddwTail, // second half of an LDDW: never reached (the verifier forbids jumps into it)
}

export const OFFSET_SHIFT = 16;
export const DST_SHIFT = 8;
export const SRC_SHIFT = 12;
/** Register file: r0..r10 as (lo, hi) Int32 pairs. */
export const REGISTER_SLOTS = 22;
