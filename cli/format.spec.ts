import {
  formatBytes,
  formatCount,
  formatDuration,
  formatHex32,
  formatHz,
  formatOnline,
  formatPercent,
  formatRelativeTime,
  formatTags,
  formatTimestamp,
  formatTimestampMs,
  formatUsage,
  hexdump,
  plural,
  ratioOf,
  signed32,
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
    [12 * 1024, 256 * 1024, '12.0 KiB / 256.0 KiB (4.7%)'],
    [512, 2048, '512 B / 2.0 KiB (25.0%)'],
    [512 * 1024, 1024 * 1024, '512.0 KiB / 1.0 MiB (50.0%)'],
    [10, 0, '10 B / 0 B (-)'],
    [null, 100, '-'],
  ])('%p of %p → %p', (used, total, expected) => {
    expect(formatUsage(used, total)).toBe(expected);
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

describe('formatHex32 and signed32', () => {
  it.each([
    [0, '0x00000000', 0],
    [255, '0x000000ff', 255],
    [0x7fffffff, '0x7fffffff', 0x7fffffff],
    [0x80000000, '0x80000000', -0x80000000],
    [0xffffffff, '0xffffffff', -1],
    [-1, '0xffffffff', -1],
    [2 ** 40, '0x10000000000', 2 ** 40],
    [-(2 ** 40), '-0x10000000000', -(2 ** 40)],
  ])('%p → %p, %p', (n, hex, signed) => {
    expect(formatHex32(n)).toBe(hex);
    expect(signed32(n)).toBe(signed);
  });

  it.each([[null], [undefined], [Number.NaN]])('formatHex32(%p) → "-"', (n) => {
    expect(formatHex32(n)).toBe('-');
  });
});

describe('formatTimestampMs', () => {
  it.each([
    ['2024-05-01T12:00:05.123Z', '2024-05-01 12:00:05.123Z'],
    ['2024-05-01T14:00:05+02:00', '2024-05-01 12:00:05.000Z'],
    [null, '-'],
    ['not a date', '-'],
  ])('%p → %p', (iso, expected) => {
    expect(formatTimestampMs(iso)).toBe(expected);
  });
});

describe('hexdump', () => {
  const ascii = (text: string) => new TextEncoder().encode(text);

  it.each([
    ['no bytes', 0x1000, new Uint8Array(0), []],
    [
      'one full line',
      0x1000,
      ascii('Hello, world!\n\0\x7f'),
      ['00001000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 7f  |Hello, world!...|'],
    ],
    [
      'a short line, padded so the text column lines up',
      0,
      Uint8Array.of(0xde, 0xad, 0xbe, 0xef),
      ['00000000  de ad be ef                                       |....|'],
    ],
    [
      'exactly eight bytes',
      16,
      ascii('ABCDEFGH'),
      ['00000010  41 42 43 44 45 46 47 48                           |ABCDEFGH|'],
    ],
    [
      'lines numbered from an unaligned start',
      0x10003,
      ascii('0123456789abcdefXYZ'),
      [
        '00010003  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|',
        '00010013  58 59 5a                                          |XYZ|',
      ],
    ],
    [
      'the top of the 32-bit space',
      0xfffffff0,
      new Uint8Array(16).fill(0x20),
      ['fffffff0  20 20 20 20 20 20 20 20  20 20 20 20 20 20 20 20  |                |'],
    ],
  ])('%s', (_name, address, bytes, expected) => {
    expect(hexdump(address, bytes)).toEqual(expected);
  });

  it('gives every full line the same width', () => {
    const lines = hexdump(
      0,
      new Uint8Array(64).map((_, i) => i * 7),
    );
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((line) => line.length))).toEqual(new Set([78]));
  });
});
