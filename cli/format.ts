/**
 * Pure formatting for human output. Everything here is deterministic: no locale, no time zone,
 * no clock (callers pass `now`), so the same input prints the same text on every machine.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Placeholder for a value that is missing or cannot be computed. */
export const NONE = '-';

function isNumber(n: number | null | undefined): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/**
 * 512 → "512 B", 1536 → "1.5 KiB", 3 MiB → "3.0 MiB": the one byte formatter, so a size
 * reads the same in every view.
 */
export function formatBytes(bytes: number | null | undefined): string {
  if (!isNumber(bytes)) return NONE;
  const abs = Math.abs(bytes);
  if (abs < KiB) return `${bytes} B`;
  if (abs < MiB) return `${(bytes / KiB).toFixed(1)} KiB`;
  if (abs < GiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  return `${(bytes / GiB).toFixed(1)} GiB`;
}

/** A 0..1 ratio as a percentage: 0.4567 → "45.7%". */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (!isNumber(ratio)) return NONE;
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** used/total as a ratio, or null when there is no meaningful total. */
export function ratioOf(
  used: number | null | undefined,
  total: number | null | undefined,
): number | null {
  if (!isNumber(used) || !isNumber(total) || total <= 0) return null;
  return used / total;
}

/** "12.0 KiB / 256.0 KiB (4.7%)". */
export function formatUsage(
  used: number | null | undefined,
  total: number | null | undefined,
): string {
  if (!isNumber(used) || !isNumber(total)) return NONE;
  return `${formatBytes(used)} / ${formatBytes(total)} (${formatPercent(ratioOf(used, total))})`;
}

/** Thousands separated with commas, independent of the locale: 1234567 → "1,234,567". */
export function formatCount(n: number | null | undefined): string {
  if (!isNumber(n)) return NONE;
  const sign = n < 0 ? '-' : '';
  const [int, frac] = Math.abs(n).toString().split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? `${sign}${grouped}` : `${sign}${grouped}.${frac}`;
}

const UNITS: ReadonlyArray<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** The two most significant units: 3_723_000 → "1h 2m", 45_000 → "45s", 250 → "250ms". */
export function formatDuration(ms: number | null | undefined): string {
  if (!isNumber(ms) || ms < 0) return NONE;
  if (ms < 1000) return `${Math.floor(ms)}ms`;
  const first = UNITS.findIndex(([, size]) => ms >= size);
  const [bigName, bigSize] = UNITS[first];
  const big = Math.floor(ms / bigSize);
  const next = UNITS[first + 1];
  if (!next) return `${big}${bigName}`;
  const small = Math.floor((ms - big * bigSize) / next[1]);
  return small > 0 ? `${big}${bigName} ${small}${next[0]}` : `${big}${bigName}`;
}

/** How long ago (or from now) an ISO time is: "just now", "5s ago", "3m ago", "in 2h". */
export function formatRelativeTime(iso: string | null | undefined, now: Date): string {
  if (!iso) return 'never';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return NONE;
  const delta = now.getTime() - then;
  const abs = Math.abs(delta);
  if (abs < 1000) return 'just now';
  const [name, size] = UNITS.find(([, s]) => abs >= s) ?? UNITS[UNITS.length - 1];
  const amount = `${Math.floor(abs / size)}${name}`;
  return delta >= 0 ? `${amount} ago` : `in ${amount}`;
}

/** "2024-05-01 12:00:05Z": UTC, to the second, readable and unambiguous. */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return NONE;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return NONE;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export function formatTags(tags: readonly string[] | null | undefined): string {
  return tags && tags.length > 0 ? tags.join(', ') : NONE;
}

export function formatOnline(online: boolean): string {
  return online ? 'online' : 'offline';
}

/** 64_000_000 → "64 MHz", 32_768 → "32.8 kHz". */
export function formatHz(hz: number | null | undefined): string {
  if (!isNumber(hz)) return NONE;
  if (hz >= 1_000_000) return `${trimZero((hz / 1_000_000).toFixed(1))} MHz`;
  if (hz >= 1000) return `${trimZero((hz / 1000).toFixed(1))} kHz`;
  return `${hz} Hz`;
}

function trimZero(fixed: string): string {
  return fixed.endsWith('.0') ? fixed.slice(0, -2) : fixed;
}

/** "1 device", "3 devices". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** "2024-05-01 12:00:05.123Z": like formatTimestamp, to the millisecond (events come in bursts). */
export function formatTimestampMs(iso: string | null | undefined): string {
  if (!iso) return NONE;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return NONE;
  return `${new Date(ms).toISOString().slice(0, 23).replace('T', ' ')}Z`;
}

function isWord(n: number): boolean {
  return Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 32;
}

/** A 32-bit word as 8 hex digits: 255 → "0x000000ff", -1 → "0xffffffff"; wider values as they are. */
export function formatHex32(n: number | null | undefined): string {
  if (!isNumber(n)) return NONE;
  if (!isWord(n)) return n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/** A 32-bit word read as two's complement: 0xffffffff → -1; wider values as they are. */
export function signed32(n: number): number {
  return isWord(n) ? n | 0 : n;
}

const BYTES_PER_LINE = 16;

function hexdumpLine(address: number, bytes: Uint8Array): string {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0'));
  const left = hex.slice(0, 8).join(' ').padEnd(23);
  const right = hex.slice(8).join(' ').padEnd(23);
  const text = [...bytes].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));
  const where = address.toString(16).padStart(8, '0');
  return `${where}  ${left}  ${right}  |${text.join('')}|`;
}

/**
 * `hexdump -C` style, 16 bytes a line, each line starting with the address of its first byte:
 * "00001000  48 69 0a 00 …  |Hi..|".
 */
export function hexdump(address: number, bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += BYTES_PER_LINE) {
    lines.push(hexdumpLine(address + offset, bytes.subarray(offset, offset + BYTES_PER_LINE)));
  }
  return lines;
}
