import { Op } from '../ops';

/** The operands of one instruction as JavaScript text: locals `lN`/`hN`, constants. */
interface Operands {
  readonly d: number;
  readonly imm: number;
  readonly ld: string;
  readonly hd: string;
  readonly ls: string;
  readonly hs: string;
  /** The immediate, its sign-extension's high word, and its unsigned low word. */
  readonly k: string;
  readonly kh: string;
  readonly ku: string;
  /** dst = its low word `expr`, zero-extended (ALU, RFC 9669 §4.1). */
  lo32(expr: string): string;
  /** dst = fn(dst, (blo, bhi)) through arith.ts on the scratch pair `x`. */
  viaArith(fn: string, blo: string, bhi: string): string;
}

function operands(d: number, s: number, imm: number): Operands {
  const ld = `l${d}`;
  const hd = `h${d}`;
  return {
    d,
    imm,
    ld,
    hd,
    ls: `l${s}`,
    hs: `h${s}`,
    k: `(${imm})`,
    kh: `(${imm >> 31})`,
    ku: `${imm >>> 0}`,
    lo32: (expr) => `${ld} = ${expr}; ${hd} = 0;`,
    viaArith: (fn, blo, bhi) =>
      `x[0] = ${ld}; x[1] = ${hd}; ${fn}(x, 0, ${blo}, ${bhi}); ${ld} = x[0]; ${hd} = x[1];`,
  };
}

/**
 * One ALU instruction per op (RFC 9669 §4.1, §4.2 and the v4 forms), over the generated
 * function's locals: register n is `lN` (low word) and `hN` (high word), both always
 * int32 like the interpreter's Int32Array pairs. Only numbers from decoded fields reach
 * the text. The rare 64-bit mul/div/mod and register shifts go through arith.ts.
 */
