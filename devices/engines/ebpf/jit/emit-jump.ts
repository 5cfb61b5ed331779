import { Op } from '../ops';

/** Unsigned 64-bit a < b over (lo, hi) int32 pairs (arith.ts ltu64, inlined). */
const ltu = (al: string, ah: string, bl: string, bh: string) =>
  `(${ah} === ${bh} ? (${al} >>> 0) < (${bl} >>> 0) : (${ah} >>> 0) < (${bh} >>> 0))`;
/** Signed 64-bit a < b (arith.ts lts64, inlined). */
const lts = (al: string, ah: string, bl: string, bh: string) =>
  `(${ah} === ${bh} ? (${al} >>> 0) < (${bl} >>> 0) : ${ah} < ${bh})`;

/**
 * The condition of a conditional jump as a JavaScript expression over the locals, or null
 * for an op that is not one (RFC 9669 §4.3: JMP compares 64 bits against the
 * sign-extended immediate, JMP32 the low words).
 */
export function jumpCondition(op: Op, d: number, s: number, imm: number): string | null {
  const isX = (op >= Op.Jeq64X && op <= Op.Jsle64X) || (op >= Op.Jeq32X && op <= Op.Jsle32X);
  const bl = isX ? `l${s}` : `(${imm})`;
  const bh = isX ? `h${s}` : `(${imm >> 31})`;
  const al = `l${d}`;
  const ah = `h${d}`;
  const k64 = op - (isX ? Op.Jeq64X : Op.Jeq64K);
  const k32 = op - (isX ? Op.Jeq32X : Op.Jeq32K);
  if (k64 >= 0 && k64 <= 10) return condition64(k64, al, ah, bl, bh);
  if (k32 >= 0 && k32 <= 10) return condition32(k32, al, bl);
  return null;
}

/** k: position among Jeq, Jgt, Jge, Jset, Jne, Jsgt, Jsge, Jlt, Jle, Jslt, Jsle (ops.ts). */
function condition64(k: number, al: string, ah: string, bl: string, bh: string): string {
  switch (k) {
    case 0:
      return `${al} === ${bl} && ${ah} === ${bh}`;
    case 1:
      return ltu(bl, bh, al, ah);
    case 2:
      return `!${ltu(al, ah, bl, bh)}`;
    case 3:
      return `(${al} & ${bl}) !== 0 || (${ah} & ${bh}) !== 0`;
    case 4:
      return `${al} !== ${bl} || ${ah} !== ${bh}`;
    case 5:
      return lts(bl, bh, al, ah);
    case 6:
      return `!${lts(al, ah, bl, bh)}`;
    case 7:
      return ltu(al, ah, bl, bh);
    case 8:
      return `!${ltu(bl, bh, al, ah)}`;
    case 9:
      return lts(al, ah, bl, bh);
    default:
      return `!${lts(bl, bh, al, ah)}`;
  }
}

function condition32(k: number, a: string, b: string): string {
  const signed = ['', '', '', '', '', '>', '>=', '', '', '<', '<='][k];
  const unsigned = ['', '>', '>=', '', '', '', '', '<', '<='][k];
  if (k === 0) return `${a} === ${b}`;
  if (k === 3) return `(${a} & ${b}) !== 0`;
  if (k === 4) return `${a} !== ${b}`;
  if (signed !== '') return `${a} ${signed} ${b}`;
  return `(${a} >>> 0) ${unsigned} (${b} >>> 0)`;
}
