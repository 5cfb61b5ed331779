import { F32, F64, I32, I64, op } from './testing/builder';
import { evaluate, f32Bits, f64Bits, MODES } from './testing/harness';

type Case = [string, number, number[], bigint | string];

const i32 = (a: number, b: number, opcode: number) => [...op.i32(a), ...op.i32(b), opcode];
const i64 = (a: bigint, b: bigint, opcode: number) => [...op.i64(a), ...op.i64(b), opcode];
const f32 = (a: number, b: number, opcode: number) => [...op.f32(a), ...op.f32(b), opcode];
const f64 = (a: number, b: number, opcode: number) => [...op.f64(a), ...op.f64(b), opcode];
const MIN32 = -0x80000000;
const MIN64 = -(2n ** 63n);

// WebAssembly Core Spec §4.3.2 integer operations.
const I32_CASES: Case[] = [
  ['add wraps', I32, i32(0x7fffffff, 1, 0x6a), BigInt(MIN32)],
  ['sub', I32, i32(3, 5, 0x6b), -2n],
  ['mul wraps', I32, i32(0x10000, 0x10000, 0x6c), 0n],
  ['div_s truncates', I32, i32(-7, 2, 0x6d), -3n],
  ['div_u', I32, i32(-1, 2, 0x6e), 0x7fffffffn],
  ['rem_s sign of dividend', I32, i32(-7, 2, 0x6f), -1n],
  ['rem_s INT_MIN by -1 is 0', I32, i32(MIN32, -1, 0x6f), 0n],
  ['rem_u', I32, i32(-1, 10, 0x70), 5n],
  ['and', I32, i32(0b1100, 0b1010, 0x71), 0b1000n],
  ['or', I32, i32(0b1100, 0b1010, 0x72), 0b1110n],
  ['xor', I32, i32(0b1100, 0b1010, 0x73), 0b0110n],
  ['shl masks the count', I32, i32(1, 33, 0x74), 2n],
  ['shr_s', I32, i32(-8, 1, 0x75), -4n],
  ['shr_u', I32, i32(-8, 1, 0x76), 0x7ffffffcn],
  ['rotl', I32, i32(0x80000001, 1, 0x77), 3n],
  ['rotr', I32, i32(1, 1, 0x78), BigInt(MIN32)],
  ['clz', I32, [...op.i32(1), 0x67], 31n],
  ['clz 0', I32, [...op.i32(0), 0x67], 32n],
  ['ctz', I32, [...op.i32(8), 0x68], 3n],
  ['popcnt', I32, [...op.i32(-1), 0x69], 32n],
  ['eqz', I32, [...op.i32(0), 0x45], 1n],
  ['lt_s', I32, i32(-1, 0, 0x48), 1n],
  ['lt_u', I32, i32(-1, 0, 0x49), 0n],
  ['ge_u', I32, i32(-1, 0, 0x4f), 1n],
  ['le_s', I32, i32(2, 2, 0x4c), 1n],
  ['gt_s', I32, i32(2, 3, 0x4a), 0n],
  ['div_s by zero traps', I32, i32(1, 0, 0x6d), 'divide_by_zero'],
  ['div_u by zero traps', I32, i32(1, 0, 0x6e), 'divide_by_zero'],
  ['rem_s by zero traps', I32, i32(1, 0, 0x6f), 'divide_by_zero'],
  ['rem_u by zero traps', I32, i32(1, 0, 0x70), 'divide_by_zero'],
  ['div_s INT_MIN / -1 traps', I32, i32(MIN32, -1, 0x6d), 'integer_overflow'],
];

