import { divideByZero, integerOverflow } from './trap';

/**
 * i64 instructions on the value stack (WebAssembly Core Spec §4.3.2). A value is two
 * int32 words, low first; add/sub/logic/compare/shift work on the halves, the rest goes
 * through the BigInt64Array view of the same bytes.
 */
export function i64Compare(op: number, s: Int32Array, a: number): number {
  const alo = s[a],
    ahi = s[a + 1],
    blo = s[a + 2],
    bhi = s[a + 3];
  const eq = alo === blo && ahi === bhi;
  // Signed order of the high halves, then unsigned order of the low halves.
  const lt = ahi < bhi || (ahi === bhi && alo >>> 0 < blo >>> 0);
  const ltu = ahi >>> 0 < bhi >>> 0 || (ahi === bhi && alo >>> 0 < blo >>> 0);
  switch (op) {
    case 0x51:
      return eq ? 1 : 0; // eq
    case 0x52:
      return eq ? 0 : 1; // ne
    case 0x53:
      return lt ? 1 : 0; // lt_s
    case 0x54:
      return ltu ? 1 : 0; // lt_u
    case 0x55:
      return !lt && !eq ? 1 : 0; // gt_s
    case 0x56:
      return !ltu && !eq ? 1 : 0; // gt_u
    case 0x57:
      return lt || eq ? 1 : 0; // le_s
    case 0x58:
      return ltu || eq ? 1 : 0; // le_u
    case 0x59:
      return lt ? 0 : 1; // ge_s
    default:
      return ltu ? 0 : 1; // 0x5a ge_u
  }
}

export function i64Unary(op: number, s: Int32Array, a: number): void {
  const lo = s[a],
    hi = s[a + 1];
  let n: number;
  switch (op) {
    case 0x79:
      n = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
      break; // clz
    case 0x7a:
      n = lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
      break; // ctz
    default:
      n = popcnt32(lo) + popcnt32(hi); // 0x7b popcnt
  }
  s[a] = n;
  s[a + 1] = 0;
}

/** Binary i64 op on the slots at words `a` and `a + 2`; the result replaces `a`. */
export function i64Binary(op: number, s: Int32Array, i64: BigInt64Array, a: number): void {
  const alo = s[a],
    ahi = s[a + 1],
    blo = s[a + 2],
    bhi = s[a + 3];
  switch (op) {
    case 0x7c: {
      // add
      const lo = (alo + blo) | 0;
      s[a] = lo;
      s[a + 1] = (ahi + bhi + (lo >>> 0 < alo >>> 0 ? 1 : 0)) | 0;
      return;
    }
    case 0x7d: {
      // sub
      s[a] = (alo - blo) | 0;
      s[a + 1] = (ahi - bhi - (alo >>> 0 < blo >>> 0 ? 1 : 0)) | 0;
      return;
    }
    case 0x83:
      s[a] = alo & blo;
      s[a + 1] = ahi & bhi;
      return;
    case 0x84:
      s[a] = alo | blo;
      s[a + 1] = ahi | bhi;
      return;
    case 0x85:
      s[a] = alo ^ blo;
      s[a + 1] = ahi ^ bhi;
      return;
    case 0x86:
      return shiftLeft(s, a, alo, ahi, blo & 63);
    case 0x87:
      return shiftRight(s, a, alo, ahi, blo & 63, true);
    case 0x88:
      return shiftRight(s, a, alo, ahi, blo & 63, false);
    default:
      return i64Arith(op, i64, a >> 1);
  }
}

function shiftLeft(s: Int32Array, a: number, lo: number, hi: number, n: number): void {
  if (n === 0) return;
  if (n < 32) {
    s[a + 1] = (hi << n) | (lo >>> (32 - n));
    s[a] = lo << n;
  } else {
    s[a + 1] = lo << (n - 32);
    s[a] = 0;
  }
}

function shiftRight(
  s: Int32Array,
  a: number,
  lo: number,
  hi: number,
  n: number,
  signed: boolean,
): void {
  if (n === 0) return;
  if (n < 32) {
    s[a] = (lo >>> n) | (hi << (32 - n));
    s[a + 1] = signed ? hi >> n : hi >>> n;
  } else {
    s[a] = signed ? hi >> (n - 32) : hi >>> (n - 32);
    s[a + 1] = signed ? hi >> 31 : 0;
  }
}

const MIN_I64 = -(2n ** 63n);

/** mul, div, rem and rotations: BigInt on the i64 view (slot index `k`). */
function i64Arith(op: number, i64: BigInt64Array, k: number): void {
  const x = i64[k],
    y = i64[k + 1];
  switch (op) {
    case 0x7e:
      i64[k] = BigInt.asIntN(64, x * y);
      return; // mul
    case 0x7f: // div_s
      if (y === 0n) throw divideByZero();
      if (x === MIN_I64 && y === -1n) throw integerOverflow('i64.div_s of -2^63 by -1');
      i64[k] = x / y;
      return;
    case 0x80: // div_u
      if (y === 0n) throw divideByZero();
      i64[k] = BigInt.asIntN(64, BigInt.asUintN(64, x) / BigInt.asUintN(64, y));
      return;
    case 0x81: // rem_s: -2^63 rem -1 is 0 (§4.3.2 irem_s)
      if (y === 0n) throw divideByZero();
      i64[k] = y === -1n ? 0n : x % y;
      return;
    case 0x82: // rem_u
      if (y === 0n) throw divideByZero();
      i64[k] = BigInt.asIntN(64, BigInt.asUintN(64, x) % BigInt.asUintN(64, y));
      return;
    default: {
      // 0x89 rotl, 0x8a rotr
      const n = BigInt.asUintN(6, y);
      const u = BigInt.asUintN(64, x);
      const left = op === 0x89 ? n : (64n - n) & 63n;
      i64[k] = BigInt.asIntN(64, (u << left) | (u >> ((64n - left) & 63n)));
    }
  }
}

export function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

export function popcnt32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
