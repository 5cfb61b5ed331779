import { asm, iType, jType, R, rType } from './testing/asm';
import { END, expectEnd, loadedEngine, textAddress } from './testing/harness';

const { v0, t0, t1 } = R;

describe('MIPS-I decoding', () => {
  // Everything outside the MIPS-I user ISA: coprocessors (soft-float guests never use
  // them), later ISA levels, and reserved slots of the opcode tables.
  it.each([
    ['mfc0 (coprocessor 0)', iType(16, 0, v0, 12 << 11)],
    ['add.s (coprocessor 1, FPU)', iType(17, 16, t0, 0)],
    ['coprocessor 2', iType(18, 0, 0, 0)],
    ['coprocessor 3', iType(19, 0, 0, 0)],
    ['lwc1', iType(49, R.sp, 0, 0)],
    ['swc1', iType(57, R.sp, 0, 0)],
    ['ll (MIPS II)', iType(48, R.sp, t0, 0)],
    ['sc (MIPS II)', iType(56, R.sp, t0, 0)],
    ['beql (MIPS II)', iType(20, t0, t1, 1)],
    ['bnel (MIPS II)', iType(21, t0, t1, 1)],
    ['bltzl (MIPS II)', iType(1, t0, 2, 1)],
    ['tgei (MIPS II)', iType(1, t0, 8, 1)],
    ['teq (MIPS II)', rType(52, t0, t1, 0)],
    ['sync (MIPS II)', rType(15, 0, 0, 0)],
    ['movz (MIPS IV)', rType(10, t0, t1, v0)],
    ['daddu (MIPS III)', rType(45, t0, t1, v0)],
    ['ld (MIPS III)', iType(55, R.sp, t0, 0)],
    ['lwu (MIPS III)', iType(39, R.sp, t0, 0)],
    ['mul (MIPS32, SPECIAL2)', rType(2, t0, t1, v0) | (28 << 26)],
    ['SPECIAL funct 1', rType(1, 0, 0, 0)],
    ['SPECIAL funct 5', rType(5, 0, 0, 0)],
    ['opcode 0x3f', jType(0x3f, 0)],
    ['all ones', 0xffffffff],
  ])('%s is illegal_instruction', (_name, word) => {
    const engine = loadedEngine({ text: [asm.nop(), word >>> 0, ...END] });
    const outcome = engine.run(10);
    expect(outcome).toEqual({
      kind: 'fault',
      fault: expect.objectContaining({ code: 'illegal_instruction', pc: textAddress(1) }),
    });
    const hex = (word >>> 0).toString(16).padStart(8, '0');
    expect(outcome.kind === 'fault' && outcome.fault.message).toContain(hex);
    expect(engine.inspect().instructions).toBe(1);
  });

  it('loads text that holds data which is not code, and faults only if it runs', () => {
    const text = [asm.addiu(v0, 0, 3), ...END, 0xffffffff, iType(17, 0, 0, 0), 0x12345678];
    const engine = loadedEngine({ text });
    expectEnd(engine.run(10), textAddress(1));
  });

  it('ignores fields that the manual shows as zero, as the R3000 does', () => {
    const addWithShamt = rType(33, t0, t1, v0, 7); // addu v0, t0, t1 with sa = 7
    const engine = loadedEngine({
      text: [asm.addiu(t0, 0, 2), asm.addiu(t1, 0, 3), addWithShamt, ...END],
    });
    expectEnd(engine.run(10), textAddress(3));
    expect(engine.inspect().registers.v0).toBe(5);
  });
});