const I64_CASES: Case[] = [
  ['add carries into the high word', I64, i64(0xffffffffn, 1n, 0x7c), 0x100000000n],
  ['add wraps', I64, i64(2n ** 63n - 1n, 1n, 0x7c), MIN64],
  ['sub borrows', I64, i64(0x100000000n, 1n, 0x7d), 0xffffffffn],
  ['mul', I64, i64(0x123456789n, 0x1000n, 0x7e), 0x123456789000n],
  ['div_s', I64, i64(-7n, 2n, 0x7f), -3n],
  ['div_u', I64, i64(-1n, 2n, 0x80), 2n ** 63n - 1n],
  ['rem_s', I64, i64(-7n, 2n, 0x81), -1n],
  ['rem_s MIN by -1 is 0', I64, i64(MIN64, -1n, 0x81), 0n],
  ['rem_u', I64, i64(-1n, 10n, 0x82), 5n],
  ['and', I64, i64(-1n, 0xf0f0f0f0f0n, 0x83), 0xf0f0f0f0f0n],
  ['or', I64, i64(1n << 40n, 1n, 0x84), (1n << 40n) | 1n],
  ['xor', I64, i64(-1n, 1n, 0x85), -2n],
  ['shl across words', I64, i64(1n, 35n, 0x86), 1n << 35n],
  ['shl masks the count', I64, i64(1n, 65n, 0x86), 2n],
  ['shr_s', I64, i64(-(1n << 40n), 36n, 0x87), -16n],
  ['shr_u', I64, i64(-1n, 60n, 0x88), 15n],
  ['rotl', I64, i64(MIN64 + 1n, 1n, 0x89), 3n],
  ['rotr', I64, i64(1n, 1n, 0x8a), MIN64],
  ['clz', I64, [...op.i64(1n), 0x79], 63n],
  ['ctz', I64, [...op.i64(1n << 40n), 0x7a], 40n],
  ['popcnt', I64, [...op.i64(-1n), 0x7b], 64n],
  ['eqz', I32, [...op.i64(1n << 32n), 0x50], 0n],
  ['lt_s compares the high words first', I32, i64(-1n, 1n, 0x53), 1n],
  ['lt_u', I32, i64(-1n, 1n, 0x54), 0n],
  ['gt_u on low words', I32, i64(0xffffffffn, 1n, 0x56), 1n],
  ['le_s', I32, i64(5n, 5n, 0x57), 1n],
  ['ge_s', I32, i64(MIN64, 0n, 0x59), 0n],
  ['ne', I32, i64(1n << 32n, 0n, 0x52), 1n],
  ['div_s by zero traps', I64, i64(1n, 0n, 0x7f), 'divide_by_zero'],
  ['rem_u by zero traps', I64, i64(1n, 0n, 0x82), 'divide_by_zero'],
  ['div_s MIN / -1 traps', I64, i64(MIN64, -1n, 0x7f), 'integer_overflow'],
];

// §4.3.3 floating-point operations.
const FLOAT_CASES: Case[] = [
  ['f32.add rounds to single', F32, f32(1, 2 ** -30, 0x92), f32Bits(1)],
  ['f32.div', F32, f32(1, 3, 0x95), f32Bits(Math.fround(1 / 3))],
  ['f32.min of -0 and 0', F32, f32(0, -0, 0x96), f32Bits(-0)],
  // A NaN result's sign is nondeterministic (§4.3.3): check it is a NaN, not its bits.
  ['f32.max with NaN is NaN', I32, [...f32(NaN, 1, 0x97), ...f32(NaN, 1, 0x97), 0x5b], 0n],
  ['f32.copysign', F32, f32(2, -1, 0x98), f32Bits(-2)],
  ['f32.abs', F32, [...op.f32(-3), 0x8b], f32Bits(3)],
  ['f32.neg', F32, [...op.f32(3), 0x8c], f32Bits(-3)],
  ['f32.nearest ties to even', F32, [...op.f32(2.5), 0x90], f32Bits(2)],
  ['f32.nearest -0.5 is -0', F32, [...op.f32(-0.5), 0x90], f32Bits(-0)],
  ['f32.sqrt', F32, [...op.f32(2), 0x91], f32Bits(Math.fround(Math.SQRT2))],
  ['f32.ceil', F32, [...op.f32(-1.5), 0x8d], f32Bits(-1)],
  ['f32.lt with NaN is false', I32, f32(NaN, 1, 0x5d), 0n],
  ['f32.ne with NaN is true', I32, f32(NaN, NaN, 0x5c), 1n],
  ['f64.add', F64, f64(0.1, 0.2, 0xa0), f64Bits(0.1 + 0.2)],
  ['f64.mul', F64, f64(1e200, 1e200, 0xa2), f64Bits(Infinity)],
  ['f64.nearest 3.5', F64, [...op.f64(3.5), 0x9e], f64Bits(4)],
  ['f64.nearest -2.5', F64, [...op.f64(-2.5), 0x9e], f64Bits(-2)],
  ['f64.floor', F64, [...op.f64(-0.5), 0x9c], f64Bits(-1)],
  ['f64.trunc', F64, [...op.f64(-0.5), 0x9d], f64Bits(-0)],
  ['f64.copysign', F64, f64(1, -0, 0xa6), f64Bits(-1)],
  ['f64.abs keeps NaN', F64, [...op.f64(-NaN), 0x99], f64Bits(NaN)],
  // f64.wast: rounding a signalling NaN gives it quiet (an arithmetic NaN), payload kept.
  ...(
    [
      ['ceil', 0x9b],
      ['floor', 0x9c],
      ['trunc', 0x9d],
      ['nearest', 0x9e],
    ] as const
  ).map(([name, opcode]): Case => [
    `f64.${name} quiets a signalling NaN`,
    F64,
    [...op.i64(0x7ff4000000000001n), 0xbf, opcode],
    0x7ffc000000000001n,
  ]),
  ['f64.min', F64, f64(-0, 0, 0xa4), f64Bits(-0)],
  ['f64.ge', I32, f64(2, 2, 0x66), 1n],
  ['f64.gt', I32, f64(1, 2, 0x64), 0n],
];

