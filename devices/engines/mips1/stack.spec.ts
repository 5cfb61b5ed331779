import { asm, li, R } from './testing/asm';
import { END, loadedEngine, TEST_MEMORY_BYTES } from './testing/harness';

const { sp, t0, zero, fp } = R;
/** Initial $sp of a TEST_MEMORY_BYTES guest (memoryBytes - 16, 8-aligned). */
const STACK_TOP = TEST_MEMORY_BYTES - 16;

/**
 * The image's stackBytes is a limit: a frame adjustment that takes $sp below
 * stackTop - stackBytes (or above the top of memory) faults stack_exhausted at that
 * instruction, before any store could walk into heap, bss or data.
 */
describe('Mips1Engine stack limit', () => {
  it.each([
    ['addiu', [asm.addiu(sp, sp, -2048), asm.addiu(sp, sp, -2048), asm.addiu(sp, sp, -8)]],
    ['addu', [asm.addiu(t0, zero, -4104), asm.addu(sp, sp, t0)]],
    ['subu', [asm.addiu(t0, zero, 4104), asm.subu(sp, sp, t0)]],
    ['move', [asm.addiu(fp, sp, -4104), asm.addu(sp, fp, zero)]],
  ])('%s below the 4 KiB the image asks for is stack_exhausted', (_, text) => {
    const engine = loadedEngine({ text: [...text, ...END], stackBytes: 4096 });
    const outcome = engine.run(100);
    expect(outcome).toMatchObject({
      kind: 'fault',
      fault: { code: 'stack_exhausted', address: STACK_TOP - 4104 },
    });
    if (outcome.kind !== 'fault') return;
    expect(outcome.fault.message).toContain('4104 bytes of stack in use, 4096 granted');
    expect(outcome.fault.pc).toBe(0x1000 + 4 * (text.length - 1));
  });

  it('uses the whole stack it asked for, down to the last byte', () => {
    const engine = loadedEngine({
      text: [asm.addiu(sp, sp, -4096), asm.sw(zero, 0, sp), asm.addiu(sp, sp, 4096), ...END],
      stackBytes: 4096,
    });
    expect(engine.run(100)).toMatchObject({ kind: 'fault', fault: { code: 'break' } });
  });

  it('faults a $sp that would wrap below address 0 instead of letting it run', () => {
    const engine = loadedEngine({
      text: [...li(t0, -(STACK_TOP + 16)), asm.addu(sp, sp, t0), ...END],
      stackBytes: 4096,
    });
    const outcome = engine.run(100);
    expect(outcome).toMatchObject({
      kind: 'fault',
      fault: { code: 'stack_exhausted', address: 0xfffffff0 },
    });
    if (outcome.kind === 'fault')
      expect(outcome.fault.message).toContain(`${STACK_TOP + 16} bytes of stack in use`);
  });

  it('faults a $sp raised above the top of guest memory', () => {
    const engine = loadedEngine({ text: [asm.addiu(sp, sp, 32), ...END], stackBytes: 4096 });
    const outcome = engine.run(100);
    expect(outcome).toMatchObject({ kind: 'fault', fault: { code: 'stack_exhausted' } });
    if (outcome.kind === 'fault') expect(outcome.fault.message).toContain('above the top');
  });
});
