import { integerOverflow, invalidConversion } from './trap';

const TWO_32 = 2 ** 32;
const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;

/**
 * Conversions and reinterpretations, opcodes 0xa7..0xbf (WebAssembly Core Spec §4.3.4),
 * in place on the top slot at word `sp - 2`. Float-to-int truncations trap on NaN
 * (`invalid_conversion`) and out of range (`integer_overflow`). Reinterpretations keep the
 * slot's bits, so they do nothing.
 */
export function convert(
  op: number,
  s: Int32Array,
  f32: Float32Array,
  f64: Float64Array,
  i64: BigInt64Array,
  sp: number,
): void {
  const a = sp - 2;
  const k = a >> 1;
  switch (op) {
    case 0xa7:
      return; // i32.wrap_i64: the low word already is the result
    case 0xa8:
      s[a] = truncI32(f32[a], true, 'i32.trunc_f32_s');
      return;
    case 0xa9:
      s[a] = truncI32(f32[a], false, 'i32.trunc_f32_u');
      return;
    case 0xaa:
      s[a] = truncI32(f64[k], true, 'i32.trunc_f64_s');
      return;
    case 0xab:
      s[a] = truncI32(f64[k], false, 'i32.trunc_f64_u');
      return;
    case 0xac:
      s[a + 1] = s[a] >> 31;
      return; // i64.extend_i32_s
    case 0xad:
      s[a + 1] = 0;
      return; // i64.extend_i32_u
    case 0xae:
      i64[k] = truncI64(f32[a], true, 'i64.trunc_f32_s');
      return;
    case 0xaf:
      i64[k] = truncI64(f32[a], false, 'i64.trunc_f32_u');
      return;
    case 0xb0:
      i64[k] = truncI64(f64[k], true, 'i64.trunc_f64_s');
      return;
    case 0xb1:
      i64[k] = truncI64(f64[k], false, 'i64.trunc_f64_u');
      return;
    case 0xb2:
      f32[a] = s[a];
      return;
    case 0xb3:
      f32[a] = s[a] >>> 0;
      return;
    case 0xb4:
      f32[a] = i64ToF32(i64[k]);
      return;
    case 0xb5:
      f32[a] = i64ToF32(BigInt.asUintN(64, i64[k]));
      return;
    case 0xb6:
      f32[a] = f64[k];
      return; // demote: the store rounds
    case 0xb7:
      f64[k] = s[a];
      return;
    case 0xb8:
      f64[k] = s[a] >>> 0;
      return;
    // hi * 2^32 is exact, so the one addition rounds the exact value once.
    case 0xb9:
      f64[k] = s[a + 1] * TWO_32 + (s[a] >>> 0);
      return;
    case 0xba:
      f64[k] = (s[a + 1] >>> 0) * TWO_32 + (s[a] >>> 0);
      return;
    case 0xbb:
      f64[k] = f32[a];
      return; // promote
    default:
      return; // 0xbc..0xbf reinterpretations
  }
}

function truncI32(x: number, signed: boolean, name: string): number {
  if (x !== x) throw invalidConversion(name);
  const ok = signed ? x > -2147483649 && x < 2147483648 : x > -1 && x < TWO_32;
  if (!ok) throw integerOverflow(`${name} of ${x}`);
  return Math.trunc(x) | 0;
}

function truncI64(x: number, signed: boolean, name: string): bigint {
  if (x !== x) throw invalidConversion(name);
  const ok = signed ? x >= -TWO_63 && x < TWO_63 : x > -1 && x < TWO_64;
  if (!ok) throw integerOverflow(`${name} of ${x}`);
  return BigInt.asIntN(64, BigInt(Math.trunc(x)));
}

/**
 * Integer to f32 rounded once: Number() of a value wider than 53 bits would round
 * twice, so the bits below the 53rd are folded into a sticky bit first.
 */
function i64ToF32(v: bigint): number {
  const negative = v < 0n;
  let m = negative ? -v : v;
  const bits = m.toString(2).length;
  let scale = 1;
  if (bits > 53) {
    const shift = BigInt(bits - 53);
    const sticky = m & ((1n << shift) - 1n) ? 1n : 0n;
    m = (m >> shift) | sticky;
    scale = 2 ** (bits - 53);
  }
  const value = Math.fround(Number(m) * scale);
  return negative ? -value : value;
}
