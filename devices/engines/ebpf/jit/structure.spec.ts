import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alu64, callLocal, exit, ja, jmp, mov64, rbf, reg, type Line } from '../testing/asm';
import { EBPF_JIT, EBPF_JIT_STRUCTURED } from '.';
import { answeringHost, loadPair, recordRun, runLockstep } from './testing/lockstep';

/**
 * Control-flow shapes structure.ts turns into labelled loops and blocks, and those it
 * must leave to the switch or the interpreter: each runs on the interpreter and on the
 * JIT (default and structured, compile.ts JitOptions) in budget slices from single steps
 * up, and every slice's outcome and state must agree. The benchmark and app images run
 * on the structured JIT in lockstep too (firmware.spec.ts runs them on the default).
 */
const PROGRAMS: ReadonlyArray<readonly [string, readonly Line[]]> = [
  [
    'a rotated loop (entered at its test, at the bottom)',
    [
      mov64(0, 0),
      mov64(1, 0),
      ja(3),
      alu64('add', 0, reg(1)),
      alu64('mul', 0, 3),
      alu64('add', 1, 1),
      jmp(64, 'jlt', 1, 40, -4),
      exit(),
    ],
  ],
  [
    'nested loops with a branch inside merging before the latch',
    [
      mov64(0, 0),
      mov64(1, 0),
      mov64(2, 0), // outer head
      jmp(64, 'jset', 2, 1, 2), // inner head: odd j skips the add
      alu64('add', 0, reg(2)),
      ja(1),
      alu64('xor', 0, reg(1)),
      alu64('add', 2, 1), // merge
      jmp(64, 'jlt', 2, 7, -6),
      alu64('add', 1, 1),
      jmp(64, 'jne', 1, 9, -9),
      exit(),
    ],
  ],
  [
    'a conditional jump to the next instruction (both edges to one block)',
    [
      mov64(0, 5),
      mov64(1, 0),
      jmp(64, 'jeq', 0, 5, 0),
      alu64('add', 1, 1),
      mov64(0, reg(1)),
      exit(),
    ],
  ],
  [
    'a loop entered in its middle as well (not reducible from the start)',
    [
      mov64(0, 0),
      mov64(1, 12),
      jmp(64, 'jgt', 1, 10, 1), // into the loop past its head
      alu64('add', 0, 1), // head
      alu64('mul', 0, 2),
      alu64('sub', 1, 1),
      jmp(64, 'jne', 1, 0, -4),
      exit(),
    ],
  ],
  [
    'a call inside a loop: the return lands in the loop body, a loop after the call',
    [
      mov64(6, 0),
      mov64(7, 0),
      mov64(1, reg(7)), // loop head
      callLocal(12),
      alu64('add', 6, reg(0)),
      alu64('add', 7, 1),
      jmp(64, 'jlt', 7, 6, -5),
      mov64(1, 100),
      callLocal(7),
      mov64(2, 0), // a loop reached only through the return
      alu64('add', 2, reg(0)),
      alu64('sub', 0, 7),
      jmp(64, 'jsgt', 0, 0, -3),
      alu64('add', 6, reg(2)),
      mov64(0, reg(6)),
      exit(),
      mov64(0, reg(1)), // f(x) = 3x + 1
      alu64('add', 0, reg(1)),
      alu64('add', 0, reg(1)),
      alu64('add', 0, 1),
      exit(),
    ],
  ],
];

const SLICES = [1, 2, 3, 7, 100_000];
const TIERS = [
  ['default', EBPF_JIT!],
  ['structured', EBPF_JIT_STRUCTURED],
] as const;

describe('ebpf-jit control flow agrees with the interpreter', () => {
  const cases = TIERS.flatMap(([tierName, tier]) =>
    PROGRAMS.flatMap(([name, text]) =>
      SLICES.map((slice) => [tierName, name, slice, text, tier] as const),
    ),
  );
  it.each(cases)('%s: %s, in slices of %d', (_tierName, _name, slice, text, tier) => {
    const options = { cap: 100_000, dataBytes: 0, slice: () => slice };
    const image = rbf(text);
    const interp = recordRun(false, image, options);
    const jit = recordRun(true, image, { ...options, tier });
    expect(jit).toEqual(interp);
    expect(interp.slices.at(-1)!.end.kind).toBe('exited');
  });
});

const BUILD = join(__dirname, '..', '..', '..', '..', 'firmware', 'build', 'ebpf');
const IMAGES = readdirSync(BUILD)
  .filter((f) => f.endsWith('.rbf'))
  .map((f) => f.slice(0, -4));

describe('the structured ebpf-jit agrees with the interpreter on every image', () => {
  it.each(IMAGES.flatMap((name) => [1_000_000, 997].map((slice) => [name, slice] as const)))(
    '%s, in slices of %d',
    (name, slice) => {
      const image = new Uint8Array(readFileSync(join(BUILD, `${name}.rbf`)));
      const pair = loadPair(image, answeringHost, EBPF_JIT_STRUCTURED);
      const run = runLockstep(pair, slice, slice === 997 ? 300_000 : 30_000_000);
      expect(run.mismatch).toBeNull();
      expect(pair.hosts[1].calls).toEqual(pair.hosts[0].calls);
      expect(run.instructions).toBeGreaterThan(0);
    },
  );
});
