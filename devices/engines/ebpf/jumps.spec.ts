import { exit, ja, jmp, lddw, mov64, reg, type JmpName } from './testing/asm';
import { reg64, runToExit } from './testing/harness';

/** r1 = a, r2 = b; r0 = 1 if `jmp r1, (r2 | imm)` is taken, else 0. */
function taken(width: 32 | 64, op: JmpName, a: bigint, b: bigint, immediate: boolean): boolean {
  const operand = immediate ? Number(BigInt.asIntN(32, b)) : reg(2);
  const engine = runToExit([
    lddw(1, a),
    lddw(2, b),
    mov64(0, 1),
    jmp(width, op, 1, operand, 1),
    mov64(0, 0),
  ]);
  return reg64(engine, 0) === 1n;
}

const NEG1 = (1n << 64n) - 1n;

// RFC 9669 §4.3: 64-bit compares; immediates sign-extended.
describe('JMP (64-bit)', () => {
  it.each<[JmpName, bigint, bigint, boolean]>([
    ['jeq', 5n, 5n, true],
    ['jeq', 0x1_0000_0005n, 5n, false],
    ['jne', 0x1_0000_0005n, 5n, true],
    ['jgt', NEG1, 1n, true], // unsigned
    ['jgt', 1n, 1n, false],
    ['jge', 1n, 1n, true],
    ['jlt', 1n, NEG1, true],
    ['jle', 2n, 1n, false],
    ['jsgt', NEG1, 1n, false], // signed: -1 > 1 is false
    ['jsgt', 1n, NEG1, true],
    ['jsge', NEG1, NEG1, true],
    ['jslt', NEG1, 0n, true],
    ['jsle', 0n, NEG1, false],
    ['jset', 0x1_0000_0000n, 0x1_0000_0000n, true],
    ['jset', 0xf0n, 0x0fn, false],
  ])('%s %s, %s taken: %s', (op, a, b, expected) => {
    expect(taken(64, op, a, b, false)).toBe(expected);
    if (BigInt.asIntN(32, b) === BigInt.asIntN(64, b) || b === NEG1) {
      expect(taken(64, op, a, b, true)).toBe(expected);
    }
  });
});

// JMP32: only the low 32 bits take part.
describe('JMP32', () => {
  it.each<[JmpName, bigint, bigint, boolean]>([
    ['jeq', 0x1_0000_0005n, 5n, true],
    ['jne', 0x1_0000_0005n, 5n, false],
    ['jgt', 0xffff_ffffn, 1n, true],
    ['jge', 0x7_0000_0000n, 1n, false],
    ['jlt', 1n, 0xffff_ffffn, true],
    ['jle', 1n, 1n, true],
    ['jsgt', 0xffff_ffffn, 1n, false],
    ['jsge', 0n, 0xffff_ffffn, true],
    ['jslt', 0x8000_0000n, 0n, true],
    ['jsle', 1n, 0n, false],
    ['jset', 0x1_0000_0000n, 0x1_0000_0000n, false],
  ])('%s %s, %s taken: %s', (op, a, b, expected) => {
    expect(taken(32, op, a, b, false)).toBe(expected);
    expect(taken(32, op, a, b, true)).toBe(expected);
  });
});

describe('ja and loops', () => {
  it('ja skips forward and backward offsets are relative to the next instruction', () => {
    // r0 = 0; loop: r0 += 1; if r0 != 10 goto loop
    const engine = runToExit([
      mov64(0, 0),
      ja(1),
      exit(),
      { opcode: 0x07, dst: 0, src: 0, offset: 0, imm: 1 },
      jmp(64, 'jne', 0, 10, -2),
    ]);
    expect(reg64(engine, 0)).toBe(10n);
  });
});
