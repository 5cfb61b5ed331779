import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { expectHandled, type FuzzTarget, judge, PropertyViolation, saveToCorpus } from './harness';

/** A decoder with one planted bug of each kind the campaign looks for. */
function plantedTarget(): FuzzTarget {
  return {
    name: 'planted',
    covers: 'a decoder with planted bugs',
    ciRuns: 200,
    inputs: () => fc.uint8Array({ maxLength: 8 }),
    knownOpen: [{ id: 'seven', summary: 'a reported bug', matches: /^RangeError: seven/ }],
    check: (input) => {
      if (input[0] === 1) throw new TypeError('undocumented');
      if (input[0] === 2) throw new PropertyViolation('round trip broke');
      if (input[0] === 3) {
        const until = performance.now() + 30;
        while (performance.now() < until); // a slow input
      }
      if (input[0] === 7) throw new RangeError('seven');
      return input.length > 4 ? 'accepted' : 'refused';
    },
  };
}

describe('fuzz harness', () => {
  const target = plantedTarget();

  it.each([
    [[1], 'crash', /TypeError: undocumented/],
    [[2], 'crash', /PropertyViolation: round trip broke/],
    [[7], 'open', /RangeError: seven/],
  ])('judges %j as %s', async (bytes, kind, error) => {
    const verdict = await judge(target, new Uint8Array(bytes), 1000);
    expect(verdict.kind).toBe(kind);
    expect((verdict as { error: string }).error).toMatch(error);
  });

  it('judges an input over the time bound as slow, and within it as ok', async () => {
    expect((await judge(target, new Uint8Array([3]), 5)).kind).toBe('slow');
    expect(await judge(target, new Uint8Array([0, 0, 0, 0, 0]), 1000)).toMatchObject({
      kind: 'ok',
      outcome: 'accepted',
    });
  });

  it('a bounded run finds a planted bug (the CI run can fail)', async () => {
    const run = fc.assert(
      fc.asyncProperty(target.inputs(), async (input) => {
        await expectHandled(target, input, 1000);
      }),
      { numRuns: 2000, seed: 15 },
    );
    const failure = (await run.then(
      () => null,
      (err: unknown) => err,
    )) as Error & { cause?: unknown };
    expect(failure).not.toBeNull();
    expect(`${failure.message} ${String(failure.cause)}`).toMatch(
      /planted: (TypeError|PropertyViolation)/,
    );
  });

  it('saves a crashing input once under its hash, open findings apart', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-corpus-'));
    try {
      const input = new Uint8Array([1, 2, 3]);
      const first = saveToCorpus('planted', input, false, root);
      expect(saveToCorpus('planted', input, false, root)).toBe(first);
      expect(fs.readdirSync(path.join(root, 'planted'))).toEqual([path.basename(first)]);
      expect([...fs.readFileSync(first)]).toEqual([1, 2, 3]);
      const open = saveToCorpus('planted', input, true, root);
      expect(path.relative(root, open)).toBe(path.join('planted', 'open', path.basename(first)));
    } finally {
      fs.rmSync(root, { recursive: true });
    }
  });
});
