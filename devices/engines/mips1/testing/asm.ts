/**
 * A tiny MIPS-I encoder for tests: each function returns one instruction word, operands
 * in assembly order (`lw rt, offset(base)` is `asm.lw(rt, offset, base)`). Branch offsets
 * are in instructions relative to the delay slot, as the hardware field is.
 */

/** o32 register numbers by name. */
export const R = {
  zero: 0,
  at: 1,
  v0: 2,
  v1: 3,
  a0: 4,
  a1: 5,
  a2: 6,
  a3: 7,
  t0: 8,
  t1: 9,
  t2: 10,
  t3: 11,
  t4: 12,
  t5: 13,
  t6: 14,
  t7: 15,
  s0: 16,
  s1: 17,
  s2: 18,
  s3: 19,
  s4: 20,
  s5: 21,
  s6: 22,
  s7: 23,
  t8: 24,
  t9: 25,
  k0: 26,
  k1: 27,
  gp: 28,
  sp: 29,
  fp: 30,
  ra: 31,
} as const;

/** The three raw formats: R (register), I (immediate), J (jump). */
export function rType(funct: number, rs: number, rt: number, rd: number, sa = 0): number {
  return ((rs << 21) | (rt << 16) | (rd << 11) | (sa << 6) | funct) >>> 0;
}

export function iType(opcode: number, rs: number, rt: number, imm: number): number {
  return ((opcode << 26) | (rs << 21) | (rt << 16) | (imm & 0xffff)) >>> 0;
}

export function jType(opcode: number, target: number): number {
  return ((opcode << 26) | ((target >>> 2) & 0x3ffffff)) >>> 0;
}

const alu3 = (funct: number) => (rd: number, rs: number, rt: number) => rType(funct, rs, rt, rd);
const shift = (funct: number) => (rd: number, rt: number, sa: number) =>
  rType(funct, 0, rt, rd, sa);
const shiftv = (funct: number) => (rd: number, rt: number, rs: number) => rType(funct, rs, rt, rd);
const hilo = (funct: number) => (rs: number, rt: number) => rType(funct, rs, rt, 0);
const imm = (opcode: number) => (rt: number, rs: number, value: number) =>
  iType(opcode, rs, rt, value);
const mem = (opcode: number) => (rt: number, offset: number, base: number) =>
  iType(opcode, base, rt, offset);
const branch2 = (opcode: number) => (rs: number, rt: number, offset: number) =>
  iType(opcode, rs, rt, offset);
const branch1 = (opcode: number) => (rs: number, offset: number) => iType(opcode, rs, 0, offset);
const regimm = (rt: number) => (rs: number, offset: number) => iType(1, rs, rt, offset);

export const asm = {
  nop: () => 0,
  sll: shift(0),
  srl: shift(2),
  sra: shift(3),
  sllv: shiftv(4),
  srlv: shiftv(6),
  srav: shiftv(7),
  jr: (rs: number) => rType(8, rs, 0, 0),
  jalr: (rd: number, rs: number) => rType(9, rs, 0, rd),
  syscall: (code = 0) => ((code << 6) | 12) >>> 0,
  break: (code = 0) => ((code << 6) | 13) >>> 0,
  mfhi: (rd: number) => rType(16, 0, 0, rd),
  mthi: (rs: number) => rType(17, rs, 0, 0),
  mflo: (rd: number) => rType(18, 0, 0, rd),
  mtlo: (rs: number) => rType(19, rs, 0, 0),
  mult: hilo(24),
  multu: hilo(25),
  div: hilo(26),
  divu: hilo(27),
  add: alu3(32),
  addu: alu3(33),
  sub: alu3(34),
  subu: alu3(35),
  and: alu3(36),
  or: alu3(37),
  xor: alu3(38),
  nor: alu3(39),
  slt: alu3(42),
  sltu: alu3(43),
  bltz: regimm(0),
  bgez: regimm(1),
  bltzal: regimm(16),
  bgezal: regimm(17),
  j: (target: number) => jType(2, target),
  jal: (target: number) => jType(3, target),
  beq: branch2(4),
  bne: branch2(5),
  blez: branch1(6),
  bgtz: branch1(7),
  addi: imm(8),
  addiu: imm(9),
  slti: imm(10),
  sltiu: imm(11),
  andi: imm(12),
  ori: imm(13),
  xori: imm(14),
  lui: (rt: number, value: number) => iType(15, 0, rt, value),
  lb: mem(32),
  lh: mem(33),
  lwl: mem(34),
  lw: mem(35),
  lbu: mem(36),
  lhu: mem(37),
  lwr: mem(38),
  sb: mem(40),
  sh: mem(41),
  swl: mem(42),
  sw: mem(43),
  swr: mem(46),
};

/** `li rt, value` as lui + ori (always two words, so offsets stay easy to count). */
export function li(rt: number, value: number): [number, number] {
  return [asm.lui(rt, value >>> 16), asm.ori(rt, rt, value & 0xffff)];
}

/** Instruction words to little-endian text bytes. */
export function assemble(words: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((word, i) => view.setUint32(i * 4, word >>> 0, true));
  return bytes;
}
