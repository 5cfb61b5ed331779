import {
  ja,
  lddw,
  lddwData,
  lddwRodata,
  ldx,
  mov64,
  st,
  stx,
  alu64,
  exit,
  type Size,
} from './testing/asm';
import { loadedEngine, reg64, REGION, runToExit } from './testing/harness';
import { rbf } from './testing/asm';

const bytes = (...b: number[]) => new Uint8Array(b);
const DATA = bytes(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88);

// RFC 9669 §5.1: loads zero-extend; little-endian.
describe('loads and stores', () => {
  it.each<[Size, bigint]>([
    ['b', 0x88n],
    ['h', 0x7788n],
    ['w', 0x5566_7788n],
    ['dw', 0x1122_3344_5566_7788n],
  ])('ldx%s from the stack zero-extends', (size, expected) => {
    const engine = runToExit([
      lddw(1, 0x1122_3344_5566_7788n),
      stx('dw', 10, -8, 1),
      lddw(2, -1n),
      ldx(size, 2, 10, -8),
    ]);
    expect(reg64(engine, 2)).toBe(expected);
  });

  it.each<[Size, bigint]>([
    ['b', 0xffn],
    ['h', 0xffffn],
    ['w', 0xffff_ffffn],
    ['dw', (1n << 64n) - 1n], // ST dw stores the sign-extended immediate
  ])('st%s stores the immediate', (size, expected) => {
    const engine = runToExit([st('dw', 10, -8, 0), st(size, 10, -8, -1), ldx('dw', 3, 10, -8)]);
    expect(reg64(engine, 3)).toBe(expected);
  });

  it('stores and loads data through the 0xB8 form, read-only rodata through 0xD8', () => {
    const engine = runToExit(
      [lddwData(1, 4), ldx('w', 2, 1, 0), stx('w', 1, -4, 2), lddwRodata(3, 2), ldx('h', 4, 3, 0)],
      { data: DATA, rodata: bytes(0xaa, 0xbb, 0xcc, 0xdd) },
    );
    expect(reg64(engine, 1)).toBe(BigInt(REGION.data + 4));
    expect(reg64(engine, 3)).toBe(BigInt(REGION.rodata + 2));
    expect(reg64(engine, 2)).toBe(0x8877_6655n);
    expect(reg64(engine, 4)).toBe(0xddccn);
    expect([...engine.readMemory(REGION.data, 4)]).toEqual([0x55, 0x66, 0x77, 0x88]);
  });

  it('LDDW loads a full 64-bit constant and counts as one instruction', () => {
    const engine = runToExit([lddw(5, 0xfedc_ba98_7654_3210n)]);
    expect(reg64(engine, 5)).toBe(0xfedc_ba98_7654_3210n);
    expect(engine.inspect().instructions).toBe(2); // lddw + exit
  });

  it('allows unaligned accesses (Femto-Container runs on Cortex-M)', () => {
    const engine = runToExit([st('w', 10, -7, 0x01020304), ldx('w', 1, 10, -7)]);
    expect(reg64(engine, 1)).toBe(0x01020304n);
  });
});

describe('hostile accesses fault with bad_address and the address', () => {
  const run = (text: Parameters<typeof rbf>[0], options: Parameters<typeof rbf>[1] = {}) =>
    loadedEngine(rbf([...text, exit()], options)).run(1000);

  it.each<[string, Parameters<typeof rbf>[0], number, RegExp]>([
    ['a load below the stack (r10 - 8193)', [ldx('b', 1, 10, -8193)], REGION.stack - 1, /outside/],
    ['a store past the stack top', [st('w', 10, 0, 1)], REGION.stack + 8192, /outside/],
    ['a store to rodata', [lddwRodata(1, 0), st('b', 1, 0, 1)], REGION.rodata, /read-only rodata/],
    ['a load past data', [lddwData(1, 8), ldx('b', 2, 1, 0)], REGION.data + 8, /outside/],
    [
      'a word straddling the end of data',
      [lddwData(1, 6), ldx('w', 2, 1, 0)],
      REGION.data + 6,
      /past the end of data/,
    ],
    ['a NULL load', [mov64(1, 0), ldx('dw', 2, 1, 0)], 0, /outside/],
  ])('%s', (_name, text, address, why) => {
    const outcome = run(text, { data: DATA, rodata: bytes(1, 2, 3, 4) });
    expect(outcome).toMatchObject({ kind: 'fault', fault: { code: 'bad_address', address } });
    if (outcome.kind === 'fault') expect(outcome.fault.message).toMatch(why);
  });

  it('a 64-bit address whose low word is in a region still faults', () => {
    const outcome = run([lddw(1, (1n << 32n) + BigInt(REGION.data)), ldx('b', 2, 1, 0)], {
      data: DATA,
    });
    expect(outcome).toMatchObject({ kind: 'fault', fault: { code: 'bad_address', pc: 2 } });
  });

  it('reports the faulting instruction and does not count it', () => {
    const engine = loadedEngine(rbf([mov64(1, 0), alu64('add', 1, 1), ldx('b', 2, 1, 0), exit()]));
    expect(engine.run(100)).toMatchObject({ kind: 'fault', fault: { pc: 2 } });
    expect(engine.inspect()).toMatchObject({ state: 'faulted', pc: 2, instructions: 2 });
  });

  it('an infinite loop is stopped by the budget, and resumes', () => {
    const engine = loadedEngine(rbf([ja(-1), exit()]));
    expect(engine.run(10_000)).toEqual({ kind: 'budget' });
    expect(engine.run(5)).toEqual({ kind: 'budget' });
    expect(engine.inspect().instructions).toBe(10_005);
  });
});
