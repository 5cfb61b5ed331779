/**
 * 64-bit ALU operations on (lo, hi) Int32 pairs: register d's low word is r[d], its high
 * word r[d + 1]. The interpreter inlines the cheap ones (add, and, mov...); these are the
 * ones that need more than a few lines. Semantics: RFC 9669 §4.1.
 */

const TWO_32 = 4294967296;

/** Low 64 bits of (alo, ahi) × (blo, bhi) into r[d], r[d + 1]. */
export function mul64(r: Int32Array, d: number, blo: number, bhi: number): void {
  const alo = r[d];
  const ahi = r[d + 1];
  // alo × blo as a full 64-bit product, from 16-bit halves so no partial sum loses bits.
  const a0 = alo & 0xffff;
  const a1 = alo >>> 16;
  const b0 = blo & 0xffff;
  const b1 = blo >>> 16;
  const low = a0 * b0;
  const mid = a1 * b0 + a0 * b1; // < 2^33, exact
  const lo = low + (mid % 65536) * 65536; // < 2^49
  const carry = Math.floor(lo / TWO_32) + Math.floor(mid / 65536) + a1 * b1;
  r[d] = (lo % TWO_32) | 0;
  r[d + 1] = (carry % TWO_32) + Math.imul(alo, bhi) + Math.imul(ahi, blo);
}

const toBig = (lo: number, hi: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

function setBig(r: Int32Array, d: number, v: bigint): void {
  r[d] = Number(BigInt.asIntN(32, v));
  r[d + 1] = Number(BigInt.asIntN(32, v >> 32n));
}

/** Unsigned 64-bit division; by zero gives 0 (RFC 9669 §4.1). */
export function div64(r: Int32Array, d: number, blo: number, bhi: number): void {
  if (blo === 0 && bhi === 0) {
    r[d] = 0;
    r[d + 1] = 0;
  } else if (r[d + 1] === 0 && bhi === 0) {
    r[d] = Math.floor((r[d] >>> 0) / (blo >>> 0)) | 0;
  } else {
    setBig(r, d, toBig(r[d], r[d + 1]) / toBig(blo, bhi));
  }
}

/** Unsigned 64-bit modulo; by zero leaves dst unchanged (RFC 9669 §4.1). */
export function mod64(r: Int32Array, d: number, blo: number, bhi: number): void {
  if (blo === 0 && bhi === 0) return;
  if (r[d + 1] === 0 && bhi === 0) {
    r[d] = ((r[d] >>> 0) % (blo >>> 0)) | 0;
  } else {
    setBig(r, d, toBig(r[d], r[d + 1]) % toBig(blo, bhi));
  }
}

const toSigned = (lo: number, hi: number) => (BigInt(hi) << 32n) | BigInt(lo >>> 0);

/**
 * Signed 64-bit division (ISA v4 SDIV), truncating toward zero; by zero gives 0, and
 * LLONG_MIN / -1 gives LLONG_MIN (RFC 9669 §4.1: the quotient wraps).
 */
export function sdiv64(r: Int32Array, d: number, blo: number, bhi: number): void {
  const alo = r[d];
  const ahi = r[d + 1];
  if (blo === 0 && bhi === 0) {
    r[d] = 0;
    r[d + 1] = 0;
  } else if (ahi === alo >> 31 && bhi === blo >> 31) {
    // Both fit in 32 bits signed: the quotient is exact in a double, |q| <= 2^31.
    const q = Math.trunc(alo / blo);
    r[d] = q | 0;
    r[d + 1] = q < 0 ? -1 : 0;
  } else {
    setBig(r, d, toSigned(alo, ahi) / toSigned(blo, bhi)); // setBig wraps 2^63 to LLONG_MIN
  }
}

/**
 * Signed 64-bit modulo (ISA v4 SMOD): the sign of the dividend, as C's %; by zero leaves
 * dst unchanged, LLONG_MIN % -1 gives 0 (RFC 9669 §4.1).
 */
export function smod64(r: Int32Array, d: number, blo: number, bhi: number): void {
  const alo = r[d];
  const ahi = r[d + 1];
  if (blo === 0 && bhi === 0) return;
  if (ahi === alo >> 31 && bhi === blo >> 31) {
    const m = (alo % blo) | 0; // -0 (INT_MIN % -1 and the like) becomes 0
    r[d] = m;
    r[d + 1] = m >> 31;
  } else {
    setBig(r, d, toSigned(alo, ahi) % toSigned(blo, bhi));
  }
}

/** Signed 32-bit division (ALU SDIV): by zero 0, INT_MIN / -1 = INT_MIN (RFC 9669 §4.1). */
export function sdiv32(a: number, b: number): number {
  return b === 0 ? 0 : Math.trunc(a / b) | 0;
}

/** Signed 32-bit modulo (ALU SMOD): by zero dst, INT_MIN % -1 = 0 (RFC 9669 §4.1). */
export function smod32(a: number, b: number): number {
  return b === 0 ? a : (a % b) | 0;
}

/** dst <<= s & 63. */
export function lsh64(r: Int32Array, d: number, s: number): void {
  const n = s & 63;
  if (n === 0) return;
  const lo = r[d];
  if (n < 32) {
    r[d + 1] = (r[d + 1] << n) | (lo >>> (32 - n));
    r[d] = lo << n;
  } else {
    r[d + 1] = lo << (n - 32);
    r[d] = 0;
  }
}

/** dst >>= s & 63, logical. */
export function rsh64(r: Int32Array, d: number, s: number): void {
  const n = s & 63;
  if (n === 0) return;
  const hi = r[d + 1];
  if (n < 32) {
    r[d] = (r[d] >>> n) | (hi << (32 - n));
    r[d + 1] = hi >>> n;
  } else {
    r[d] = hi >>> (n - 32);
    r[d + 1] = 0;
  }
}

/** dst >>= s & 63, arithmetic. */
export function arsh64(r: Int32Array, d: number, s: number): void {
  const n = s & 63;
  if (n === 0) return;
  const hi = r[d + 1];
  if (n < 32) {
    r[d] = (r[d] >>> n) | (hi << (32 - n));
    r[d + 1] = hi >> n;
  } else {
    r[d] = hi >> (n - 32);
    r[d + 1] = hi >> 31;
  }
}

export function neg64(r: Int32Array, d: number): void {
  const lo = r[d];
  r[d] = -lo | 0;
  r[d + 1] = (~r[d + 1] + (lo === 0 ? 1 : 0)) | 0;
}

export function bswap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

export function bswap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

/** Unsigned 64-bit a < b on (lo, hi) pairs. */
export function ltu64(alo: number, ahi: number, blo: number, bhi: number): boolean {
  return ahi === bhi ? alo >>> 0 < blo >>> 0 : ahi >>> 0 < bhi >>> 0;
}

/** Signed 64-bit a < b on (lo, hi) pairs. */
export function lts64(alo: number, ahi: number, blo: number, bhi: number): boolean {
  return ahi === bhi ? alo >>> 0 < blo >>> 0 : ahi < bhi;
}