const ALU: Partial<Record<Op, (o: Operands) => string>> = {
  // Carries and borrows from unsigned compares of int32 words: no double on the way.
  [Op.Add64K]: (o) =>
    `${o.ld} = (${o.ld} + ${o.k}) | 0; ${o.hd} = (${o.hd} + ${o.kh} + ((${o.ld} >>> 0) < ${o.ku} ? 1 : 0)) | 0;`,
  [Op.Sub64K]: (o) =>
    `t = ${o.ld}; ${o.ld} = (t - ${o.k}) | 0; ${o.hd} = (${o.hd} - ${o.kh} - ((t >>> 0) < ${o.ku} ? 1 : 0)) | 0;`,
  [Op.Mul64K]: (o) => (o.imm >= 0 && o.imm < SMALL ? mulSmall(o) : o.viaArith('mul64', o.k, o.kh)),
  [Op.Div64K]: (o) => o.viaArith('div64', o.k, o.kh),
  [Op.Mod64K]: (o) => o.viaArith('mod64', o.k, o.kh),
  [Op.Or64K]: (o) => `${o.ld} |= ${o.k}; ${o.hd} |= ${o.kh};`,
  [Op.And64K]: (o) => `${o.ld} &= ${o.k}; ${o.hd} &= ${o.kh};`,
  [Op.Xor64K]: (o) => `${o.ld} ^= ${o.k}; ${o.hd} ^= ${o.kh};`,
  [Op.Lsh64K]: (o) => shiftLeft(o.d, o.imm & 63),
  [Op.Rsh64K]: (o) => shiftRight(o.d, o.imm & 63, false),
  [Op.Arsh64K]: (o) => shiftRight(o.d, o.imm & 63, true),
  [Op.Neg64]: (o) =>
    `t = ${o.ld}; ${o.ld} = (-t) | 0; ${o.hd} = (~${o.hd} + (t === 0 ? 1 : 0)) | 0;`,
  [Op.Mov64K]: (o) => `${o.ld} = ${o.k}; ${o.hd} = ${o.kh};`,
  [Op.Add64X]: (o) =>
    `t = ${o.ld}; ${o.ld} = (t + ${o.ls}) | 0; ${o.hd} = (${o.hd} + ${o.hs} + ((${o.ld} >>> 0) < (t >>> 0) ? 1 : 0)) | 0;`,
  [Op.Sub64X]: (o) =>
    `t = ${o.ld}; u = ${o.ls}; ${o.ld} = (t - u) | 0; ${o.hd} = (${o.hd} - ${o.hs} - ((t >>> 0) < (u >>> 0) ? 1 : 0)) | 0;`,
  [Op.Mul64X]: (o) => o.viaArith('mul64', o.ls, o.hs),
  [Op.Div64X]: (o) => o.viaArith('div64', o.ls, o.hs),
  [Op.Mod64X]: (o) => o.viaArith('mod64', o.ls, o.hs),
  [Op.Or64X]: (o) => `${o.ld} |= ${o.ls}; ${o.hd} |= ${o.hs};`,
  [Op.And64X]: (o) => `${o.ld} &= ${o.ls}; ${o.hd} &= ${o.hs};`,
  [Op.Xor64X]: (o) => `${o.ld} ^= ${o.ls}; ${o.hd} ^= ${o.hs};`,
  [Op.Lsh64X]: (o) => o.viaArith('lsh64', o.ls, '0'),
  [Op.Rsh64X]: (o) => o.viaArith('rsh64', o.ls, '0'),
  [Op.Arsh64X]: (o) => o.viaArith('arsh64', o.ls, '0'),
  [Op.Mov64X]: (o) => `${o.ld} = ${o.ls}; ${o.hd} = ${o.hs};`,
  [Op.Sdiv64K]: (o) => o.viaArith('sdiv64', o.k, o.kh),
  [Op.Sdiv64X]: (o) => o.viaArith('sdiv64', o.ls, o.hs),
  [Op.Smod64K]: (o) => o.viaArith('smod64', o.k, o.kh),
  [Op.Smod64X]: (o) => o.viaArith('smod64', o.ls, o.hs),
  [Op.Add32K]: (o) => o.lo32(`(${o.ld} + ${o.k}) | 0`),
  [Op.Sub32K]: (o) => o.lo32(`(${o.ld} - ${o.k}) | 0`),
  [Op.Mul32K]: (o) => o.lo32(`Math.imul(${o.ld}, ${o.k})`),
  [Op.Div32K]: (o) => o.lo32(o.imm === 0 ? '0' : `((${o.ld} >>> 0) / ${o.ku}) | 0`),
  [Op.Mod32K]: (o) => o.lo32(o.imm === 0 ? o.ld : `((${o.ld} >>> 0) % ${o.ku}) | 0`),
  [Op.Or32K]: (o) => o.lo32(`${o.ld} | ${o.k}`),
  [Op.And32K]: (o) => o.lo32(`${o.ld} & ${o.k}`),
  [Op.Xor32K]: (o) => o.lo32(`${o.ld} ^ ${o.k}`),
  [Op.Lsh32K]: (o) => o.lo32(`${o.ld} << ${o.imm & 31}`),
  [Op.Rsh32K]: (o) => o.lo32(`(${o.ld} >>> ${o.imm & 31}) | 0`),
  [Op.Arsh32K]: (o) => o.lo32(`${o.ld} >> ${o.imm & 31}`),
  [Op.Neg32]: (o) => o.lo32(`(-${o.ld}) | 0`),
  [Op.Mov32K]: (o) => o.lo32(o.k),
  [Op.Add32X]: (o) => o.lo32(`(${o.ld} + ${o.ls}) | 0`),
  [Op.Sub32X]: (o) => o.lo32(`(${o.ld} - ${o.ls}) | 0`),
  [Op.Mul32X]: (o) => o.lo32(`Math.imul(${o.ld}, ${o.ls})`),
  [Op.Div32X]: (o) => `u = ${o.ls} >>> 0; ${o.lo32(`u === 0 ? 0 : ((${o.ld} >>> 0) / u) | 0`)}`,
  [Op.Mod32X]: (o) =>
    `u = ${o.ls} >>> 0; ${o.lo32(`u === 0 ? ${o.ld} : ((${o.ld} >>> 0) % u) | 0`)}`,
  [Op.Or32X]: (o) => o.lo32(`${o.ld} | ${o.ls}`),
  [Op.And32X]: (o) => o.lo32(`${o.ld} & ${o.ls}`),
  [Op.Xor32X]: (o) => o.lo32(`${o.ld} ^ ${o.ls}`),
  [Op.Lsh32X]: (o) => o.lo32(`${o.ld} << (${o.ls} & 31)`),
  [Op.Rsh32X]: (o) => o.lo32(`(${o.ld} >>> (${o.ls} & 31)) | 0`),
  [Op.Arsh32X]: (o) => o.lo32(`${o.ld} >> (${o.ls} & 31)`),
  [Op.Mov32X]: (o) => o.lo32(o.ls),
  [Op.Sdiv32K]: (o) => o.lo32(`sdiv32(${o.ld}, ${o.k})`),
  [Op.Sdiv32X]: (o) => o.lo32(`sdiv32(${o.ld}, ${o.ls})`),
  [Op.Smod32K]: (o) => o.lo32(`smod32(${o.ld}, ${o.k})`),
  [Op.Smod32X]: (o) => o.lo32(`smod32(${o.ld}, ${o.ls})`),
  [Op.Le16]: (o) => `${o.ld} &= 65535; ${o.hd} = 0;`,
  [Op.Le32]: (o) => `${o.hd} = 0;`,
  [Op.Le64]: () => '',
  [Op.Be16]: (o) => `${o.ld} = bswap16(${o.ld}); ${o.hd} = 0;`,
  [Op.Be32]: (o) => `${o.ld} = bswap32(${o.ld}); ${o.hd} = 0;`,
  [Op.Be64]: (o) => `t = ${o.ld}; ${o.ld} = bswap32(${o.hd}); ${o.hd} = bswap32(t);`,
  [Op.Movsx64B]: (o) => `${o.ld} = (${o.ls} << 24) >> 24; ${o.hd} = ${o.ld} >> 31;`,
  [Op.Movsx64H]: (o) => `${o.ld} = (${o.ls} << 16) >> 16; ${o.hd} = ${o.ld} >> 31;`,
  [Op.Movsx64W]: (o) => `${o.ld} = ${o.ls}; ${o.hd} = ${o.ld} >> 31;`,
  [Op.Movsx32B]: (o) => `${o.ld} = (${o.ls} << 24) >> 24; ${o.hd} = 0;`,
  [Op.Movsx32H]: (o) => `${o.ld} = (${o.ls} << 16) >> 16; ${o.hd} = 0;`,
};

