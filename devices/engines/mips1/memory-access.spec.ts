import { asm, li, R } from './testing/asm';
import {
  END,
  expectEnd,
  loadedEngine,
  reg,
  TEST_MEMORY_BYTES,
  textAddress,
} from './testing/harness';

const { t0, t1, t2, zero } = R;

/**
 * Runs `body` with t0 = the address of `data` (the image's data section, right after
 * text) and t1 = `value`. Returns the engine and the data address.
 */
function onData(data: number[], body: number[], value = 0) {
  const text = [...li(t0, 0), ...li(t1, value), ...body, ...END];
  const dataAddress = textAddress(text.length);
  text.splice(0, 2, ...li(t0, dataAddress));
  const engine = loadedEngine({ text, data: Uint8Array.from(data) });
  const outcome = engine.run(1000);
  return { engine, outcome, dataAddress, endPc: textAddress(text.length - 1) };
}

const WORDS = [0x80, 0x7f, 0xfe, 0x80, 0x44, 0x33, 0x22, 0x11];

describe('MIPS-I loads and stores', () => {
  it.each([
    ['lb sign-extends', asm.lb(t2, 0, t0), -128],
    ['lbu zero-extends', asm.lbu(t2, 0, t0), 128],
    ['lb positive', asm.lb(t2, 1, t0), 127],
    ['lh little-endian', asm.lh(t2, 0, t0), 0x7f80],
    ['lh sign-extends', asm.lh(t2, 2, t0), 0x80fe - 0x10000],
    ['lhu zero-extends', asm.lhu(t2, 2, t0), 0x80fe],
    ['lw little-endian', asm.lw(t2, 0, t0), 0x80fe7f80 | 0],
    ['lw with offset', asm.lw(t2, 4, t0), 0x11223344],
    ['lw with a negative offset (the last text word)', asm.lw(t2, -4, t0), asm.break(0x3ff) | 0],
  ])('%s', (_name, instruction, expected) => {
    const { engine, outcome, endPc } = onData(WORDS, [instruction]);
    expectEnd(outcome, endPc);
    expect(reg(engine, 't2')).toBe(expected);
  });

  it.each([
    ['sb', asm.sb(t1, 1, t0), [0, 0x44, 0, 0, 0, 0, 0, 0]],
    ['sh', asm.sh(t1, 2, t0), [0, 0, 0x44, 0x33, 0, 0, 0, 0]],
    ['sw', asm.sw(t1, 4, t0), [0, 0, 0, 0, 0x44, 0x33, 0x22, 0x11]],
  ])('%s stores the low bytes of rt, little-endian', (_name, instruction, expected) => {
    const { engine, dataAddress } = onData([0, 0, 0, 0, 0, 0, 0, 0], [instruction], 0x11223344);
    expect([...engine.readMemory(dataAddress, 8)]).toEqual(expected);
  });

  it.each([
    ['lw', asm.lw(t2, 2, t0), 2],
    ['lw', asm.lw(t2, 1, t0), 1],
    ['lh', asm.lh(t2, 1, t0), 1],
    ['lhu', asm.lhu(t2, 3, t0), 3],
    ['sw', asm.sw(t1, 3, t0), 3],
    ['sh', asm.sh(t1, 1, t0), 1],
  ])('%s at a misaligned address faults misaligned (offset %#)', (_name, instruction, offset) => {
    const { engine, outcome, dataAddress } = onData(WORDS, [instruction]);
    expect(outcome).toEqual({
      kind: 'fault',
      fault: expect.objectContaining({
        code: 'misaligned',
        pc: textAddress(4),
        address: dataAddress + offset,
      }),
    });
    expect(engine.inspect().pc).toBe(textAddress(4));
  });

  const top = TEST_MEMORY_BYTES;
  it.each([
    ['lw from NULL', asm.lw(t2, 0, t1), 0],
    ['lw just below the load address', asm.lw(t2, 0, t1), 0xffc],
    ['lb just below the load address', asm.lb(t2, 0, t1), 0xfff],
    ['lb at the end of memory', asm.lb(t2, 0, t1), top],
    ['lw across the end of memory', asm.lwl(t2, 0, t1), top],
    ['lw from a kernel address', asm.lw(t2, 0, t1), 0x80000000],
    ['lw into r0 still checks', asm.lw(zero, 0, t1), 0],
    ['sb at the end of memory', asm.sb(t2, 0, t1), top],
    ['sw far above memory', asm.sw(t2, 0, t1), 0x7ffffff0],
    ['sw into text', asm.sw(t2, 0, t1), 0x1000],
    ['sb into text', asm.sb(t2, 0, t1), 0x1003],
    ['sh into text', asm.sh(t2, 0, t1), 0x1002],
    ['swl into text', asm.swl(t2, 0, t1), 0x1001],
    ['swr into text', asm.swr(t2, 0, t1), 0x1006],
  ])('%s faults bad_address', (_name, instruction, address) => {
    const { engine, outcome } = onData([], [instruction], address);
    expect(outcome).toEqual({
      kind: 'fault',
      fault: expect.objectContaining({ code: 'bad_address', pc: textAddress(4), address }),
    });
    expect(engine.state).toBe('faulted');
  });

  it('says why a store into text is refused', () => {
    const { outcome } = onData([], [asm.sw(t2, 0, t1)], 0x1000);
    expect(outcome.kind === 'fault' && outcome.fault.message).toMatch(/read-only text/);
  });

  it('reads text (read-only data lives there) and the last word of memory', () => {
    const { engine, outcome, endPc } = onData(
      [],
      [
        ...li(t1, TEST_MEMORY_BYTES - 4),
        asm.sw(t0, 0, t1),
        asm.lw(t2, 0, t1),
        asm.lw(R.t3, 0x1000, zero),
      ],
    );
    expectEnd(outcome, endPc);
    expect(reg(engine, 't2')).toBe(reg(engine, 't0'));
    expect(reg(engine, 't3') >>> 0).toBe(asm.lui(t0, 0));
  });

  // MIPS32 Vol. II, LWL/LWR/SWL/SWR with little-endian byte order: register 0xaabbccdd,
  // memory word 0x44332211 (bytes 11 22 33 44), effective address = word + byte.
  it.each([
    ['lwl', 0, 0x11bbccdd],
    ['lwl', 1, 0x2211ccdd],
    ['lwl', 2, 0x332211dd],
    ['lwl', 3, 0x44332211],
    ['lwr', 0, 0x44332211],
    ['lwr', 1, 0xaa443322],
    ['lwr', 2, 0xaabb4433],
    ['lwr', 3, 0xaabbcc44],
  ])('%s at byte %i merges into the register', (name, byte, expected) => {
    const load = name === 'lwl' ? asm.lwl(t1, byte, t0) : asm.lwr(t1, byte, t0);
    const { engine } = onData([0x11, 0x22, 0x33, 0x44], [load], 0xaabbccdd);
    expect(reg(engine, 't1') >>> 0).toBe(expected);
  });

  it.each([
    ['swl', 0, 0x443322aa],
    ['swl', 1, 0x4433aabb],
    ['swl', 2, 0x44aabbcc],
    ['swl', 3, 0xaabbccdd],
    ['swr', 0, 0xaabbccdd],
    ['swr', 1, 0xbbccdd11],
    ['swr', 2, 0xccdd2211],
    ['swr', 3, 0xdd332211],
  ])('%s at byte %i merges into memory', (name, byte, expected) => {
    const store = name === 'swl' ? asm.swl(t1, byte, t0) : asm.swr(t1, byte, t0);
    const { engine, dataAddress } = onData([0x11, 0x22, 0x33, 0x44], [store], 0xaabbccdd);
    const word = engine.readMemory(dataAddress, 4);
    expect(new DataView(word.buffer).getUint32(0, true)).toBe(expected);
  });

  const BYTES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  it.each([0, 1, 2, 3, 5])('lwr 0(a) + lwl 3(a) load the unaligned word at +%i', (offset) => {
    const { engine } = onData(BYTES, [asm.lwr(t2, offset, t0), asm.lwl(t2, offset + 3, t0)]);
    const expected = new DataView(Uint8Array.from(BYTES).buffer).getInt32(offset, true);
    expect(reg(engine, 't2')).toBe(expected);
  });

  it.each([0, 1, 2, 3, 6])('swr 0(a) + swl 3(a) store an unaligned word at +%i', (offset) => {
    const store = [asm.swr(t1, offset, t0), asm.swl(t1, offset + 3, t0)];
    const { engine, dataAddress } = onData(BYTES, store, 0xa1b2c3d4);
    const expected = [...BYTES];
    expected.splice(offset, 4, 0xd4, 0xc3, 0xb2, 0xa1);
    expect([...engine.readMemory(dataAddress, BYTES.length)]).toEqual(expected);
  });
});
