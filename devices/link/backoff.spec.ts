import { backoffDelayMs, BackoffPolicy, DEFAULT_BACKOFF } from './backoff';

describe('backoffDelayMs', () => {
  it.each([
    [0, 500],
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [4, 8_000],
    [5, 16_000],
    [6, 30_000],
    [7, 30_000],
    [50, 30_000],
    [5_000, 30_000],
  ])('attempt %d without jitter waits %d ms', (attempt, expected) => {
    expect(backoffDelayMs(attempt, 0)).toBe(expected);
  });

  it.each([
    [0, 0.5, 375],
    [0, 0.999, 250],
    [3, 0.5, 3_000],
    [6, 0.999, 15_015],
  ])('attempt %d with draw %d waits %d ms (jitter takes up to half)', (attempt, draw, expected) => {
    expect(backoffDelayMs(attempt, draw)).toBe(expected);
  });

  it.each([
    [-3, 500],
    [-1, 500],
    [0.7, 500],
    [1.9, 1_000],
  ])('treats attempt %d as a whole number of at least 0: %d ms', (attempt, expected) => {
    expect(backoffDelayMs(attempt, 0)).toBe(expected);
  });

  it('never leaves [max/2, max] once capped, for any draw', () => {
    for (let draw = 0; draw < 1; draw += 0.01) {
      const delay = backoffDelayMs(20, draw);
      expect(delay).toBeGreaterThan(DEFAULT_BACKOFF.maxMs / 2);
      expect(delay).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
    }
  });

  it('follows a custom policy', () => {
    const fast: BackoffPolicy = { initialMs: 50, maxMs: 300, jitter: 0 };
    expect([0, 1, 2, 3, 4].map((attempt) => backoffDelayMs(attempt, 0.9, fast))).toEqual([
      50, 100, 200, 300, 300,
    ]);
  });
});
