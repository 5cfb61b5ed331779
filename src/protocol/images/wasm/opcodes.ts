import { ValType } from './types';

/** MVP opcodes with immediates or special typing (WebAssembly Core Spec §5.4). */
export const Opcode = {
  Unreachable: 0x00,
  Nop: 0x01,
  Block: 0x02,
  Loop: 0x03,
  If: 0x04,
  Else: 0x05,
  End: 0x0b,
  Br: 0x0c,
  BrIf: 0x0d,
  BrTable: 0x0e,
  Return: 0x0f,
  Call: 0x10,
  CallIndirect: 0x11,
  Drop: 0x1a,
  Select: 0x1b,
  LocalGet: 0x20,
  LocalSet: 0x21,
  LocalTee: 0x22,
  GlobalGet: 0x23,
  GlobalSet: 0x24,
  I32Load: 0x28,
  I64Store32: 0x3e,
  MemorySize: 0x3f,
  MemoryGrow: 0x40,
  I32Const: 0x41,
  I64Const: 0x42,
  F32Const: 0x43,
  F64Const: 0x44,
  /** First and last of the immediate-free numeric instructions (§5.4.7). */
  NumericFirst: 0x45,
  NumericLast: 0xbf,
} as const;

/** Block type byte of a block without result (§5.4.1). */
export const BLOCK_TYPE_EMPTY = 0x40;

export interface NumericSignature {
  name: string;
  params: readonly ValType[];
  result: ValType;
}

export interface MemorySignature {
  name: string;
  type: ValType;
  /** log2 of the access width: the largest valid alignment exponent (§3.3.5). */
  naturalAlign: number;
  bytes: number;
  store: boolean;
}

const TYPE_LETTERS: Record<string, ValType> = {
  i: ValType.I32,
  l: ValType.I64,
  f: ValType.F32,
  d: ValType.F64,
};

/** `first` … consecutive opcodes sharing a signature `params:result` in type letters. */
const NUMERIC_GROUPS: ReadonlyArray<[number, string, string]> = [
  [0x45, 'i:i', 'i32.eqz'],
  [
    0x46,
    'ii:i',
    'i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u',
  ],
  [0x50, 'l:i', 'i64.eqz'],
  [
    0x51,
    'll:i',
    'i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u',
  ],
  [0x5b, 'ff:i', 'f32.eq f32.ne f32.lt f32.gt f32.le f32.ge'],
  [0x61, 'dd:i', 'f64.eq f64.ne f64.lt f64.gt f64.le f64.ge'],
  [0x67, 'i:i', 'i32.clz i32.ctz i32.popcnt'],
  [
    0x6a,
    'ii:i',
    'i32.add i32.sub i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr',
  ],
  [0x79, 'l:l', 'i64.clz i64.ctz i64.popcnt'],
  [
    0x7c,
    'll:l',
    'i64.add i64.sub i64.mul i64.div_s i64.div_u i64.rem_s i64.rem_u i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr',
  ],
  [0x8b, 'f:f', 'f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt'],
  [0x92, 'ff:f', 'f32.add f32.sub f32.mul f32.div f32.min f32.max f32.copysign'],
  [0x99, 'd:d', 'f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt'],
  [0xa0, 'dd:d', 'f64.add f64.sub f64.mul f64.div f64.min f64.max f64.copysign'],
  [0xa7, 'l:i', 'i32.wrap_i64'],
  [0xa8, 'f:i', 'i32.trunc_f32_s i32.trunc_f32_u'],
  [0xaa, 'd:i', 'i32.trunc_f64_s i32.trunc_f64_u'],
  [0xac, 'i:l', 'i64.extend_i32_s i64.extend_i32_u'],
  [0xae, 'f:l', 'i64.trunc_f32_s i64.trunc_f32_u'],
  [0xb0, 'd:l', 'i64.trunc_f64_s i64.trunc_f64_u'],
  [0xb2, 'i:f', 'f32.convert_i32_s f32.convert_i32_u'],
  [0xb4, 'l:f', 'f32.convert_i64_s f32.convert_i64_u'],
  [0xb6, 'd:f', 'f32.demote_f64'],
  [0xb7, 'i:d', 'f64.convert_i32_s f64.convert_i32_u'],
  [0xb9, 'l:d', 'f64.convert_i64_s f64.convert_i64_u'],
  [0xbb, 'f:d', 'f64.promote_f32'],
  [0xbc, 'f:i', 'i32.reinterpret_f32'],
  [0xbd, 'd:l', 'i64.reinterpret_f64'],
  [0xbe, 'i:f', 'f32.reinterpret_i32'],
  [0xbf, 'l:d', 'f64.reinterpret_i64'],
];

