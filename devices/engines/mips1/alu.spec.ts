import { asm, li, R } from './testing/asm';
import { loadedEngine, reg, runWith, textAddress } from './testing/harness';

const { t0, t1, t2, zero } = R;
const INT_MIN = -0x80000000;
const INT_MAX = 0x7fffffff;

describe('MIPS-I ALU', () => {
  // Each row: t0 and t1 preset, one instruction writing t2, the expected t2 (signed).
  it.each([
    ['addu wraps without trapping', asm.addu(t2, t0, t1), INT_MAX, 1, INT_MIN],
    ['add', asm.add(t2, t0, t1), 5, -3, 2],
    ['subu wraps', asm.subu(t2, t0, t1), INT_MIN, 1, INT_MAX],
    ['sub', asm.sub(t2, t0, t1), -5, 3, -8],
    ['and', asm.and(t2, t0, t1), 0xff00ff00 | 0, 0x0ff00ff0, 0x0f000f00],
    ['or', asm.or(t2, t0, t1), 0xff00ff00 | 0, 0x0ff00ff0, 0xfff0fff0 | 0],
    ['xor', asm.xor(t2, t0, t1), 0xff00ff00 | 0, 0x0ff00ff0, 0xf0f0f0f0 | 0],
    ['nor', asm.nor(t2, t0, t1), 0xff00ff00 | 0, 0x0ff00ff0, 0x000f000f],
    ['slt signed: -1 < 1', asm.slt(t2, t0, t1), -1, 1, 1],
    ['slt signed: 1 < -1 is false', asm.slt(t2, t0, t1), 1, -1, 0],
    ['sltu unsigned: 0xffffffff < 1 is false', asm.sltu(t2, t0, t1), -1, 1, 0],
    ['sltu unsigned: 1 < 0xffffffff', asm.sltu(t2, t0, t1), 1, -1, 1],
    ['move (addu rd, rs, $zero)', asm.addu(t2, t0, zero), 1234, 0, 1234],
    ['move (or rd, $zero, rt)', asm.or(t2, zero, t1), 0, -77, -77],
    ['addiu sign-extends its immediate', asm.addiu(t2, t0, 0xffff), 10, 0, 9],
    ['addiu wraps', asm.addiu(t2, t0, 1), INT_MAX, 0, INT_MIN],
    ['addi', asm.addi(t2, t0, -100), 40, 0, -60],
    ['slti', asm.slti(t2, t0, -1), -2, 0, 1],
    ['sltiu compares the sign-extended immediate unsigned', asm.sltiu(t2, t0, 0xffff), 5, 0, 1],
    ['sltiu: 0xffffffff < 0xfffffffe is false', asm.sltiu(t2, t0, 0xfffe), -1, 0, 0],
    ['andi zero-extends', asm.andi(t2, t0, 0xffff), -1, 0, 0xffff],
    ['ori zero-extends', asm.ori(t2, t0, 0x8000), 0x10000, 0, 0x18000],
    ['xori zero-extends', asm.xori(t2, t0, 0xffff), -1, 0, 0xffff0000 | 0],
    ['li (addiu rt, $zero, imm)', asm.addiu(t2, zero, 0x8000), 0, 0, -0x8000],
    ['li (ori rt, $zero, imm)', asm.ori(t2, zero, 0x8000), 0, 0, 0x8000],
    ['lui', asm.lui(t2, 0x8001), 0, 0, 0x80010000 | 0],
    ['sll', asm.sll(t2, t0, 4), 0x10000001, 0, 0x10],
    ['srl is logical', asm.srl(t2, t0, 28), INT_MIN, 0, 8],
    ['sra is arithmetic', asm.sra(t2, t0, 28), INT_MIN, 0, -8],
    ['sll by 0', asm.sll(t2, t0, 0), -5, 0, -5],
    ['sllv uses the low 5 bits of rs', asm.sllv(t2, t0, t1), 3, 33, 6],
    ['srlv', asm.srlv(t2, t0, t1), -1, 31, 1],
    ['srav', asm.srav(t2, t0, t1), -256, 36, -16],
  ])('%s', (_name, instruction, a, b, expected) => {
    const engine = runWith({ t0: a, t1: b }, [instruction]);
    expect(reg(engine, 't2')).toBe(expected);
  });

  it.each([
    ['addu', asm.addu(zero, t0, t1)],
    ['addiu', asm.addiu(zero, t0, 5)],
    ['lui', asm.lui(zero, 0x1234)],
    ['sll', asm.sll(zero, t0, 1)],
    ['slt', asm.slt(zero, t1, t0)],
    ['mfhi', asm.mfhi(zero)],
    ['add (no overflow)', asm.add(zero, t0, t1)],
    ['lw', asm.lw(zero, 0, R.sp)],
  ])('ignores writes to r0 (%s)', (_name, instruction) => {
    const body = [asm.mthi(t0), asm.sw(t0, 0, R.sp), instruction, asm.addu(t2, zero, zero)];
    const engine = runWith({ t0: 7, t1: 9 }, body);
    expect(reg(engine, 'zero')).toBe(0);
    expect(reg(engine, 't2')).toBe(0);
  });

  // MIPS32 Vol. II, ADD/ADDI/SUB: "If the addition results in 32-bit 2's complement
  // arithmetic overflow, the destination register is not modified and an Integer
  // Overflow exception occurs."
  it.each([
    ['add', asm.add(t2, t0, t1), INT_MAX, 1],
    ['add (negative)', asm.add(t2, t0, t1), INT_MIN, -1],
    ['addi', asm.addi(t2, t0, 1), INT_MAX, 0],
    ['addi (negative immediate)', asm.addi(t2, t0, 0xffff), INT_MIN, 0],
    ['sub', asm.sub(t2, t0, t1), INT_MIN, 1],
    ['sub (negative)', asm.sub(t2, t0, t1), INT_MAX, -1],
    ['add into r0', asm.add(zero, t0, t1), INT_MAX, INT_MAX],
  ])('%s traps on signed overflow and leaves rd unchanged', (_name, instruction, a, b) => {
    const engine = loadedEngine({
      text: [asm.addiu(t2, zero, 99), ...li(t0, a), ...li(t1, b), instruction, asm.nop()],
    });
    const outcome = engine.run(100);
    expect(outcome).toEqual({
      kind: 'fault',
      fault: expect.objectContaining({ code: 'overflow', pc: textAddress(5) }),
    });
    expect(engine.state).toBe('faulted');
    expect(reg(engine, 't2')).toBe(99);
    expect(reg(engine, 'zero')).toBe(0);
    expect(engine.inspect().pc).toBe(textAddress(5));
    expect(engine.inspect().instructions).toBe(5);
  });
});
