import { asm, li, R } from './testing/asm';
import { END, expectEnd, loadedEngine, reg, runWith, textAddress } from './testing/harness';

const { t0, t1, v0, v1, ra, zero } = R;

describe('MIPS-I branches and jumps', () => {
  // li t0 (0,1); li t1 (2,3); branch at 4 to 7; delay slot 5 sets v0; 6 sets v1 unless taken.
  it.each([
    ['beq', asm.beq(t0, t1, 2), 5, 5, true],
    ['beq', asm.beq(t0, t1, 2), 5, 6, false],
    ['bne', asm.bne(t0, t1, 2), 5, 6, true],
    ['bne', asm.bne(t0, t1, 2), -1, -1, false],
    ['blez', asm.blez(t0, 2), 0, 0, true],
    ['blez', asm.blez(t0, 2), -0x80000000, 0, true],
    ['blez', asm.blez(t0, 2), 1, 0, false],
    ['bgtz', asm.bgtz(t0, 2), 1, 0, true],
    ['bgtz', asm.bgtz(t0, 2), 0, 0, false],
    ['bltz', asm.bltz(t0, 2), -1, 0, true],
    ['bltz', asm.bltz(t0, 2), 0, 0, false],
    ['bgez', asm.bgez(t0, 2), 0, 0, true],
    ['bgez', asm.bgez(t0, 2), -5, 0, false],
    ['bltzal', asm.bltzal(t0, 2), -1, 0, true],
    ['bltzal', asm.bltzal(t0, 2), 3, 0, false],
    ['bgezal', asm.bgezal(t0, 2), 3, 0, true],
    ['bgezal', asm.bgezal(t0, 2), -3, 0, false],
  ])('%s with t0=%i t1=%i taken=%s; the delay slot always runs', (name, branch, a, b, taken) => {
    const engine = runWith({ t0: a, t1: b }, [
      branch,
      asm.addiu(v0, zero, 1),
      asm.addiu(v1, zero, 1),
    ]);
    expect(reg(engine, 'v0')).toBe(1);
    expect(reg(engine, 'v1')).toBe(taken ? 0 : 1);
    // MIPS32 Vol. II, BLTZAL/BGEZAL: GPR[31] ← PC + 8, taken or not.
    expect(reg(engine, 'ra')).toBe(name.endsWith('al') ? textAddress(6) : 0);
  });

  it('decides a branch before its delay slot overwrites the source register', () => {
    const engine = runWith({ t0: 5, t1: 5 }, [
      asm.beq(t0, t1, 2),
      asm.addiu(t0, t0, 1),
      asm.addiu(v1, zero, 1),
    ]);
    expect(reg(engine, 'v1')).toBe(0);
    expect(reg(engine, 't0')).toBe(6);
  });

  it('runs a counted loop with a backward branch', () => {
    // v0 = sum of 1..10: loop at 2..4, t0 counts down.
    const engine = runWith({ t0: 10 }, [
      asm.addu(v0, v0, t0),
      asm.addiu(t0, t0, -1),
      asm.bne(t0, zero, -3),
      asm.nop(),
    ]);
    expect(reg(engine, 'v0')).toBe(55);
  });

  it('jal links pc + 8 and jr $ra returns after its delay slot', () => {
    const engine = loadedEngine({
      text: [
        asm.jal(textAddress(4)),
        asm.addiu(R.s0, zero, 1), // delay slot of jal
        asm.addiu(R.s1, zero, 2), // return address
        ...END,
        asm.addu(v0, ra, zero), // 4: the called function
        asm.jr(ra),
        asm.addiu(R.s2, zero, 3), // delay slot of jr
      ],
    });
    expectEnd(engine.run(100), textAddress(3));
    expect(reg(engine, 'v0')).toBe(textAddress(2));
    expect([reg(engine, 's0'), reg(engine, 's1'), reg(engine, 's2')]).toEqual([1, 2, 3]);
  });

  it('jalr links into rd and jumps to rs', () => {
    const engine = loadedEngine({
      text: [
        ...li(R.t9, textAddress(6)),
        asm.jalr(R.s5, R.t9),
        asm.nop(),
        ...END, // 4
        ...END,
        asm.addu(v0, R.s5, zero), // 6
        asm.jr(R.s5),
        asm.nop(),
      ],
    });
    expectEnd(engine.run(100), textAddress(4));
    expect(reg(engine, 'v0')).toBe(textAddress(4));
    expect(reg(engine, 'ra')).toBe(0);
  });

  it('j jumps within the current 256 MiB region', () => {
    const engine = loadedEngine({
      text: [asm.j(textAddress(3)), asm.addiu(v0, zero, 1), asm.addiu(v1, zero, 1), ...END],
    });
    expectEnd(engine.run(100), textAddress(3));
    expect([reg(engine, 'v0'), reg(engine, 'v1')]).toEqual([1, 0]);
  });

  it.each([
    ['misaligned', 0x1002],
    ['bad_address', 0x2000], // past text: data and stack are not executable
    ['bad_address', 0x100000], // past the end of memory
    ['bad_address', 0x800], // the unmapped page below the load address
  ])('jr to a bad target faults %s at the target, after the delay slot', (code, target) => {
    const engine = loadedEngine({
      text: [...li(t0, target), asm.jr(t0), asm.addiu(v0, zero, 7), ...END],
    });
    expect(engine.run(100)).toEqual({
      kind: 'fault',
      fault: expect.objectContaining({ code, pc: target, address: target }),
    });
    expect(reg(engine, 'v0')).toBe(7);
    expect(engine.inspect().pc).toBe(target);
  });

  it('faults bad_address when execution runs off the end of text', () => {
    const engine = loadedEngine({ text: [asm.nop(), asm.nop()] });
    expect(engine.run(100)).toEqual({
      kind: 'fault',
      fault: expect.objectContaining({ code: 'bad_address', pc: textAddress(2) }),
    });
    expect(engine.inspect().instructions).toBe(2);
  });

  // A jump or branch in a delay slot is UNPREDICTABLE on MIPS; this engine makes it illegal.
  it.each([
    ['j after beq', [asm.beq(zero, zero, 2), asm.j(textAddress(4))]],
    ['jr after jal', [asm.jal(textAddress(4)), asm.jr(ra)]],
    ['bne after jr', [asm.jr(ra), asm.bne(t0, t1, 1)]],
  ])('%s is illegal_instruction', (_name, pair) => {
    const engine = loadedEngine({ text: [...pair, ...END, ...END, ...END] });
    expect(engine.run(100)).toEqual({
      kind: 'fault',
      fault: expect.objectContaining({ code: 'illegal_instruction', pc: textAddress(1) }),
    });
  });
});
