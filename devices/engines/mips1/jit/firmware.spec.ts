import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { record, type RunRecord } from './testing/differential';

/**
 * Every committed MIPS-I image (benchmarks, libc programs, hostile apps; -O2 and -Os) on
 * the interpreter and on the translator: same outcomes (exit code, fault code, pc,
 * address, message), console, syscalls, instruction count, registers, memory report.
 */
const BUILD = join(__dirname, '..', '..', '..', '..', 'firmware', 'build');
/** bench:vm gives images 64 KiB; the libc programs need more. */
const MEMORY_BYTES = 256 * 1024;
/** Beyond any benchmark's own length (~26 M), so apps that loop forever stop here. */
const CAP = 4_000_000;

const images = (dir: string): Array<[string, string]> =>
  readdirSync(join(BUILD, dir))
    .filter((f) => f.endsWith('.m1'))
    .sort()
    .map((f) => [`${dir}/${f}`, join(BUILD, dir, f)]);

const ALL = [...images('mips1'), ...images('mips1/libc'), ...images('mips1-Os')];

function both(path: string, cap: number, slice: (i: number) => number): RunRecord[] {
  const image = new Uint8Array(readFileSync(path));
  const options = { memoryBytes: MEMORY_BYTES, cap, slice };
  return [record('interp', image, options), record('jit', image, options)];
}

describe('mips1-jit against the interpreter on the committed images', () => {
  it('finds the images', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(50);
    expect(ALL.map(([name]) => name)).toEqual(
      expect.arrayContaining(['mips1/wild-store.m1', 'mips1-Os/deep-recursion.m1', 'mips1/ud.m1']),
    );
  });

  it.each(ALL)('%s: same run in 1 M slices', (_name, path) => {
    const [interp, jit] = both(path, CAP, () => 1_000_000);
    expect(interp.outcomes.length + interp.inspection.instructions).toBeGreaterThan(0);
    expect(jit).toEqual(interp);
  });

  // Slices that fall anywhere, also between a branch and its delay slot, on a subset.
  const SLICED = ALL.filter(([name]) =>
    /\/(fibonacci|crc32|deep-recursion|wild-store|ud|spin|jmp|strings|md5sum)\.m1$/.test(name),
  );
  it.each([
    [1, 20_000],
    [7, 100_000],
    [1000, 400_000],
    [100_000, 2_000_000],
  ])('same runs in slices of %i (first %i instructions)', (slice, cap) => {
    for (const [name, path] of SLICED) {
      const [interp, jit] = both(path, cap, () => slice);
      expect({ name, ...jit }).toEqual({ name, ...interp });
    }
  });
});
