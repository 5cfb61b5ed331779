import { geomean, ratio, summarise } from './stats';

describe('summarise', () => {
  it('returns null for no values', () => {
    expect(summarise([])).toBeNull();
  });

  it.each([
    ['odd count: the middle value', [3, 1, 2], 2],
    ['even count: the mean of the two middle values', [4, 1, 3, 2], 2.5],
    ['a single value', [7], 7],
    ['unsorted input with duplicates', [5, 1, 5, 9, 1, 5], 5],
  ])('median of %s', (_label, values, median) => {
    expect(summarise(values)?.median).toBe(median);
  });

  it('uses the sample standard deviation (n − 1)', () => {
    // mean 5, squared deviations sum to 32: population sd would be 2, sample sd √(32/7).
    const s = summarise([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s).toMatchObject({ n: 8, mean: 5, min: 2, max: 9, median: 4.5 });
    expect(s?.stddev).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it('gives a stddev of 0 for a single run', () => {
    expect(summarise([42])).toEqual({ n: 1, mean: 42, median: 42, min: 42, max: 42, stddev: 0 });
  });
});

describe('geomean', () => {
  it('is the nth root of the product', () => {
    expect(geomean([0.5, 2])).toBeCloseTo(1, 12);
    expect(geomean([2, 8])).toBeCloseTo(4, 12);
  });

  it('ignores values it cannot take a logarithm of, and is null without any', () => {
    expect(geomean([0, 4, -1, 9])).toBeCloseTo(6, 12);
    expect(geomean([0])).toBeNull();
    expect(geomean([])).toBeNull();
  });
});

describe('ratio', () => {
  it.each([
    [3, 2, 1.5],
    [null, 2, null],
    [3, null, null],
    [3, undefined, null],
    [3, 0, null],
  ])('%p / %p = %p', (a, b, expected) => {
    expect(ratio(a, b)).toBe(expected);
  });
});