// §4.3.4 conversions; truncations trap on NaN and out of range.
const CONVERSION_CASES: Case[] = [
  ['i32.wrap_i64', I32, [...op.i64(0x1_8000_0001n), 0xa7], BigInt(MIN32 + 1)],
  ['i64.extend_i32_s', I64, [...op.i32(-2), 0xac], -2n],
  ['i64.extend_i32_u', I64, [...op.i32(-2), 0xad], 0xfffffffen],
  ['i32.trunc_f32_s', I32, [...op.f32(-3.9), 0xa8], -3n],
  ['i32.trunc_f64_u', I32, [...op.f64(4294967295.5), 0xab], -1n],
  ['i32.trunc_f64_s of NaN traps', I32, [...op.f64(NaN), 0xaa], 'invalid_conversion'],
  ['i32.trunc_f64_s of 2^31 traps', I32, [...op.f64(2 ** 31), 0xaa], 'integer_overflow'],
  ['i32.trunc_f32_u of -1 traps', I32, [...op.f32(-1), 0xa9], 'integer_overflow'],
  ['i64.trunc_f64_s', I64, [...op.f64(-(2 ** 62)), 0xb0], -(2n ** 62n)],
  ['i64.trunc_f64_u', I64, [...op.f64(2 ** 63), 0xb1], MIN64],
  ['i64.trunc_f32_s of 2^63 traps', I64, [...op.f32(2 ** 63), 0xae], 'integer_overflow'],
  ['i64.trunc_f64_u of NaN traps', I64, [...op.f64(NaN), 0xb1], 'invalid_conversion'],
  ['f32.convert_i32_u', F32, [...op.i32(-1), 0xb3], f32Bits(2 ** 32)],
  [
    'f32.convert_i64_s rounds once',
    F32,
    [...op.i64(2n ** 53n + 2n ** 29n + 1n), 0xb4],
    f32Bits(2 ** 53 + 2 ** 30), // via f64 it would round to even twice and give 2^53
  ],
  ['f32.convert_i64_u', F32, [...op.i64(-1n), 0xb5], f32Bits(2 ** 64)],
  ['f64.convert_i64_s', F64, [...op.i64(-(2n ** 62n) - 1n), 0xb9], f64Bits(-(2 ** 62))],
  ['f64.convert_i64_u', F64, [...op.i64(-1n), 0xba], f64Bits(2 ** 64)],
  ['f64.convert_i32_s', F64, [...op.i32(-5), 0xb7], f64Bits(-5)],
  ['f32.demote_f64', F32, [...op.f64(1 / 3), 0xb6], f32Bits(Math.fround(1 / 3))],
  ['f64.promote_f32', F64, [...op.f32(0.1), 0xbb], f64Bits(Math.fround(0.1))],
  ['i32.reinterpret_f32', I32, [...op.f32(1), 0xbc], 0x3f800000n],
  ['f64.reinterpret_i64', F64, [...op.i64(0x3ff0000000000000n), 0xbf], f64Bits(1)],
];

describe.each(MODES)('wasm numeric instructions (%s)', (mode) => {
  it.each(I32_CASES)('i32 %s', (_, type, expr, expected) =>
    expect(evaluate(mode, type, expr)).toBe(expected),
  );
  it.each(I64_CASES)('i64 %s', (_, type, expr, expected) =>
    expect(evaluate(mode, type, expr)).toBe(expected),
  );
  it.each(FLOAT_CASES)('%s', (_, type, expr, expected) =>
    expect(evaluate(mode, type, expr)).toBe(expected),
  );
  it.each(CONVERSION_CASES)('%s', (_, type, expr, expected) =>
    expect(evaluate(mode, type, expr)).toBe(expected),
  );
});