/** Signature of each immediate-free numeric opcode, indexed by opcode. */
export const NUMERIC: ReadonlyArray<NumericSignature | undefined> = buildNumeric();

function buildNumeric(): Array<NumericSignature | undefined> {
  const table: Array<NumericSignature | undefined> = [];
  for (const [first, signature, names] of NUMERIC_GROUPS) {
    const [params, result] = signature.split(':');
    names.split(' ').forEach((name, i) => {
      table[first + i] = {
        name,
        params: [...params].map((letter) => TYPE_LETTERS[letter]),
        result: TYPE_LETTERS[result],
      };
    });
  }
  return table;
}

const MEMORY_OPS: ReadonlyArray<[string, string, number]> = [
  ['i32.load', 'i', 2],
  ['i64.load', 'l', 3],
  ['f32.load', 'f', 2],
  ['f64.load', 'd', 3],
  ['i32.load8_s', 'i', 0],
  ['i32.load8_u', 'i', 0],
  ['i32.load16_s', 'i', 1],
  ['i32.load16_u', 'i', 1],
  ['i64.load8_s', 'l', 0],
  ['i64.load8_u', 'l', 0],
  ['i64.load16_s', 'l', 1],
  ['i64.load16_u', 'l', 1],
  ['i64.load32_s', 'l', 2],
  ['i64.load32_u', 'l', 2],
  ['i32.store', 'i', 2],
  ['i64.store', 'l', 3],
  ['f32.store', 'f', 2],
  ['f64.store', 'd', 3],
  ['i32.store8', 'i', 0],
  ['i32.store16', 'i', 1],
  ['i64.store8', 'l', 0],
  ['i64.store16', 'l', 1],
  ['i64.store32', 'l', 2],
];

/** Loads and stores 0x28..0x3e, indexed by opcode - 0x28. */
export const MEMORY: readonly MemorySignature[] = MEMORY_OPS.map(([name, letter, align]) => ({
  name,
  type: TYPE_LETTERS[letter],
  naturalAlign: align,
  bytes: 1 << align,
  store: name.includes('store'),
}));

const CONTROL_NAMES: Readonly<Record<number, string>> = {
  0x00: 'unreachable',
  0x01: 'nop',
  0x02: 'block',
  0x03: 'loop',
  0x04: 'if',
  0x05: 'else',
  0x0b: 'end',
  0x0c: 'br',
  0x0d: 'br_if',
  0x0e: 'br_table',
  0x0f: 'return',
  0x10: 'call',
  0x11: 'call_indirect',
  0x1a: 'drop',
  0x1b: 'select',
  0x20: 'local.get',
  0x21: 'local.set',
  0x22: 'local.tee',
  0x23: 'global.get',
  0x24: 'global.set',
  0x3f: 'memory.size',
  0x40: 'memory.grow',
  0x41: 'i32.const',
  0x42: 'i64.const',
  0x43: 'f32.const',
  0x44: 'f64.const',
};

/** The instruction's text-format name, or its hex byte when it is not an MVP opcode. */
export function opcodeName(opcode: number): string {
  if (opcode >= Opcode.I32Load && opcode <= Opcode.I64Store32) {
    return MEMORY[opcode - Opcode.I32Load].name;
  }
  return CONTROL_NAMES[opcode] ?? NUMERIC[opcode]?.name ?? `0x${opcode.toString(16)}`;
}

/** Opcodes of post-MVP proposals, named in `unsupported_feature` errors. */
export function proposalOf(opcode: number): string | null {
  if (opcode >= 0xc0 && opcode <= 0xc4) return 'sign-extension operators';
  if (opcode === 0xfc) return 'saturating conversions / bulk memory (0xFC prefix)';
  if (opcode === 0xfd) return 'SIMD (0xFD prefix)';
  if (opcode === 0xfe) return 'threads (0xFE prefix)';
  if (opcode === 0x1c || (opcode >= 0x25 && opcode <= 0x26) || (opcode >= 0xd0 && opcode <= 0xd2))
    return 'reference types';
  if (opcode >= 0x06 && opcode <= 0x0a) return 'exception handling';
  if (opcode === 0x12 || opcode === 0x13) return 'tail calls';
  return null;
}