/** Multipliers below this keep lo × k under 2^53: the product is exact as a double. */
const SMALL = 1 << 21;

/** dst *= k for 0 <= k < SMALL (arith.ts mul64 for that case): the high word from one double. */
function mulSmall(o: Operands): string {
  return `t = (${o.ld} >>> 0) * ${o.imm}; ${o.hd} = (Math.imul(${o.hd}, ${o.imm}) + ((t / 4294967296) | 0)) | 0; ${o.ld} = t | 0;`;
}

/** The ALU instruction's JavaScript, or null for an op that is not ALU. */
export function emitAlu(op: Op, d: number, s: number, imm: number): string | null {
  return ALU[op]?.(operands(d, s, imm)) ?? null;
}

function shiftLeft(d: number, n: number): string {
  if (n === 0) return '';
  if (n < 32) return `h${d} = (h${d} << ${n}) | (l${d} >>> ${32 - n}); l${d} = l${d} << ${n};`;
  return `h${d} = l${d} << ${n - 32}; l${d} = 0;`;
}

function shiftRight(d: number, n: number, arithmetic: boolean): string {
  if (n === 0) return '';
  const op = arithmetic ? '>>' : '>>>';
  if (n < 32) {
    return `l${d} = (l${d} >>> ${n}) | (h${d} << ${32 - n}); h${d} = (h${d} ${op} ${n}) | 0;`;
  }
  const high = arithmetic ? `h${d} >> 31` : '0';
  return `l${d} = (h${d} ${op} ${n - 32}) | 0; h${d} = ${high};`;
}
