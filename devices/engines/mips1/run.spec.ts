import type { RunOutcome, SyscallRequest, SyscallResult } from '../engine';
import { GuestAccessError, type Mips1Engine } from '.';
import { asm, li, R } from './testing/asm';
import { END, expectEnd, FakeHost, loadedEngine, reg, textAddress } from './testing/harness';

const { v0, a0, a1, a2, a3, s0, zero, ra, sp } = R;
const syscall = (number: number) => [asm.addiu(v0, zero, number), asm.syscall()];
const EXIT_0 = [asm.jr(ra), asm.addiu(v0, zero, 0)];

/** `text` followed by data holding `bytes`; a0 is loaded with the data address first. */
function withData(text: number[], bytes: Uint8Array, host: FakeHost) {
  const full = [...li(a0, 0), ...text];
  full.splice(0, 2, ...li(a0, textAddress(full.length)));
  return loadedEngine({ text: full, data: bytes }, host);
}

const cString = (s: string) => new TextEncoder().encode(`${s}\0`);

describe('Mips1Engine syscalls', () => {
  it('passes $v0 and $a0..$a3 to the host and returns its value in $v0', () => {
    const host = new FakeHost((call) =>
      call.number === 40
        ? { kind: 'value', value: call.args.reduce((x, y) => x * 10 + y) }
        : undefined,
    );
    const engine = withData(
      [
        ...syscall(2), // print the string at a0
        asm.addiu(a0, zero, -42),
        ...syscall(3),
        asm.addiu(a0, zero, 1),
        asm.addiu(a1, zero, 2),
        asm.addiu(a2, zero, 3),
        asm.addiu(a3, zero, 4),
        ...syscall(40),
        asm.addu(s0, v0, zero),
        asm.addiu(a0, zero, 9),
        ...syscall(1),
        ...END,
      ],
      cString('héllo '),
      host,
    );
    expect(engine.run(1000)).toEqual({ kind: 'exited', code: 9 });
    expect(host.output).toBe('héllo -42');
    expect(reg(engine, 's0')).toBe(1234);
    expect(host.calls.map((c) => c.number)).toEqual([2, 3, 40, 1]);
    expect(host.calls[2].args).toEqual([1, 2, 3, 4]);
    expect(engine.state).toBe('exited');
    expect(engine.run(1000)).toEqual({ kind: 'exited', code: 9 });
    expect(host.calls).toHaveLength(4);
  });

  it('yields to the device and resumes after the syscall with the host value', () => {
    const host = new FakeHost((call) =>
      call.number === 5 ? { kind: 'yield', sleepMs: call.args[0], value: 77 } : undefined,
    );
    const engine = loadedEngine(
      { text: [asm.addiu(a0, zero, 50), ...syscall(5), asm.addu(s0, v0, zero), ...EXIT_0] },
      host,
    );
    expect(engine.run(1000)).toEqual({ kind: 'yielded', sleepMs: 50 });
    expect(engine.state).toBe('running');
    expect(engine.inspect().pc).toBe(textAddress(3));
    expect(engine.run(1000)).toEqual({ kind: 'exited', code: 0 });
    expect(reg(engine, 's0')).toBe(77);
  });

  it('resumes into the branch target after a syscall in a delay slot yields', () => {
    const engine = loadedEngine({
      text: [
        asm.addiu(v0, zero, 6),
        asm.beq(zero, zero, 2),
        asm.syscall(),
        asm.addiu(s0, zero, 1),
        ...END,
      ],
    });
    expect(engine.run(1000)).toEqual({ kind: 'yielded', sleepMs: 0 });
    expectEnd(engine.run(1000), textAddress(4));
    expect(reg(engine, 's0')).toBe(0);
  });

  const hostFaults: Array<[string, (call: SyscallRequest) => SyscallResult, string, RegExp]> = [
    [
      'a fault result',
      () => ({ kind: 'fault', message: 'unknown syscall 99' }),
      'bad_syscall',
      /unknown syscall 99/,
    ],
    [
      'a thrown Error',
      () => {
        throw new Error('HAL exploded');
      },
      'bad_syscall',
      /failed in the host: HAL exploded/,
    ],
    [
      'a bad guest pointer',
      (call) => ({ kind: 'value', value: call.memory.readBytes(0, 4).length }),
      'bad_address',
      /outside/,
    ],
    [
      'a write into text',
      (call) => {
        call.memory.writeBytes(0x1000, Uint8Array.of(1));
        return { kind: 'value', value: 0 };
      },
      'bad_address',
      /write of 1 bytes/,
    ],
    [
      'an unterminated string',
      (call) => {
        call.memory.writeBytes(0x8000, new Uint8Array(8).fill(97));
        return { kind: 'value', value: call.memory.readCString(0x8000, 8).length };
      },
      'bad_syscall',
      /no NUL terminator within 8 bytes/,
    ],
  ];
  it.each(hostFaults)('turns %s into a fault at the syscall', (_name, answer, code, message) => {
    const engine = loadedEngine(
      { text: [asm.nop(), ...syscall(99), ...END] },
      new FakeHost(answer),
    );
    const outcome = engine.run(100);
    expect(outcome).toEqual({
      kind: 'fault',
      fault: expect.objectContaining({
        code,
        pc: textAddress(2),
        message: expect.stringMatching(message),
      }),
    });
    expect(engine.state).toBe('faulted');
  });

  it('gives syscall handlers checked memory access', () => {
    let seen: unknown;
    const host = new FakeHost((call) => {
      call.memory.writeBytes(call.args[0], Uint8Array.of(9, 8, 7));
      seen = [...call.memory.readBytes(call.args[0], 3)];
      expect(() => call.memory.readBytes(call.args[0], 1 << 20)).toThrow(GuestAccessError);
      return { kind: 'value', value: 0 };
    });
    const engine = loadedEngine({ text: [asm.addu(a0, sp, zero), ...syscall(50), ...END] }, host);
    expectEnd(engine.run(100), textAddress(3));
    expect(seen).toEqual([9, 8, 7]);
  });
});

