/**
 * POSIX ustar (IEEE Std 1003.1-2001 "pax" without extended headers): the container of a
 * gateway backup. Only what a backup needs: regular files and directories, names of up to
 * 255 bytes (split into prefix and name), sizes below 8 GiB (11 octal digits). Pure, so the
 * gateway writes it and the CLI checks it with the same rules; GNU tar reads both ways.
 */

export const TAR_BLOCK = 512;

export interface TarHeader {
  name: string;
  size: number;
  /** Permission bits (e.g. 0o600 for the signing key). */
  mode: number;
  /** Seconds since the epoch. */
  mtime: number;
  type: 'file' | 'directory';
}

const MAX_SIZE = 8 ** 11 - 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export class TarFormatError extends Error {}

function writeString(block: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = encoder.encode(value);
  if (bytes.length > length) throw new TarFormatError(`"${value}" does not fit ${length} bytes`);
  block.set(bytes, offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  // length - 1 digits and a NUL, as GNU tar writes them.
  writeString(block, offset, length, value.toString(8).padStart(length - 1, '0'));
}

/** Splits a path at a '/' so it fits ustar's 155-byte prefix and 100-byte name. */
function splitName(name: string): { prefix: string; name: string } {
  const bytes = encoder.encode(name).length;
  if (bytes <= 100) return { prefix: '', name };
  for (let i = name.lastIndexOf('/'); i > 0; i = name.lastIndexOf('/', i - 1)) {
    const rest = name.slice(i + 1);
    if (encoder.encode(rest).length <= 100 && encoder.encode(name.slice(0, i)).length <= 155)
      return { prefix: name.slice(0, i), name: rest };
  }
  throw new TarFormatError(`${name}: too long for a ustar header`);
}

function checksum(block: Uint8Array): number {
  let sum = 0;
  // The checksum field counts as eight spaces.
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum;
}

/** One 512-byte header block. */
export function tarHeader(h: TarHeader): Uint8Array {
  if (!Number.isSafeInteger(h.size) || h.size < 0 || h.size > MAX_SIZE)
    throw new TarFormatError(`${h.name}: size ${h.size} out of range`);
  if (h.name === '' || h.name.startsWith('/') || h.name.split('/').includes('..'))
    throw new TarFormatError(`"${h.name}": a member name must be relative, without ".."`);
  const block = new Uint8Array(TAR_BLOCK);
  const name = h.type === 'directory' && !h.name.endsWith('/') ? `${h.name}/` : h.name;
  const split = splitName(name);
  writeString(block, 0, 100, split.name);
  writeOctal(block, 100, 8, h.mode & 0o7777);
  writeOctal(block, 108, 8, 0); // uid
  writeOctal(block, 116, 8, 0); // gid
  writeOctal(block, 124, 12, h.type === 'file' ? h.size : 0);
  writeOctal(block, 136, 12, Math.max(0, Math.floor(h.mtime)));
  block[156] = h.type === 'file' ? 0x30 : 0x35; // '0' regular file, '5' directory
  writeString(block, 257, 6, 'ustar');
  writeString(block, 263, 2, '00');
  writeString(block, 345, 155, split.prefix);
  writeString(block, 148, 8, `${checksum(block).toString(8).padStart(6, '0')}\0 `);
  return block;
}

/** Zero bytes that fill a member's data to a whole block. */
export function tarPadding(size: number): Uint8Array {
  return new Uint8Array((TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK);
}

/** The end of an archive: two zero blocks. */
export function tarEnd(): Uint8Array {
  return new Uint8Array(2 * TAR_BLOCK);
}

function readString(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  try {
    return decoder.decode(end < 0 ? field : field.subarray(0, end));
  } catch {
    throw new TarFormatError('a header field is not UTF-8');
  }
}

function readOctal(block: Uint8Array, offset: number, length: number, what: string): number {
  const text = readString(block, offset, length).trim();
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`header ${what} "${text}" is not octal`);
  return parseInt(text, 8);
}

/**
 * Parses a header block; null for a zero block (the end of the archive). Throws
 * TarFormatError for a damaged or foreign header, naming what is wrong.
 */
export function parseTarHeader(block: Uint8Array): TarHeader | null {
  if (block.length !== TAR_BLOCK) throw new TarFormatError('a header is 512 bytes');
  if (block.every((b) => b === 0)) return null;
  if (readString(block, 257, 6) !== 'ustar')
    throw new TarFormatError('not a ustar header (damaged, or not a vmfleet backup)');
  const stored = readOctal(block, 148, 8, 'checksum');
  if (stored !== checksum(block))
    throw new TarFormatError(`header checksum ${stored} does not match (damaged archive)`);
  const prefix = readString(block, 345, 155);
  const base = readString(block, 0, 100);
  const full = prefix ? `${prefix}/${base}` : base;
  const flag = block[156];
  if (flag !== 0x30 && flag !== 0 && flag !== 0x35)
    throw new TarFormatError(
      `${full}: entry type '${String.fromCharCode(flag)}' is not a file or directory`,
    );
  const type = flag === 0x35 ? 'directory' : 'file';
  const name = type === 'directory' ? full.replace(/\/$/, '') : full;
  if (name === '' || name.startsWith('/') || name.split('/').includes('..'))
    throw new TarFormatError(`"${full}": a member name must be relative, without ".."`);
  return {
    name,
    type,
    mode: readOctal(block, 100, 8, 'mode'),
    size: type === 'file' ? readOctal(block, 124, 12, 'size') : 0,
    mtime: readOctal(block, 136, 12, 'mtime'),
  };
}
