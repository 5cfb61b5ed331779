import {
  buildMips1Image,
  ImageError,
  MIPS1_HEADER_BYTES,
} from '../../../src/protocol/images/mips1-image';
import { Mips1Engine, Mips1LoadError, REGISTER_NAMES } from '.';
import { asm, assemble, R } from './testing/asm';
import {
  END,
  expectEnd,
  FakeHost,
  LOAD_ADDRESS,
  loadedEngine,
  reg,
  TEST_MEMORY_BYTES,
  testImage,
  textAddress,
} from './testing/harness';

const { v0, zero, sp, ra } = R;
const RETURN_42 = [asm.jr(ra), asm.addiu(v0, zero, 42)];

function newEngine(memoryBytes = TEST_MEMORY_BYTES) {
  return new Mips1Engine({ memoryBytes }, new FakeHost());
}

/** A valid image with one header field (little-endian u16/u32 at `offset`) replaced. */
function patched(offset: number, value: number, size: 2 | 4 = 4): Uint8Array {
  const image = testImage({ text: RETURN_42 });
  const view = new DataView(image.buffer);
  if (size === 2) view.setUint16(offset, value, true);
  else view.setUint32(offset, value, true);
  return image;
}

describe('Mips1Engine lifecycle', () => {
  it('loads an image, reports the load and starts at the entry with the ABI registers', () => {
    const engine = newEngine();
    expect(engine.state).toBe('idle');
    const image = testImage({ text: [...END, ...RETURN_42], entryIndex: 1 });
    const report = engine.load(image);
    expect(report.imageBytes).toBe(image.length);
    expect(report.guestMemoryBytes).toBe(TEST_MEMORY_BYTES);
    expect(report.loadTimeMs).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(report.loadTimeMs)).toBe(true);
    const { state, pc, registers, instructions } = engine.inspect();
    expect({ state, pc, instructions }).toEqual({
      state: 'loaded',
      pc: textAddress(1),
      instructions: 0,
    });
    expect(Object.keys(registers).sort()).toEqual([...REGISTER_NAMES, 'hi', 'lo', 'pc'].sort());
    const nonZero = Object.entries(registers).filter(([, value]) => value !== 0);
    expect(nonZero).toEqual([
      ['sp', TEST_MEMORY_BYTES - 16],
      ['pc', textAddress(1)],
    ]);
  });

  it('ends with exit code $v0 when _start returns to $ra = 0, and stays exited', () => {
    const engine = loadedEngine({ text: RETURN_42 });
    expect(engine.run(100)).toEqual({ kind: 'exited', code: 42 });
    expect(engine.state).toBe('exited');
    expect(engine.run(100)).toEqual({ kind: 'exited', code: 42 });
    expect(engine.inspect().instructions).toBe(2);
  });

  it('reports a fault again without running on, and reset() recovers', () => {
    const engine = loadedEngine({ text: [asm.addiu(R.s0, R.s0, 1), ...END, ...RETURN_42] });
    const first = engine.run(100);
    expectEnd(first, textAddress(1));
    expect(engine.run(100)).toBe(first);
    expect(engine.inspect().instructions).toBe(1);
    engine.reset();
    expect(engine.state).toBe('loaded');
    expect(engine.inspect().instructions).toBe(0);
    expectEnd(engine.run(100), textAddress(1));
    expect(reg(engine, 's0')).toBe(1);
  });

  it('reset() restores data the program changed and zeroes bss', () => {
    const text = [
      asm.lui(R.t0, 0),
      asm.ori(R.t0, R.t0, 0),
      asm.sw(sp, 0, R.t0),
      asm.sw(sp, 4, R.t0),
    ];
    text.push(...END);
    const dataAddress = textAddress(text.length);
    text[1] = asm.ori(R.t0, R.t0, dataAddress);
    const engine = loadedEngine({ text, data: Uint8Array.from([1, 2, 3, 4]), bssBytes: 4 });
    engine.run(100);
    expect([...engine.readMemory(dataAddress, 8)]).not.toEqual([1, 2, 3, 4, 0, 0, 0, 0]);
    engine.reset();
    expect([...engine.readMemory(dataAddress, 8)]).toEqual([1, 2, 3, 4, 0, 0, 0, 0]);
  });

  it('refuses to run, reset or invoke before a program is loaded', () => {
    const engine = newEngine();
    expect(() => engine.run(1)).toThrow(/no program loaded/);
    expect(() => engine.reset()).toThrow(/no program loaded/);
    expect(() => engine.invoke(LOAD_ADDRESS, [])).toThrow(/no program loaded/);
    expect(() => engine.readMemory(LOAD_ADDRESS, 4)).toThrow(/no program loaded/);
    expect(engine.inspect()).toMatchObject({ state: 'idle', pc: 0, instructions: 0 });
    expect(engine.memory()).toEqual({ guestBytes: 0, peakGuestBytes: 0, engineBytes: 0 });
  });

  it.each([0, 63, 1.5, 2 ** 30, Number.NaN])('rejects memoryBytes %p', (memoryBytes) => {
    expect(() => newEngine(memoryBytes)).toThrow(RangeError);
  });
});

