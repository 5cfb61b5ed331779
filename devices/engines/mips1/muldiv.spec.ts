import { mulberry32 } from '../../prng';
import { mulHighSigned, mulHighUnsigned } from './arith';
import { asm, R } from './testing/asm';
import { reg, runWith } from './testing/harness';

const { t0, t1, t2, t3 } = R;
const INT_MIN = -0x80000000;
const INT_MAX = 0x7fffffff;

/** hi/lo of t0 op t1, after presetting hi = 0x1111, lo = 0x2222. */
function hiLo(instruction: number, a: number, b: number): [number, number] {
  const engine = runWith({ t0: a, t1: b, t2: 0x1111, t3: 0x2222 }, [
    asm.mthi(t2),
    asm.mtlo(t3),
    instruction,
    asm.mfhi(t2),
    asm.mflo(t3),
  ]);
  return [reg(engine, 't2'), reg(engine, 't3')];
}

function product(a: bigint, b: bigint): [number, number] {
  const p = BigInt.asUintN(64, a * b);
  return [Number(BigInt.asIntN(32, p >> 32n)), Number(BigInt.asIntN(32, p))];
}

describe('MIPS-I multiply and divide', () => {
  it.each([
    ['mult small', asm.mult(t0, t1), 6, 7, [0, 42]],
    ['mult negative × positive', asm.mult(t0, t1), -3, 5, [-1, -15]],
    ['mult INT_MIN × INT_MIN', asm.mult(t0, t1), INT_MIN, INT_MIN, [0x40000000, 0]],
    ['mult INT_MAX × INT_MIN', asm.mult(t0, t1), INT_MAX, INT_MIN, [-0x40000000, INT_MIN]],
    ['mult -1 × -1', asm.mult(t0, t1), -1, -1, [0, 1]],
    ['multu 0xffffffff × 0xffffffff', asm.multu(t0, t1), -1, -1, [-2, 1]],
    ['multu 0x80000000 × 2', asm.multu(t0, t1), INT_MIN, 2, [1, 0]],
    ['div 7 / 2', asm.div(t0, t1), 7, 2, [1, 3]],
    ['div truncates toward zero: -7 / 2', asm.div(t0, t1), -7, 2, [-1, -3]],
    ['div 7 / -2', asm.div(t0, t1), 7, -2, [1, -3]],
    ['div INT_MIN / -1 gives INT_MIN, remainder 0', asm.div(t0, t1), INT_MIN, -1, [0, INT_MIN]],
    ['div by zero leaves HI and LO unchanged', asm.div(t0, t1), 5, 0, [0x1111, 0x2222]],
    ['divu 0xffffffff / 2', asm.divu(t0, t1), -1, 2, [1, INT_MAX]],
    ['divu 0x80000000 / 0xffffffff', asm.divu(t0, t1), INT_MIN, -1, [INT_MIN, 0]],
    ['divu by zero leaves HI and LO unchanged', asm.divu(t0, t1), -1, 0, [0x1111, 0x2222]],
  ])('%s', (_name, instruction, a, b, expected) => {
    expect(hiLo(instruction, a, b)).toEqual(expected);
  });

  it('mthi/mtlo then mfhi/mflo round-trip', () => {
    const engine = runWith({ t0: -5, t1: 0x12345678 }, [
      asm.mthi(t0),
      asm.mtlo(t1),
      asm.mfhi(t2),
      asm.mflo(t3),
    ]);
    expect([reg(engine, 't2'), reg(engine, 't3')]).toEqual([-5, 0x12345678]);
    expect(engine.inspect().registers).toMatchObject({ hi: 0xfffffffb, lo: 0x12345678 });
  });

  it('computes HI of 2000 random products exactly as 64-bit arithmetic does', () => {
    const random = mulberry32(0x5eed);
    const word = () => (random() * 2 ** 32) | 0;
    for (let i = 0; i < 2000; i++) {
      const a = i % 7 === 0 ? INT_MIN : word();
      const b = i % 11 === 0 ? -1 : word();
      expect(mulHighSigned(a, b)).toBe(product(BigInt(a), BigInt(b))[0]);
      const ua = BigInt(a >>> 0);
      const ub = BigInt(b >>> 0);
      expect(mulHighUnsigned(a >>> 0, b >>> 0)).toBe(product(ua, ub)[0]);
    }
  });

  it('agrees with BigInt through the interpreter for a few random pairs', () => {
    const random = mulberry32(42);
    for (let i = 0; i < 5; i++) {
      const a = (random() * 2 ** 32) | 0;
      const b = (random() * 2 ** 32) | 0;
      expect(hiLo(asm.mult(t0, t1), a, b)).toEqual(product(BigInt(a), BigInt(b)));
      expect(hiLo(asm.multu(t0, t1), a, b)).toEqual(product(BigInt(a >>> 0), BigInt(b >>> 0)));
    }
  });
});
