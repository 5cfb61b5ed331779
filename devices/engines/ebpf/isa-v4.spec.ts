import {
  bswap,
  exit,
  gotol,
  lddw,
  lddwData,
  ldxs,
  mov64,
  movsx,
  rbf,
  reg,
  signed,
  type Line,
} from './testing/asm';
import { loadedEngine, reg64, REGION, runToExit } from './testing/harness';

/** The ISA v4 additions (RFC 9669; clang -mcpu=v4), one table per instruction. */
const M64 = (1n << 64n) - 1n;
const u64 = (v: bigint) => BigInt.asUintN(64, v);
const u32 = (v: bigint) => BigInt.asUintN(32, v);
const LLONG_MIN = -(1n << 63n);
const INT_MIN = -(1n << 31n);

/** r1 = a; r2 = b; r1 (s)op= r2 or the immediate; r1 as unsigned 64 bits. */
function signedOp(
  width: 32 | 64,
  op: 'sdiv' | 'smod',
  a: bigint,
  b: bigint,
  immediate: boolean,
): bigint {
  const operand = immediate ? Number(BigInt.asIntN(32, b)) : reg(2);
  return reg64(runToExit([lddw(1, u64(a)), lddw(2, u64(b)), signed(width, op, 1, operand)]), 1);
}

// RFC 9669 §4.1: signed, truncating toward zero; the remainder has the dividend's sign.
describe('sdiv / smod, ALU64', () => {
  it.each<['sdiv' | 'smod', bigint, bigint, bigint]>([
    ['sdiv', 7n, 2n, 3n],
    ['sdiv', -7n, 2n, -3n],
    ['sdiv', 7n, -2n, -3n],
    ['sdiv', -7n, -2n, 3n],
    ['sdiv', 1n << 40n, -3n, -((1n << 40n) / 3n)],
    ['sdiv', -(1n << 62n), 1n << 32n, -(1n << 30n)],
    ['sdiv', LLONG_MIN, -1n, LLONG_MIN], // overflow: LLONG_MIN (§4.1)
    ['sdiv', LLONG_MIN, 1n, LLONG_MIN],
    ['sdiv', INT_MIN, -1n, 1n << 31n], // fits in 64 bits: no overflow
    ['smod', 7n, 2n, 1n],
    ['smod', -7n, 2n, -1n],
    ['smod', 7n, -2n, 1n],
    ['smod', -7n, -2n, -1n],
    ['smod', -(1n << 40n) - 5n, 1n << 20n, -5n],
    ['smod', LLONG_MIN, -1n, 0n], // §4.1: 0
    ['smod', INT_MIN, -1n, 0n],
  ])('%s %s, %s = %s', (op, a, b, expected) => {
    expect(signedOp(64, op, a, b, false)).toBe(u64(expected));
    if (BigInt.asIntN(32, b) === b) expect(signedOp(64, op, a, b, true)).toBe(u64(expected));
  });

  it('by a zero register: sdiv gives 0, smod leaves dst unchanged (§4.1)', () => {
    expect(signedOp(64, 'sdiv', -5n, 0n, false)).toBe(0n);
    expect(signedOp(64, 'smod', -5n, 0n, false)).toBe(u64(-5n));
    expect(signedOp(64, 'smod', LLONG_MIN, 0n, false)).toBe(u64(LLONG_MIN));
  });
});

// ALU: the low 32 bits as signed; the result zero-extended into 64 bits.
describe('sdiv / smod, ALU (32-bit)', () => {
  it.each<['sdiv' | 'smod', bigint, bigint, bigint]>([
    ['sdiv', -7n, 2n, -3n],
    ['sdiv', 7n, -2n, -3n],
    ['sdiv', 0x7_0000_0009n, 3n, 3n], // upper word ignored
    ['sdiv', INT_MIN, -1n, INT_MIN], // overflow: INT_MIN (§4.1)
    ['sdiv', INT_MIN, 2n, -(1n << 30n)],
    ['smod', -7n, 2n, -1n],
    ['smod', 7n, -2n, 1n],
    ['smod', INT_MIN, -1n, 0n], // §4.1: 0
    ['smod', -1_000_000_007n, 1000n, -7n],
  ])('%s %s, %s = %s', (op, a, b, expected) => {
    expect(signedOp(32, op, a, b, false)).toBe(u32(expected));
    expect(signedOp(32, op, a, b, true)).toBe(u32(expected));
  });

  it('by a zero register: sdiv gives 0, smod keeps the low word and zeroes the upper (§4.1)', () => {
    expect(signedOp(32, 'sdiv', -5n, 0n, false)).toBe(0n);
    expect(signedOp(32, 'smod', 0xdead_ffff_fffbn, 0n, false)).toBe(0xffff_fffbn);
  });
});