describe('Mips1Engine.load rejects bad images', () => {
  it.each([
    ['image_too_small', () => new Uint8Array(10)],
    ['bad_magic', () => patched(0, 0x464c457f)],
    ['unsupported_version', () => patched(4, 2, 2)],
    ['bad_layout', () => patched(12, LOAD_ADDRESS + 0x100)],
    ['size_mismatch', () => Uint8Array.from([...testImage({ text: RETURN_42 }), 0])],
  ])('%s, with the parser ImageError', (code, image) => {
    const engine = newEngine();
    expect(() => engine.load(image())).toThrow(ImageError);
    expect(() => engine.load(image())).toThrow(expect.objectContaining({ code }));
    expect(engine.state).toBe('idle');
  });

  it.each([
    ['bss past the top of memory', { bssBytes: TEST_MEMORY_BYTES }],
    ['a stack that does not fit', { stackBytes: TEST_MEMORY_BYTES - LOAD_ADDRESS }],
  ])('does_not_fit: %s', (_name, sizes) => {
    const engine = newEngine();
    const image = testImage({ text: RETURN_42, ...sizes });
    expect(() => engine.load(image)).toThrow(Mips1LoadError);
    expect(() => engine.load(image)).toThrow(/needs \d+ bytes of guest memory/);
  });

  it('null_page_mapped: an image linked at address 0', () => {
    const image = buildMips1Image({
      loadAddress: 0,
      entry: 0,
      text: assemble(RETURN_42),
      data: new Uint8Array(0),
      bssBytes: 0,
      stackBytes: 0,
    });
    expect(() => newEngine().load(image)).toThrow(
      expect.objectContaining({ code: 'null_page_mapped' }),
    );
  });

  it('keeps the running program when a new image is rejected', () => {
    const engine = loadedEngine({ text: [asm.addiu(R.s0, zero, 5), ...RETURN_42] });
    engine.step(1);
    expect(() => engine.load(new Uint8Array(MIPS1_HEADER_BYTES))).toThrow(ImageError);
    expect(engine.state).toBe('running');
    expect(engine.run(100)).toEqual({ kind: 'exited', code: 42 });
    expect(reg(engine, 's0')).toBe(5);
  });
});

describe('Mips1Engine inspection', () => {
  it('readMemory returns a bounded, checked copy', () => {
    const engine = loadedEngine({ text: RETURN_42 });
    const text = engine.readMemory(LOAD_ADDRESS, 8);
    expect([...text]).toEqual([...assemble(RETURN_42)]);
    text[0] = 0xff;
    expect(engine.readMemory(LOAD_ADDRESS, 1)[0]).not.toBe(0xff);
    expect(engine.readMemory(TEST_MEMORY_BYTES - 4096, 4096)).toHaveLength(4096);
    expect(() => engine.readMemory(LOAD_ADDRESS, 4097)).toThrow(RangeError);
    expect(() => engine.readMemory(LOAD_ADDRESS - 1, 2)).toThrow(/outside guest memory/);
    expect(() => engine.readMemory(TEST_MEMORY_BYTES - 2, 4)).toThrow(RangeError);
    expect(() => engine.readMemory(LOAD_ADDRESS, -1)).toThrow(RangeError);
  });

  it('memory() reports static size plus the deepest stack seen', () => {
    const engine = loadedEngine({
      text: [
        asm.addiu(sp, sp, -256),
        asm.jal(textAddress(4)),
        asm.nop(),
        ...END,
        asm.addiu(sp, sp, -64), // 4: a leaf function with a 64-byte frame
        asm.jr(ra),
        asm.addiu(sp, sp, 64),
      ],
      bssBytes: 100,
    });
    const staticBytes = 7 * 4 + 100;
    expect(engine.memory()).toMatchObject({
      guestBytes: TEST_MEMORY_BYTES,
      peakGuestBytes: staticBytes + 16,
    });
    engine.run(100);
    const report = engine.memory();
    expect(report.peakGuestBytes).toBe(staticBytes + 16 + 256 + 64);
    expect(report.engineBytes).toBeGreaterThan(7 * 8);
  });
});
