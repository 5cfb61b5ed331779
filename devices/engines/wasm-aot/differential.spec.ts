import { aotDevice, classicDevice, readWasm, runImage, wasmImages } from './testing/differential';

/**
 * The AOT tier against the classic interpreter on every committed wasm image
 * (firmware/build/wasm, wasm/libc, wasm-Os): the same output and the same end (exit code, or
 * fault code and pc). Instruction counts differ by design: the AOT tier charges each straight-line
 * stretch whole at its start (README.md, "Instruction counts"), so a stretch left early by a
 * branch is charged in full; it never counts fewer, except where the budget ran out first.
 */
const BUDGET = 50_000_000;
const SLICE = 1_000_000;
/** Measured 1.00–2.10× (libc/bintrees); the README's bound. */
const MAX_COUNT_RATIO = 2.5;

describe('wasm-aot matches the classic interpreter on every image', () => {
  it('finds the images of all three folders', () => {
    const folders = new Set(wasmImages().map(([name]) => name.slice(0, name.lastIndexOf('/'))));
    expect([...folders].sort()).toEqual(['wasm', 'wasm-Os', 'wasm/libc']);
  });

  it.each(wasmImages())(
    '%s: same output and end, count within the bound',
    (_, path) => {
      const image = readWasm(path);
      const expected = runImage(classicDevice(), image, SLICE, BUDGET);
      const device = aotDevice();
      try {
        const got = runImage(device, image, SLICE, BUDGET);
        expect({ output: got.output, end: got.end, pc: got.pc }).toEqual({
          output: expected.output,
          end: expected.end,
          pc: expected.pc,
        });
        if (expected.end === 'budget') {
          // Stopped by the budget: each run that returns budget accounts exactly its budget.
          expect(got.instructions).toBe(BUDGET);
        } else {
          expect(got.instructions).toBeGreaterThanOrEqual(expected.instructions);
          expect(got.instructions).toBeLessThanOrEqual(expected.instructions * MAX_COUNT_RATIO);
        }
      } finally {
        device.engine.dispose?.();
      }
    },
    60_000,
  );
});
