import fc from 'fast-check';
import { programImage, programText } from './testing/program-text';
import { DATA_BYTES, randomProgram, type RandomProgram } from './testing/random-program';
import { record, type RunRecord } from './testing/differential';

/**
 * Random valid MIPS-I programs (testing/random-program.ts: every ALU, shift, HI/LO,
 * compare, load and store op with edge values; forward branches and jumps, counted loops,
 * calls, syscalls, delay slots that fault or trap) run on the interpreter and on the
 * translator in the same random budget slices: the same outcomes (exit code, fault code,
 * pc, address, message), console, syscalls, instruction count, registers, memory report,
 * stack and data region. On a mismatch fast-check prints the shrunk program.
 */
const MEMORY_BYTES = 64 * 1024;
/** Far beyond any generated program (loops of at most 5 passes, no nesting past one). */
const CAP = 200_000;

/** Budget slices: single steps (budget ends between a branch and its slot), short, long. */
const slices = fc.array(
  fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 40 }), fc.constant(100_000)),
  { minLength: 1, maxLength: 6 },
);

function both(program: RandomProgram, cuts: readonly number[]) {
  const { image, dataAddress, handlers } = programImage(program);
  const options = {
    memoryBytes: MEMORY_BYTES,
    cap: CAP,
    slice: (i: number) => cuts[i % cuts.length],
    watch: { address: dataAddress, bytes: DATA_BYTES + 64 },
    everySlice: true,
    handlers,
  };
  return [record('interp', image, options), record('jit', image, options)] as const;
}

const ended = (run: RunRecord) => run.outcomes.at(-1)?.kind ?? 'budget';

describe('mips1-jit against the interpreter on random programs', () => {
  it('agrees on everything observable, in random budget slices', () => {
    fc.assert(
      fc.property(randomProgram, slices, (program, cuts) => {
        const [interp, jit] = both(program, cuts);
        expect(ended(interp)).not.toBe('budget');
        expect(jit).toEqual(interp);
      }),
      { numRuns: 1000 },
    );
  });

  it('generates programs that end every way: exit, break, faults, syscalls, yields', () => {
    const kinds = new Set<string>();
    for (const program of fc.sample(randomProgram, { numRuns: 300, seed: 16 })) {
      const [interp] = both(program, [100_000]);
      for (const outcome of interp.outcomes) {
        kinds.add(outcome.kind === 'fault' ? outcome.fault.code : outcome.kind);
      }
      expect(programText(program).words.length).toBeLessThan(1000);
    }
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        'bad_address',
        'bad_syscall',
        'break',
        'exited',
        'illegal_instruction',
        'misaligned',
        'overflow',
        'stack_exhausted',
        'returned',
        'yielded',
      ]),
    );
  });
});
