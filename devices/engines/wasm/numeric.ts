import { ctz32, i64Binary, i64Compare, i64Unary, popcnt32 } from './int64';
import { convert } from './convert';
import { f32Op, f64Op } from './float';
import { divideByZero, integerOverflow } from './trap';

/**
 * Every immediate-free numeric instruction (opcodes 0x45..0xbf, WebAssembly Core Spec
 * §4.4.1) on the value stack: operands are the top slots below word `sp`, the result
 * replaces the first. Returns the new sp. The classic loop runs all numeric instructions
 * through here; the fast loop inlines the hot i32 ones and calls this for the rest.
 */
export function numeric(
  op: number,
  s: Int32Array,
  f32: Float32Array,
  f64: Float64Array,
  i64: BigInt64Array,
  sp: number,
): number {
  if (op <= 0x66) return compare(op, s, f32, f64, sp);
  if (op <= 0x78)
    return op <= 0x69
      ? (i32Unary(op, s, sp - 2), sp)
      : ((s[sp - 4] = i32Binary(op, s[sp - 4], s[sp - 2])), sp - 2);
  if (op <= 0x7b) return (i64Unary(op, s, sp - 2), sp);
  if (op <= 0x8a) return (i64Binary(op, s, i64, sp - 4), sp - 2);
  if (op <= 0x98) return f32Op(op, s, f32, sp);
  if (op <= 0xa6) return f64Op(op, s, f64, sp);
  return (convert(op, s, f32, f64, i64, sp), sp);
}

function compare(
  op: number,
  s: Int32Array,
  f32: Float32Array,
  f64: Float64Array,
  sp: number,
): number {
  if (op === 0x45) return ((s[sp - 2] = s[sp - 2] === 0 ? 1 : 0), sp); // i32.eqz
  if (op === 0x50) return ((s[sp - 2] = s[sp - 2] === 0 && s[sp - 1] === 0 ? 1 : 0), sp); // i64.eqz
  const a = sp - 4;
  let r: boolean;
  if (op <= 0x4f) r = i32Compare(op, s[a], s[a + 2]);
  else if (op <= 0x5a) r = i64Compare(op, s, a) === 1;
  else if (op <= 0x60) r = floatCompare(op - 0x5b, f32[a], f32[a + 2]);
  else r = floatCompare(op - 0x61, f64[a >> 1], f64[(a >> 1) + 1]);
  s[a] = r ? 1 : 0;
  return sp - 2;
}

export function i32Compare(op: number, x: number, y: number): boolean {
  switch (op) {
    case 0x46:
      return x === y;
    case 0x47:
      return x !== y;
    case 0x48:
      return x < y;
    case 0x49:
      return x >>> 0 < y >>> 0;
    case 0x4a:
      return x > y;
    case 0x4b:
      return x >>> 0 > y >>> 0;
    case 0x4c:
      return x <= y;
    case 0x4d:
      return x >>> 0 <= y >>> 0;
    case 0x4e:
      return x >= y;
    default:
      return x >>> 0 >= y >>> 0; // 0x4f ge_u
  }
}

/** eq ne lt gt le ge; every comparison with NaN is false except ne (§4.3.3). */
function floatCompare(which: number, x: number, y: number): boolean {
  switch (which) {
    case 0:
      return x === y;
    case 1:
      return x !== y;
    case 2:
      return x < y;
    case 3:
      return x > y;
    case 4:
      return x <= y;
    default:
      return x >= y;
  }
}

function i32Unary(op: number, s: Int32Array, a: number): void {
  const x = s[a];
  s[a] = op === 0x67 ? Math.clz32(x) : op === 0x68 ? ctz32(x) : popcnt32(x);
}

/** §4.3.2 integer operations on i32; division traps on zero and on INT_MIN / -1. */
export function i32Binary(op: number, x: number, y: number): number {
  switch (op) {
    case 0x6a:
      return (x + y) | 0;
    case 0x6b:
      return (x - y) | 0;
    case 0x6c:
      return Math.imul(x, y);
    case 0x6d:
      if (y === 0) throw divideByZero();
      if (x === -0x80000000 && y === -1) throw integerOverflow('i32.div_s of -2^31 by -1');
      return (x / y) | 0;
    case 0x6e:
      if (y === 0) throw divideByZero();
      return ((x >>> 0) / (y >>> 0)) | 0;
    case 0x6f:
      if (y === 0) throw divideByZero();
      return y === -1 ? 0 : (x % y) | 0;
    case 0x70:
      if (y === 0) throw divideByZero();
      return ((x >>> 0) % (y >>> 0)) | 0;
    case 0x71:
      return x & y;
    case 0x72:
      return x | y;
    case 0x73:
      return x ^ y;
    case 0x74:
      return x << y;
    case 0x75:
      return x >> y;
    case 0x76:
      return (x >>> y) | 0;
    case 0x77:
      return (x << y) | (x >>> (32 - (y & 31)));
    default:
      return (x >>> y) | (x << (32 - (y & 31))); // 0x78 rotr
  }
}
