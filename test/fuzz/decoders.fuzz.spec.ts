import * as fs from 'node:fs';
import * as path from 'node:path';
import { fc, it as fcIt } from '@fast-check/jest';
import { corpusFiles, DEFAULT_BOUND_MS, expectHandled, type FuzzTarget, judge } from './harness';
import { TARGETS } from './targets';

/**
 * The bounded fuzz run of `npm test`: every decoder and validator gets a fixed number of
 * generated inputs from a fixed seed (the same inputs on every run), then every input
 * the long run (`npm run fuzz`) ever saved is replayed. Per-input bound: 2 s, generous
 * for a shared CI machine; the long run uses its own.
 */
const SEED = 15;
const CI_BOUND_MS = 2000;

describe.each(TARGETS.map((t) => [t.name, t] as const))('fuzz %s', (_name, target: FuzzTarget) => {
  beforeAll(async () => {
    await target.warmUp?.();
  }, 120_000);
  afterAll(() => target.tearDown?.());

  fcIt.prop([target.inputs()], { numRuns: target.ciRuns, seed: SEED, endOnFailure: true })(
    `never throws an undocumented error, never hangs, valid inputs round-trip (${target.ciRuns} inputs)`,
    async (input) => {
      await expectHandled(target, input, CI_BOUND_MS);
    },
    120_000,
  );

  const saved = corpusFiles(target.name);
  const replay = saved.length
    ? it.each(saved.map((f) => [path.basename(f), f]))
    : it.each([['(none saved)', '']]);
  replay('replays corpus input %s', async (_file, file) => {
    if (!file) return expect(saved).toEqual([]);
    await expectHandled(target, new Uint8Array(fs.readFileSync(file)), CI_BOUND_MS);
  });

  const open = corpusFiles(target.name, true);
  if (open.length) {
    it.each(open.map((f) => [path.basename(f), f]))(
      'open finding %s still happens (once fixed: move the file up to the corpus, drop its knownOpen entry)',
      async (_file, file) => {
        // The long run's bound: what it found slow is slow here too.
        const input = new Uint8Array(fs.readFileSync(file));
        const verdict = await judge(target, input, DEFAULT_BOUND_MS);
        expect(verdict.kind).toBe('open');
      },
    );
  }
});

// The generators must reach valid inputs (or no round trip is ever checked) and invalid ones.
describe('fuzz generators', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))(
    '%s: inputs vary, some are accepted and some refused',
    async (_name, target) => {
      await target.warmUp?.();
      const sample = fc.sample(target.inputs(), { numRuns: 100, seed: SEED });
      const distinct = new Set(sample.map((b) => Buffer.from(b).toString('hex')));
      expect(distinct.size).toBeGreaterThan(50);
      const outcomes = new Set<string>();
      for (const input of sample) {
        const verdict = await judge(target, input, CI_BOUND_MS);
        if (verdict.kind === 'ok') outcomes.add(verdict.outcome);
      }
      expect([...outcomes].sort()).toEqual(['accepted', 'refused']);
    },
    120_000,
  );
});
