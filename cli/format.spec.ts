import {
  formatBytes,
  formatCount,
  formatDuration,
  formatHz,
  formatKiB,
  formatOnline,
  formatPercent,
  formatRelativeTime,
  formatTags,
  formatTimestamp,
  formatUsage,
  plural,
  ratioOf,
} from './format';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [256 * 1024, '256.0 KiB'],
    [1024 * 1024, '1.0 MiB'],
    [3.25 * 1024 * 1024, '3.3 MiB'],
    [2 * 1024 ** 3, '2.0 GiB'],
    [null, '-'],
    [undefined, '-'],
    [Number.NaN, '-'],
  ])('%p → %p', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});

describe('formatKiB', () => {
  it.each([
    [0, 1, '0.0 KiB'],
    [2048, 1, '2.0 KiB'],
    [1229, 1, '1.2 KiB'],
    [1229, 2, '1.20 KiB'],
    [1024 * 1024, 0, '1024 KiB'],
    [null, 1, '-'],
  ])('%p bytes, %p digits → %p', (bytes, digits, expected) => {
    expect(formatKiB(bytes, digits)).toBe(expected);
  });
});

describe('formatPercent and ratioOf', () => {
  it.each([
    [0, '0.0%'],
    [0.4567, '45.7%'],
    [1, '100.0%'],
    [null, '-'],
    [Number.POSITIVE_INFINITY, '-'],
  ])('formatPercent(%p) → %p', (ratio, expected) => {
    expect(formatPercent(ratio)).toBe(expected);
  });

  it.each([
    [1, 4, 0.25],
    [0, 10, 0],
    [5, 0, null],
    [5, -1, null],
    [null, 10, null],
    [10, undefined, null],
  ])('ratioOf(%p, %p) → %p', (used, total, expected) => {
    expect(ratioOf(used, total)).toBe(expected);
  });
});

describe('formatUsage', () => {
  it.each([
    [12 * 1024, 256 * 1024, undefined, '12.0 KiB / 256.0 KiB (4.7%)'],
    [512, 2048, formatKiB, '0.5 KiB / 2.0 KiB (25.0%)'],
    [10, 0, undefined, '10 B / 0 B (-)'],
    [null, 100, undefined, '-'],
  ])('%p of %p → %p', (used, total, unit, expected) => {
    expect(formatUsage(used, total, unit)).toBe(expected);
  });
});

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [1234567, '1,234,567'],
    [-1234, '-1,234'],
    [1234.5, '1,234.5'],
    [null, '-'],
  ])('%p → %p', (n, expected) => {
    expect(formatCount(n)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [999.9, '999ms'],
    [1000, '1s'],
    [45_000, '45s'],
    [61_000, '1m 1s'],
    [3_600_000, '1h'],
    [3_723_000, '1h 2m'],
    [90_061_000, '1d 1h'],
    [-1, '-'],
    [null, '-'],
  ])('%p ms → %p', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe('formatRelativeTime', () => {
  const now = new Date('2024-05-01T12:00:00.000Z');
  it.each([
    [null, 'never'],
    ['not a date', '-'],
    ['2024-05-01T12:00:00.400Z', 'just now'],
    ['2024-05-01T11:59:55.000Z', '5s ago'],
    ['2024-05-01T11:57:00.000Z', '3m ago'],
    ['2024-05-01T09:30:00.000Z', '2h ago'],
    ['2024-04-27T12:00:00.000Z', '4d ago'],
    ['2024-05-01T14:00:00.000Z', 'in 2h'],
  ])('%p → %p', (iso, expected) => {
    expect(formatRelativeTime(iso, now)).toBe(expected);
  });
});

describe('small formatters', () => {
  it.each([
    ['2024-05-01T12:00:05.123Z', '2024-05-01 12:00:05Z'],
    ['2024-05-01T14:00:05+02:00', '2024-05-01 12:00:05Z'],
    [null, '-'],
    ['garbage', '-'],
  ])('formatTimestamp(%p) → %p', (iso, expected) => {
    expect(formatTimestamp(iso)).toBe(expected);
  });

  it.each([
    [64_000_000, '64 MHz'],
    [240_000_000, '240 MHz'],
    [16_500_000, '16.5 MHz'],
    [32_768, '32.8 kHz'],
    [500, '500 Hz'],
    [null, '-'],
  ])('formatHz(%p) → %p', (hz, expected) => {
    expect(formatHz(hz)).toBe(expected);
  });

  it.each([
    [['lab', 'floor2'], 'lab, floor2'],
    [[], '-'],
    [null, '-'],
  ])('formatTags(%p) → %p', (tags, expected) => {
    expect(formatTags(tags)).toBe(expected);
  });

  it.each([
    [true, 'online'],
    [false, 'offline'],
  ])('formatOnline(%p) → %p', (online, expected) => {
    expect(formatOnline(online)).toBe(expected);
  });

  it.each([
    [0, 'devices'],
    [1, 'device'],
    [2, 'devices'],
  ])('plural(%p, "device") ends in %p', (count, noun) => {
    expect(plural(count, 'device')).toBe(`${count} ${noun}`);
  });
});
