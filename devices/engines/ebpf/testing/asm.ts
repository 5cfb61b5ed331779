/**
 * A tiny eBPF assembler for tests (RFC 9669 encodings). Each function returns one
 * instruction (LDDW forms return two slots); `assemble` turns a list into text bytes and
 * `rbf` wraps text (+ data, rodata, functions) into an image. Operands in assembly order:
 * `alu64('add', 1, 5)` is `r1 += 5`, `alu64('add', 1, reg(2))` is `r1 += r2`.
 */
import { buildRbf } from '../../../../src/protocol/images/rbf/format';

export interface Insn {
  opcode: number;
  dst: number;
  src: number;
  offset: number;
  imm: number;
}

/** A register operand (the X source); a plain number is an immediate (K source). */
export interface Reg {
  readonly reg: number;
}
export const reg = (n: number): Reg => ({ reg: n });
export type Operand = number | Reg;

export const ALU_OPS = {
  add: 0x00,
  sub: 0x10,
  mul: 0x20,
  div: 0x30,
  or: 0x40,
  and: 0x50,
  lsh: 0x60,
  rsh: 0x70,
  neg: 0x80,
  mod: 0x90,
  xor: 0xa0,
  mov: 0xb0,
  arsh: 0xc0,
} as const;
export type AluName = keyof typeof ALU_OPS;

export const JMP_OPS = {
  jeq: 0x10,
  jgt: 0x20,
  jge: 0x30,
  jset: 0x40,
  jne: 0x50,
  jsgt: 0x60,
  jsge: 0x70,
  jlt: 0xa0,
  jle: 0xb0,
  jslt: 0xc0,
  jsle: 0xd0,
} as const;
export type JmpName = keyof typeof JMP_OPS;

const SIZES = { w: 0x00, h: 0x08, b: 0x10, dw: 0x18 } as const;
export type Size = keyof typeof SIZES;

export const insn = (opcode: number, dst = 0, src = 0, offset = 0, imm = 0): Insn => ({
  opcode,
  dst,
  src,
  offset,
  imm,
});

const operand = (x: Operand) =>
  typeof x === 'number' ? { source: 0x00, src: 0, imm: x } : { source: 0x08, src: x.reg, imm: 0 };

export function alu(width: 32 | 64, op: AluName, dst: number, x: Operand = 0): Insn {
  const { source, src, imm } = operand(x);
  return insn(ALU_OPS[op] | source | (width === 64 ? 0x07 : 0x04), dst, src, 0, imm);
}
export const alu64 = (op: AluName, dst: number, x: Operand = 0) => alu(64, op, dst, x);
export const alu32 = (op: AluName, dst: number, x: Operand = 0) => alu(32, op, dst, x);
export const mov64 = (dst: number, x: Operand) => alu64('mov', dst, x);

export function jmp(width: 32 | 64, op: JmpName, dst: number, x: Operand, offset: number): Insn {
  const { source, src, imm } = operand(x);
  return insn(JMP_OPS[op] | source | (width === 64 ? 0x05 : 0x06), dst, src, offset, imm);
}
export const ja = (offset: number) => insn(0x05, 0, 0, offset);
export const exit = () => insn(0x95);
export const call = (helper: number) => insn(0x85, 0, 0, 0, helper);
/** bpf-to-bpf call, pc-relative: target = this + 1 + offset. */
export const callLocal = (offset: number) => insn(0x85, 0, 1, 0, offset);
/** `to le` (0xd4) / `to be` (0xdc) with width 16, 32 or 64. */
export const endian = (big: boolean, dst: number, width: 16 | 32 | 64) =>
  insn(big ? 0xdc : 0xd4, dst, 0, 0, width);

export const ldx = (size: Size, dst: number, src: number, offset: number) =>
  insn(0x61 | SIZES[size], dst, src, offset);

// ISA v4 (RFC 9669 §4.1, §4.2, §4.3, §5.2).
/** sdiv/smod: DIV/MOD with offset 1, `x` an immediate or reg(n). */
export function signed(width: 32 | 64, op: 'sdiv' | 'smod', dst: number, x: Operand): Insn {
  const i = alu(width, op === 'sdiv' ? 'div' : 'mod', dst, x);
  return { ...i, offset: 1 };
}
/** movsx: dst = (s8/s16/s32) src; ALU (width 32) sign-extends into 32 bits. */
export const movsx = (width: 32 | 64, dst: number, src: number, bits: 8 | 16 | 32) =>
  insn(width === 64 ? 0xbf : 0xbc, dst, src, bits);
/** Sign-extending load (MEMSX) of a byte, half or word. */
export const ldxs = (size: Exclude<Size, 'dw'>, dst: number, src: number, offset: number) =>
  insn(0x81 | SIZES[size], dst, src, offset);
/** bswap16/32/64: ALU64 END, an unconditional byte swap. */
export const bswap = (dst: number, width: 16 | 32 | 64) => insn(0xd7, dst, 0, 0, width);
/** gotol: JMP32 JA, pc-relative by a 32-bit imm. */
export const gotol = (imm: number) => insn(0x06, 0, 0, 0, imm);
export const st = (size: Size, dst: number, offset: number, imm: number) =>
  insn(0x62 | SIZES[size], dst, 0, offset, imm);
export const stx = (size: Size, dst: number, offset: number, src: number) =>
  insn(0x63 | SIZES[size], dst, src, offset);

function wide(opcode: number, dst: number, value: bigint): Insn[] {
  const v = BigInt.asUintN(64, value);
  return [
    insn(opcode, dst, 0, 0, Number(BigInt.asIntN(32, v))),
    insn(0, 0, 0, 0, Number(BigInt.asIntN(32, v >> 32n))),
  ];
}
export const lddw = (dst: number, value: bigint) => wide(0x18, dst, value);
/** Femto-Container: dst = address of data + offset. */
export const lddwData = (dst: number, offset: number) => wide(0xb8, dst, BigInt(offset));
/** Femto-Container: dst = address of rodata + offset. */
export const lddwRodata = (dst: number, offset: number) => wide(0xd8, dst, BigInt(offset));

export type Line = Insn | Insn[];

export function assemble(lines: readonly Line[]): Uint8Array {
  const list = lines.flat();
  const bytes = new Uint8Array(list.length * 8);
  const view = new DataView(bytes.buffer);
  list.forEach((i, k) => {
    view.setUint8(k * 8, i.opcode);
    view.setUint8(k * 8 + 1, (i.src << 4) | (i.dst & 0x0f));
    view.setInt16(k * 8 + 2, i.offset, true);
    view.setInt32(k * 8 + 4, i.imm, true);
  });
  return bytes;
}

/** An .rbf image of `text`; functions: instruction indexes (named f0, f1, ... in rodata). */
export function rbf(
  text: readonly Line[],
  options: { data?: Uint8Array; rodata?: Uint8Array; functions?: number[] } = {},
): Uint8Array {
  const rodata = [...(options.rodata ?? [])];
  const functions = (options.functions ?? []).map((index, k) => {
    const nameOffset = rodata.length;
    rodata.push(...new TextEncoder().encode(`f${k}\0`));
    return { nameOffset, location: index * 8 };
  });
  return buildRbf({
    data: options.data,
    rodata: new Uint8Array(rodata),
    text: assemble(text),
    functions,
  });
}
