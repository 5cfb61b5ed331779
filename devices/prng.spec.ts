import { deriveSeed, mulberry32 } from './prng';

function draws(seed: number, n: number): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => random());
}

describe('mulberry32', () => {
  it('repeats its sequence for the same seed', () => {
    expect(draws(42, 100)).toEqual(draws(42, 100));
  });

  it('gives different sequences for different seeds', () => {
    expect(draws(42, 10)).not.toEqual(draws(43, 10));
  });

  it('stays in [0, 1) and spreads over it', () => {
    const values = draws(7, 10_000);
    for (const value of values) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});

describe('deriveSeed', () => {
  it('is stable and a 32-bit unsigned integer', () => {
    const seed = deriveSeed(1, 'dev-1');
    expect(deriveSeed(1, 'dev-1')).toBe(seed);
    expect(Number.isInteger(seed)).toBe(true);
    expect(seed).toBeGreaterThanOrEqual(0);
    expect(seed).toBeLessThan(2 ** 32);
  });

  it.each([
    [1, 'dev-1', 1, 'dev-2'],
    [1, 'dev-1', 2, 'dev-1'],
    [0, 'ab', 0, 'ba'],
  ])('separates (%d, %s) from (%d, %s)', (seedA, nameA, seedB, nameB) => {
    expect(deriveSeed(seedA, nameA)).not.toBe(deriveSeed(seedB, nameB));
  });
});