// RFC 9669 §4.1 MOVSX: the source's low 8/16/32 bits, sign-extended.
describe('movsx', () => {
  const value = 0x1234_5678_9abc_de80n; // low byte 0x80, half 0xde80, word 0x9abcde80: negative
  it.each<[32 | 64, 8 | 16 | 32, bigint, bigint]>([
    [64, 8, value, u64(-0x80n)],
    [64, 16, value, u64(-0x2180n)],
    [64, 32, value, u64(0x9abc_de80n - (1n << 32n))],
    [64, 8, 0x7fn, 0x7fn],
    [64, 32, 0xffff_ffff_7fff_ffffn, 0x7fff_ffffn],
    [32, 8, value, 0xffff_ff80n], // into 32 bits, then zero-extended
    [32, 16, value, 0xffff_de80n],
    [32, 16, 0x7fffn, 0x7fffn],
  ])('ALU%s movsx s%s of %s = %s', (width, bits, src, expected) => {
    const engine = runToExit([lddw(1, -1n), lddw(2, src), movsx(width, 1, 2, bits)]);
    expect(reg64(engine, 1)).toBe(expected);
  });

  it('works in place (dst = src)', () => {
    expect(reg64(runToExit([lddw(3, 0xffn), movsx(64, 3, 3, 8)]), 3)).toBe(M64);
  });
});

// RFC 9669 §5.2 MEMSX: loads sign-extended into 64 bits (plain LDX zero-extends).
describe('sign-extending loads', () => {
  const data = new Uint8Array([0x80, 0xff, 0x7f, 0x00, 0xfe, 0xff, 0xff, 0xff]);
  it.each<[Line, bigint]>([
    [ldxs('b', 1, 2, 0), u64(-0x80n)],
    [ldxs('b', 1, 2, 2), 0x7fn],
    [ldxs('h', 1, 2, 0), u64(-0x80n)], // 0xff80
    [ldxs('h', 1, 2, 2), 0x7fn],
    [ldxs('w', 1, 2, 0), 0x007f_ff80n],
    [ldxs('w', 1, 2, 4), u64(-2n)],
  ])('%o', (load, expected) => {
    const engine = runToExit([lddwData(2, 0), lddw(1, 0x5555n), load], { data });
    expect(reg64(engine, 1)).toBe(expected);
  });

  it('faults bad_address across the end of data, like any load', () => {
    const engine = loadedEngine(rbf([lddwData(2, 0), ldxs('w', 1, 2, 6), exit()], { data }));
    expect(engine.run(100)).toMatchObject({
      kind: 'fault',
      fault: { code: 'bad_address', pc: 2, address: REGION.data + 6 },
    });
  });
});

// RFC 9669 §4.2: ALU64 END swaps unconditionally; 16 and 32 zero the bits above.
describe('bswap', () => {
  const value = 0x1122_3344_5566_7788n;
  it.each<[16 | 32 | 64, bigint]>([
    [16, 0x8877n],
    [32, 0x8877_6655n],
    [64, 0x8877_6655_4433_2211n],
  ])('bswap%i', (width, expected) => {
    expect(reg64(runToExit([lddw(1, value), bswap(1, width)]), 1)).toBe(expected);
  });
});

// RFC 9669 §4.3: gotol, JMP32 JA with the 32-bit offset in imm.
describe('gotol', () => {
  it('jumps forward and backward by imm', () => {
    const engine = runToExit([
      mov64(1, 0),
      gotol(2), // 1 -> 4
      mov64(1, 99),
      gotol(2), // 3 -> 6
      mov64(1, 7),
      gotol(-3), // 5 -> 3
      mov64(2, 5),
    ]);
    expect(reg64(engine, 1)).toBe(7n);
    expect(reg64(engine, 2)).toBe(5n);
  });
});
