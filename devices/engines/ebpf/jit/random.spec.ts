import fc from 'fast-check';
import { parseRbf } from '../../../../src/protocol/images/rbf/format';
import { verifyRbf } from '../../../../src/protocol/images/rbf/verify';
import { recordRun, type RunRecord } from './testing/lockstep';
import { programImage } from './testing/program-text';
import { DATA_BYTES, randomProgram, type RandomProgram } from './testing/random-program';

/**
 * Random verified eBPF programs (testing/random-program.ts: every ALU32/ALU64 op in K and
 * X form, the v4 signed division, movsx, byte swaps, LDDW, every load/store width incl.
 * sign-extending loads, inside and outside data, stack and rodata; every conditional jump
 * in JMP and JMP32, ja, gotol, counted loops, bpf-to-bpf calls, helpers) run on the
 * interpreter and on the JIT in the same random budget slices: after every slice the same
 * outcome (exit code, fault code, pc, address, message), pc, registers and instruction
 * count; at the end the same console, helper calls, memory report, data and stack.
 */
/** Far beyond any generated program (loops of at most 5 passes, no nesting past one). */
const CAP = 200_000;

/** Budget slices: single steps, a few instructions (inside a block), whole runs. */
const slices = fc.array(
  fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 40 }), fc.constant(100_000)),
  { minLength: 1, maxLength: 6 },
);

function both(program: RandomProgram, cuts: readonly number[]): readonly [RunRecord, RunRecord] {
  const { image, handlers } = programImage(program);
  const options = {
    cap: CAP,
    dataBytes: DATA_BYTES,
    slice: (i: number) => cuts[i % cuts.length],
    handlers,
  };
  return [recordRun(false, image, options), recordRun(true, image, options)];
}

const lastEnd = (run: RunRecord) => run.slices.at(-1)!.end;

describe('ebpf-jit against the interpreter on random programs', () => {
  it('agrees after every slice and at the end, in random budget slices', () => {
    fc.assert(
      fc.property(randomProgram, slices, (program, cuts) => {
        const [interp, jit] = both(program, cuts);
        expect(lastEnd(interp).kind).toMatch(/^(exited|returned|fault)$/);
        expect(jit).toEqual(interp);
      }),
      { numRuns: 1000 },
    );
  });

  it('generates programs the verifier accepts, that exit, fault, yield and call helpers', () => {
    const kinds = new Set<string>();
    const helpers = new Set<number>();
    for (const program of fc.sample(randomProgram, { numRuns: 300, seed: 16 })) {
      expect(() => verifyRbf(parseRbf(programImage(program).image))).not.toThrow();
      const [interp] = both(program, [100_000]);
      for (const { end } of interp.slices)
        kinds.add(end.kind === 'fault' ? end.fault.code : end.kind);
      for (const call of interp.calls) helpers.add(call.number);
    }
    expect([...kinds]).toEqual(
      expect.arrayContaining(['bad_address', 'exited', 'returned', 'stack_exhausted', 'yielded']),
    );
    expect([...helpers]).toEqual(expect.arrayContaining([2, 3, 4, 5, 6]));
  });
});
