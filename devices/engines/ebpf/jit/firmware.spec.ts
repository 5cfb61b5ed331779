import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPair, runLockstep } from './testing/lockstep';

/**
 * Differential: every committed eBPF image (benchmarks, libc programs, apps incl. the
 * hostile ones) runs on the interpreter and on the JIT side by side; after every slice the
 * outcome (exit code, fault code, pc, address, message), pc, registers and instruction
 * count agree, and so do the console and the syscalls made.
 */
const BUILD = join(__dirname, '..', '..', '..', '..', 'firmware', 'build');
const DIRS = ['ebpf', 'ebpf/libc', 'ebpf-Os'];
const IMAGES = DIRS.flatMap((dir) =>
  readdirSync(join(BUILD, dir))
    .filter((f) => f.endsWith('.rbf'))
    .map((f) => `${dir}/${f.slice(0, -4)}`),
);
const image = (name: string) => new Uint8Array(readFileSync(join(BUILD, `${name}.rbf`)));
/** spin never ends: the cap stops it (after ~30 slices of a million instructions). */
const CAP = 30_000_000;

describe('ebpf-jit agrees with the interpreter on every image', () => {
  it('finds all three image sets', () => {
    expect(IMAGES.length).toBeGreaterThan(40);
  });

  it.each(IMAGES)('%s, run in slices of 1 000 000', (name) => {
    const pair = loadPair(image(name));
    const run = runLockstep(pair, 1_000_000, CAP);
    expect(run.mismatch).toBeNull();
    expect(pair.hosts[1].output).toBe(pair.hosts[0].output);
    expect(pair.hosts[1].calls).toEqual(pair.hosts[0].calls);
    expect(run.instructions).toBeGreaterThan(0);
  });

  const SLICED = ['ebpf/ackermann', 'ebpf/md5sum', 'ebpf/wild-store', 'ebpf/deep-recursion'];
  const SLICES: Array<[number, number]> = [
    [1, 20_000],
    [7, 60_000],
    [1000, 2_000_000],
    [100_000, CAP],
  ];
  it.each(SLICED.flatMap((name) => SLICES.map(([slice, cap]) => [name, slice, cap] as const)))(
    '%s, in slices of %d (up to %d instructions), agrees after every slice',
    (name, slice, cap) => {
      const pair = loadPair(image(name));
      const run = runLockstep(pair, slice, cap);
      expect(run.mismatch).toBeNull();
      expect(pair.hosts[1].output).toBe(pair.hosts[0].output);
    },
  );

  it('deep-recursion and wild-store end in the same fault on both tiers', () => {
    for (const [name, code] of [
      ['ebpf/deep-recursion', 'stack_exhausted'],
      ['ebpf/wild-store', 'bad_address'],
    ]) {
      const run = runLockstep(loadPair(image(name)), 1_000_000, CAP);
      expect(run.mismatch).toBeNull();
      expect(run.end).toMatchObject({ kind: 'fault', fault: { code } });
    }
  });
});
