import { MAX_POINTS, parseDuration, parseInstant, resolveRange } from './time-range';

describe('time range', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['250', 250],
    ['1.5s', 1500],
  ])('parses duration %s', (text, ms) => {
    expect(parseDuration(text, 'step')).toBe(ms);
  });

  it.each(['', 'abc', '10x', '-5s', '0'])('rejects duration %p', (text) => {
    expect(() => parseDuration(text, 'step')).toThrow(/step/);
  });

  it.each([
    ['1763700000000', 1763700000000],
    ['2026-11-21T10:00:00Z', Date.UTC(2026, 10, 21, 10)],
  ])('parses instant %s', (text, ms) => {
    expect(parseInstant(text, 'from')).toBe(ms);
  });

  it('rejects a non-date', () => {
    expect(() => parseInstant('yesterday', 'from')).toThrow(/from: "yesterday"/);
  });

  it('defaults to the last hour with about 360 points', () => {
    const r = resolveRange({}, 10_000_000);
    expect(r).toEqual({ from: 10_000_000 - 3_600_000, to: 10_000_000, stepMs: 10_000 });
  });

  it('refuses from after to', () => {
    expect(() => resolveRange({ from: '2000', to: '1000' }, 0)).toThrow(/before/);
  });

  it('refuses more than MAX_POINTS buckets and says which step would do', () => {
    expect(() => resolveRange({ from: '0', to: String(MAX_POINTS * 2000), step: '1s' }, 0)).toThrow(
      /step >= 2000ms/,
    );
  });
});
