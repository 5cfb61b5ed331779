/**
 * Just enough of an ELF32 little-endian reader for the mips1 packer: the file header,
 * section headers with names, and the symbol table (System V gABI, "Object Files").
 */

export interface Elf32Section {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
}

export interface Elf32File {
  machine: number;
  flags: number;
  entry: number;
  sections: Elf32Section[];
  /** Global and local symbols by name (first definition wins). */
  symbols: Map<string, number>;
  bytes: Uint8Array;
}

export const EM_MIPS = 8;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_NOBITS = 8;
export const SHF_ALLOC = 0x2;
export const SHN_UNDEF = 0;

const SECTION_HEADER_BYTES = 40;
const SYMBOL_BYTES = 16;

export class ElfError extends Error {}

export function parseElf32(bytes: Uint8Array): Elf32File {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (off: number) => view.getUint16(off, true);
  const u32 = (off: number) => view.getUint32(off, true);
  if (bytes.length < 52 || u32(0) !== 0x464c457f) throw new ElfError('not an ELF file');
  if (bytes[4] !== 1) throw new ElfError('not ELF32 (EI_CLASS must be ELFCLASS32)');
  if (bytes[5] !== 1) throw new ElfError('not little-endian (EI_DATA must be ELFDATA2LSB)');

  const shoff = u32(32);
  const shentsize = u16(46);
  const shnum = u16(48);
  const shstrndx = u16(50);
  if (shentsize !== SECTION_HEADER_BYTES) throw new ElfError(`section header size ${shentsize}`);
  if (shoff + shnum * shentsize > bytes.length) throw new ElfError('section headers truncated');

  const raw = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * shentsize;
    return {
      nameOffset: u32(at),
      type: u32(at + 4),
      flags: u32(at + 8),
      addr: u32(at + 12),
      offset: u32(at + 16),
      size: u32(at + 20),
      link: u32(at + 24),
    };
  });
  const shstr = raw[shstrndx];
  const sections = raw.map((s) => ({
    name: cString(bytes, shstr.offset + s.nameOffset),
    type: s.type,
    flags: s.flags,
    addr: s.addr,
    offset: s.offset,
    size: s.size,
  }));

  const symbols = new Map<string, number>();
  for (const table of raw.filter((s) => s.type === SHT_SYMTAB)) {
    const strtab = raw[table.link];
    for (
      let at = table.offset;
      at + SYMBOL_BYTES <= table.offset + table.size;
      at += SYMBOL_BYTES
    ) {
      if (u16(at + 14) === SHN_UNDEF) continue;
      const name = cString(bytes, strtab.offset + u32(at));
      if (name !== '' && !symbols.has(name)) symbols.set(name, u32(at + 4));
    }
  }
  return { machine: u16(18), flags: u32(36), entry: u32(24), sections, symbols, bytes };
}

/** The file bytes of a section that has them (not NOBITS). */
export function sectionBytes(elf: Elf32File, section: Elf32Section): Uint8Array {
  if (section.type === SHT_NOBITS) return new Uint8Array(0);
  return elf.bytes.subarray(section.offset, section.offset + section.size);
}

function cString(bytes: Uint8Array, start: number): string {
  let end = start;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return Buffer.from(bytes.subarray(start, end)).toString('latin1');
}
