import { INVOKE_RETURN_ADDRESS } from '.';
import { asm, R } from './testing/asm';
import { END, expectEnd, FakeHost, loadedEngine, reg, textAddress } from './testing/harness';

const { v0, a0, a1, a2, a3, zero, ra, sp } = R;

// main (0, 1) returns 0 at once; handlers follow.
const SUM = 2; // v0 = a0 + a1 + a2 + a3, also records $ra and $sp
const SLEEPY = 9; // yields, then returns 9
const FAULTY = 13; // faults with break
const PROGRAM = [
  asm.jr(ra),
  asm.addiu(v0, zero, 0),
  asm.addu(v0, a0, a1), // 2: SUM
  asm.addu(v0, v0, a2),
  asm.addu(v0, v0, a3),
  asm.addu(R.s1, ra, zero),
  asm.addu(R.s2, sp, zero),
  asm.jr(ra),
  asm.nop(),
  asm.addiu(v0, zero, 6), // 9: SLEEPY
  asm.syscall(),
  asm.jr(ra),
  asm.addiu(v0, zero, 9),
  ...END, // 13: FAULTY
];

describe('Mips1Engine.invoke', () => {
  it('calls a handler with up to 4 arguments after main exited, and returns $v0', () => {
    const engine = loadedEngine({ text: PROGRAM });
    expect(engine.run(100)).toEqual({ kind: 'exited', code: 0 });
    const sp = engine.inspect().registers.sp;
    engine.invoke(textAddress(SUM), [1, 2, 3, 4]);
    expect(engine.state).toBe('running');
    expect(engine.run(100)).toEqual({ kind: 'returned', value: 10 });
    expect(engine.state).toBe('exited');
    expect(reg(engine, 's1') >>> 0).toBe(INVOKE_RETURN_ADDRESS);
    expect(reg(engine, 's2') >>> 0).toBe(sp);
    engine.invoke(textAddress(SUM), [-5]);
    expect(engine.run(100)).toEqual({ kind: 'returned', value: -5 });
    expect(engine.run(100)).toEqual({ kind: 'exited', code: 0 });
  });

  it('works before main ran, and leaves the engine loaded', () => {
    const engine = loadedEngine({ text: PROGRAM });
    engine.invoke(textAddress(SUM), [20, 22]);
    expect(engine.run(100)).toEqual({ kind: 'returned', value: 42 });
    expect(engine.state).toBe('loaded');
  });

  it('lets a handler yield and then return', () => {
    const engine = loadedEngine({ text: PROGRAM });
    engine.run(100);
    engine.invoke(textAddress(SLEEPY), []);
    expect(engine.run(100)).toEqual({ kind: 'yielded', sleepMs: 0 });
    expect(() => engine.invoke(textAddress(SUM), [])).toThrow(/running/);
    expect(engine.run(100)).toEqual({ kind: 'returned', value: 9 });
  });

  it('stops the guest when a handler faults', () => {
    const engine = loadedEngine({ text: PROGRAM });
    engine.run(100);
    engine.invoke(textAddress(FAULTY), []);
    expectEnd(engine.run(100), textAddress(FAULTY));
    expect(engine.state).toBe('faulted');
    expect(() => engine.invoke(textAddress(SUM), [])).toThrow(/faulted/);
  });

  it('faults when the handler address is not code', () => {
    const engine = loadedEngine({ text: PROGRAM });
    engine.invoke(0x1002, []);
    expect(engine.run(10)).toEqual({
      kind: 'fault',
      fault: expect.objectContaining({ code: 'misaligned', pc: 0x1002 }),
    });
  });

  it('rejects more than 4 arguments', () => {
    const engine = loadedEngine({ text: PROGRAM });
    expect(() => engine.invoke(textAddress(SUM), [1, 2, 3, 4, 5])).toThrow(RangeError);
  });

  it('ends a handler that calls exit like the program', () => {
    const host = new FakeHost();
    const text = [...PROGRAM, asm.addiu(a0, zero, 3), asm.addiu(v0, zero, 1), asm.syscall()];
    const engine = loadedEngine({ text }, host);
    engine.run(100);
    engine.invoke(textAddress(PROGRAM.length), []);
    expect(engine.run(100)).toEqual({ kind: 'exited', code: 3 });
    expect(engine.state).toBe('exited');
  });
});
