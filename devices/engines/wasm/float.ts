/**
 * f32 and f64 arithmetic (WebAssembly Core Spec §4.3.3) on the value stack. f32 values
 * live in Float32Array slots, so every store rounds to single precision; an f32 op done
 * in double and rounded once is exact for + - * / sqrt. abs, neg and copysign act on the
 * sign bit only, keeping NaN payloads, as the spec says.
 */
export function f32Op(op: number, s: Int32Array, f32: Float32Array, sp: number): number {
  if (op <= 0x91) {
    const a = sp - 2;
    switch (op) {
      case 0x8b:
        s[a] &= 0x7fffffff;
        break; // abs
      case 0x8c:
        s[a] ^= -0x80000000;
        break; // neg
      default:
        f32[a] = floatUnary(op - 0x8d, f32[a]);
    }
    return sp;
  }
  const a = sp - 4;
  if (op === 0x98)
    s[a] = (s[a] & 0x7fffffff) | (s[a + 2] & -0x80000000); // copysign
  else f32[a] = floatBinary(op - 0x92, f32[a], f32[a + 2]);
  return sp - 2;
}

export function f64Op(op: number, s: Int32Array, f64: Float64Array, sp: number): number {
  if (op <= 0x9f) {
    const a = sp - 2;
    switch (op) {
      case 0x99:
        s[a + 1] &= 0x7fffffff;
        break; // abs
      case 0x9a:
        s[a + 1] ^= -0x80000000;
        break; // neg
      default: {
        const x = f64[a >> 1];
        f64[a >> 1] = floatUnary(op - 0x9b, x);
        // §4.3.3: a NaN operand gives an arithmetic (quiet) NaN; Math.floor, ceil and trunc
        // hand a signalling NaN back unchanged (f64.wast), so set its quiet bit.
        if (x !== x) s[a + 1] |= 0x00080000;
      }
    }
    return sp;
  }
  const a = sp - 4;
  if (op === 0xa6)
    s[a + 1] = (s[a + 1] & 0x7fffffff) | (s[a + 3] & -0x80000000); // copysign
  else f64[a >> 1] = floatBinary(op - 0xa0, f64[a >> 1], f64[(a >> 1) + 1]);
  return sp - 2;
}

/** ceil floor trunc nearest sqrt. */
function floatUnary(which: number, x: number): number {
  switch (which) {
    case 0:
      return Math.ceil(x);
    case 1:
      return Math.floor(x);
    case 2:
      return Math.trunc(x);
    case 3:
      return nearest(x);
    default:
      return Math.sqrt(x);
  }
}

/** add sub mul div min max; Math.min/max already give NaN for NaN and order -0 below +0. */
function floatBinary(which: number, x: number, y: number): number {
  switch (which) {
    case 0:
      return x + y;
    case 1:
      return x - y;
    case 2:
      return x * y;
    case 3:
      return x / y;
    case 4:
      return Math.min(x, y);
    default:
      return Math.max(x, y);
  }
}

/** §4.3.3 fnearest: round to the nearest integer, ties to even, keeping the sign of zero. */
export function nearest(x: number): number {
  const r = Math.round(x); // ties towards +infinity
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
