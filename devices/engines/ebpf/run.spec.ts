import { ABI_HELPER_BASE, FC_HELPERS } from '../../../src/protocol/images/rbf/helpers';
import {
  alu64,
  call,
  callLocal,
  exit,
  ja,
  jmp,
  lddwData,
  lddwRodata,
  ldx,
  mov64,
  rbf,
  reg,
  st,
  stx,
} from './testing/asm';
import { FakeHost, loadedEngine, reg64 } from './testing/harness';

const abi = (nr: number) => call(ABI_HELPER_BASE + nr);
const text = (s: string) => new TextEncoder().encode(`${s}\0`);

/** sum = 0; for i in 1..100: sum += i; r0 = sum: 1 + 100 × 3 + 1 instructions. */
const SUM = rbf([
  mov64(0, 0),
  mov64(1, 100),
  alu64('add', 0, reg(1)),
  alu64('sub', 1, 1),
  jmp(64, 'jne', 1, 0, -3),
  exit(),
]);

describe('run and step', () => {
  it('runs to exit with r0 as the exit code', () => {
    const engine = loadedEngine(SUM);
    expect(engine.run(1_000)).toEqual({ kind: 'exited', code: 5050 });
    expect(engine.inspect()).toMatchObject({ state: 'exited', instructions: 303 });
    expect(engine.run(1)).toEqual({ kind: 'exited', code: 5050 });
  });

  it.each([1, 2, 7, 50, 302])('gives the same result sliced into runs of %i', (slice) => {
    const engine = loadedEngine(SUM);
    let outcome = engine.step(slice);
    let runs = 1;
    while (outcome.kind === 'budget') {
      expect(engine.inspect().instructions).toBe(runs * slice);
      outcome = engine.step(slice);
      runs++;
    }
    expect(outcome).toEqual({ kind: 'exited', code: 5050 });
    expect(engine.inspect().instructions).toBe(303);
  });

  it('reset() starts over with fresh data', () => {
    const engine = loadedEngine(
      rbf([lddwData(1, 0), ldx('w', 0, 1, 0), alu64('add', 0, 1), stx('w', 1, 0, 0), exit()], {
        data: new Uint8Array(4),
      }),
    );
    expect(engine.run(10)).toEqual({ kind: 'exited', code: 1 });
    engine.reset();
    expect(engine.run(10)).toEqual({ kind: 'exited', code: 1 });
  });
});

describe('helpers', () => {
  it('maps ABI helpers to syscalls: print, print_int, exit', () => {
    const host = new FakeHost();
    const engine = loadedEngine(
      rbf([lddwRodata(1, 0), abi(2), mov64(1, -42), abi(3), mov64(1, 7), abi(1), exit()], {
        rodata: text('hi '),
      }),
      host,
    );
    expect(engine.run(100)).toEqual({ kind: 'exited', code: 7 });
    expect(host.output).toBe('hi -42');
    expect(host.calls.map((c) => c.number)).toEqual([2, 3, 1]);
  });

  it('suspends on a yielding helper and resumes after it with r0 = its value', () => {
    const host = new FakeHost();
    const engine = loadedEngine(rbf([mov64(1, 250), abi(5), alu64('add', 0, 1), exit()]), host);
    expect(engine.run(100)).toEqual({ kind: 'yielded', sleepMs: 250 });
    expect(engine.inspect().pc).toBe(2);
    expect(engine.run(100)).toEqual({ kind: 'exited', code: 1 });
  });

  it('bpf_printf formats into the helper buffer and prints it', () => {
    const host = new FakeHost();
    const engine = loadedEngine(
      rbf(
        [
          lddwRodata(1, 0),
          mov64(2, -5),
          mov64(3, 255),
          lddwRodata(4, 16),
          call(FC_HELPERS.printf),
          exit(),
        ],
        {
          rodata: new Uint8Array([...text('%d %04x %s!'), 0, 0, 0, 0, ...text('ok')]),
        },
      ),
      host,
    );
    expect(engine.run(100).kind).toBe('exited');
    expect(host.output).toBe('-5 00ff ok!');
  });

  it('keeps local and global key/value stores (0x10-0x13)', () => {
    const engine = loadedEngine(
      rbf([
        mov64(1, 9),
        mov64(2, 1234),
        call(FC_HELPERS.storeLocal),
        mov64(1, 9),
        mov64(2, reg(10)),
        alu64('add', 2, -8),
        call(FC_HELPERS.fetchLocal),
        ldx('w', 0, 10, -8),
        exit(),
      ]),
    );
    expect(engine.run(100)).toEqual({ kind: 'exited', code: 1234 });
  });

  it('a host fault on a helper becomes bad_syscall at the call', () => {
    const engine = loadedEngine(rbf([mov64(0, 0), abi(20), exit()]));
    expect(engine.run(100)).toMatchObject({ kind: 'fault', fault: { code: 'bad_syscall', pc: 1 } });
  });
});

describe('bpf-to-bpf calls and invoke', () => {
  // main: r6 = 5; r10-8 = 1; call twice; r0 = twice's result + r6 + *(r10-8)
  // twice (instruction 7): *(r10-8) = 99; r6 = 0; r0 = r1 * 2; exit
  const PROGRAM = rbf(
    [
      mov64(6, 5),
      st('dw', 10, -8, 1),
      mov64(1, 20),
      callLocal(3),
      alu64('add', 0, reg(6)),
      ldx('dw', 1, 10, -8),
      ja(5),
      st('dw', 10, -8, 99),
      mov64(6, 0),
      mov64(0, 2),
      ...[alu64('mul', 0, reg(1)), exit()],
      alu64('add', 0, reg(1)),
      exit(),
    ].flat(),
    { functions: [0, 7] },
  );

  it('gives the callee its own frame and restores r6..r10', () => {
    const engine = loadedEngine(PROGRAM);
    expect(engine.run(100)).toEqual({ kind: 'exited', code: 46 });
    expect(engine.inspect().registers.depth).toBe(0);
  });

  it('invoke() runs a function at its text offset and returns r0', () => {
    const engine = loadedEngine(PROGRAM);
    expect(engine.run(100).kind).toBe('exited');
    engine.invoke(7 * 8, [21]);
    expect(engine.run(100)).toEqual({ kind: 'returned', value: 42 });
    expect(engine.state).toBe('exited');
    expect(() => engine.invoke(7 * 8 + 4, [])).toThrow(RangeError);
  });

  it('deep recursion ends in stack_exhausted, not a crash', () => {
    const engine = loadedEngine(rbf([st('dw', 10, -8, 0), callLocal(-2), exit()]));
    expect(engine.run(1_000_000)).toMatchObject({
      kind: 'fault',
      fault: { code: 'stack_exhausted', pc: 1 },
    });
  });

  it('reports r0..r10 and the call depth in inspect()', () => {
    const engine = loadedEngine(PROGRAM);
    engine.step(4);
    const registers = engine.inspect().registers;
    expect(registers).toMatchObject({ r1: 20, r6: 5, depth: 1 });
    expect(registers.r10).toBe(reg64(engine, 10) > 0n ? Number(reg64(engine, 10)) : -1);
  });
});