describe('Mips1Engine budgets', () => {
  const SPIN = [asm.beq(zero, zero, -1), asm.nop()];

  it('stops an infinite loop when the budget runs out, and continues it', () => {
    const engine = loadedEngine({ text: SPIN });
    expect(engine.run(1001)).toEqual({ kind: 'budget' });
    expect(engine.state).toBe('running');
    expect(engine.inspect()).toMatchObject({ instructions: 1001, pc: textAddress(1) });
    expect(engine.run(0)).toEqual({ kind: 'budget' });
    expect(engine.step(1)).toEqual({ kind: 'budget' });
    expect(engine.inspect()).toMatchObject({ instructions: 1002, pc: textAddress(0) });
  });

  it.each([-1, 1.5, Number.NaN, Infinity])('rejects budget %p', (budget) => {
    const engine = loadedEngine({ text: SPIN });
    expect(() => engine.run(budget)).toThrow(RangeError);
  });

  // Fibonacci into an array with calls, loads, stores and a print per element: slicing
  // the run into any budgets (even between a branch and its delay slot) changes nothing.
  const FIB = [
    asm.addiu(sp, sp, -128), // 0
    asm.addiu(R.t0, zero, 1), // 1: t0 = fib(i - 1)
    asm.addiu(R.t1, zero, 0), // 2: t1 = fib(i - 2)
    asm.addiu(s0, zero, 20), // 3: count
    asm.addu(R.s1, sp, zero), // 4: out pointer
    asm.jal(textAddress(17)), // 5: loop: t2 = t0 + t1, in a function
    asm.nop(),
    asm.sw(R.t2, 0, R.s1), // 7
    asm.addu(R.t1, R.t0, zero),
    asm.addu(R.t0, R.t2, zero),
    asm.addu(a0, R.t2, zero),
    ...syscall(3), // 11, 12: print_int
    asm.addiu(s0, s0, -1),
    asm.bne(s0, zero, -10), // 14: back to 5
    asm.addiu(R.s1, R.s1, 4), // delay slot: advance the out pointer
    ...END, // 16
    asm.jr(ra), // 17
    asm.addu(R.t2, R.t0, R.t1),
  ];

  function runSliced(slice: (i: number) => number): {
    engine: Mips1Engine;
    host: FakeHost;
    outcomes: RunOutcome[];
  } {
    const host = new FakeHost();
    const engine = loadedEngine({ text: FIB }, host);
    const outcomes: RunOutcome[] = [];
    for (let i = 0; outcomes.at(-1)?.kind !== 'fault'; i++) {
      const outcome = i % 3 === 2 ? engine.step(slice(i)) : engine.run(slice(i));
      if (outcome.kind !== 'budget') outcomes.push(outcome);
    }
    return { engine, host, outcomes };
  }

  it.each([
    ['budget 1', () => 1],
    ['budget 2', () => 2],
    ['budget 7', () => 7],
    ['mixed budgets', (i: number) => [3, 1, 5, 2, 11][i % 5]],
  ])('gives the same result sliced into %s as in one run', (_name, slice) => {
    const whole = runSliced(() => 1_000_000);
    const sliced = runSliced(slice);
    expect(whole.host.output).toBe('123581321345589144233377610987159725844181676510946');
    expectEnd(whole.outcomes[0], textAddress(16));
    expect(sliced.outcomes).toEqual(whole.outcomes);
    expect(sliced.host.output).toBe(whole.host.output);
    expect(sliced.engine.inspect()).toEqual(whole.engine.inspect());
    const top = whole.engine.inspect().registers.sp;
    expect(sliced.engine.readMemory(top, 128)).toEqual(whole.engine.readMemory(top, 128));
    expect(sliced.engine.memory()).toEqual(whole.engine.memory());
  });
});
