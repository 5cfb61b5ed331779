/**
 * Just enough of an ELF64 little-endian reader for the ebpf packer: sections with names
 * and bytes, the symbol table and REL relocations of a relocatable object (System V gABI,
 * "Object Files"; elf32.ts is the ELF32 counterpart for mips1).
 */

export interface Elf64Section {
  index: number;
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  align: number;
}

export interface Elf64Symbol {
  name: string;
  /** STT_* (low nibble of st_info). */
  type: number;
  /** STB_* (high nibble of st_info). */
  bind: number;
  section: number;
  value: number;
}

export interface Elf64Relocation {
  offset: number;
  symbol: number;
  type: number;
}

export interface Elf64File {
  machine: number;
  sections: Elf64Section[];
  symbols: Elf64Symbol[];
  bytes: Uint8Array;
}

export const EM_BPF = 247;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_REL = 9;
export const SHT_NOBITS = 8;
export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STB_GLOBAL = 1;
export const SHN_UNDEF = 0;

const SECTION_HEADER_BYTES = 64;
const SYMBOL_BYTES = 24;
const REL_BYTES = 16;

export class ElfError extends Error {}

export function parseElf64(bytes: Uint8Array): Elf64File {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (off: number) => view.getUint16(off, true);
  const u32 = (off: number) => view.getUint32(off, true);
  const u64 = (off: number) => Number(view.getBigUint64(off, true));
  if (bytes.length < 64 || u32(0) !== 0x464c457f) throw new ElfError('not an ELF file');
  if (bytes[4] !== 2) throw new ElfError('not ELF64 (EI_CLASS must be ELFCLASS64)');
  if (bytes[5] !== 1) throw new ElfError('not little-endian (EI_DATA must be ELFDATA2LSB)');
  const shoff = u64(0x28);
  const shentsize = u16(0x3a);
  const shnum = u16(0x3c);
  const shstrndx = u16(0x3e);
  if (shentsize !== SECTION_HEADER_BYTES) throw new ElfError(`section header size ${shentsize}`);
  if (shoff + shnum * shentsize > bytes.length) throw new ElfError('section headers truncated');
  const raw = Array.from({ length: shnum }, (_, index) => {
    const at = shoff + index * shentsize;
    return {
      index,
      nameOffset: u32(at),
      type: u32(at + 4),
      flags: u64(at + 8),
      offset: u64(at + 24),
      size: u64(at + 32),
      link: u32(at + 40),
      info: u32(at + 44),
      align: u64(at + 48),
    };
  });
  const names = raw[shstrndx];
  const sections = raw.map(({ nameOffset, ...s }) => ({
    ...s,
    name: cString(bytes, names.offset + nameOffset),
  }));
  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  const symbols: Elf64Symbol[] = [];
  if (symtab !== undefined) {
    const strtab = sections[symtab.link];
    for (
      let at = symtab.offset;
      at + SYMBOL_BYTES <= symtab.offset + symtab.size;
      at += SYMBOL_BYTES
    ) {
      const info = bytes[at + 4];
      symbols.push({
        name: cString(bytes, strtab.offset + u32(at)),
        type: info & 0xf,
        bind: info >> 4,
        section: u16(at + 6),
        value: u64(at + 8),
      });
    }
  }
  return { machine: u16(18), sections, symbols, bytes };
}

/** The REL entries of a relocation section. */
export function relocations(elf: Elf64File, section: Elf64Section): Elf64Relocation[] {
  const view = new DataView(elf.bytes.buffer, elf.bytes.byteOffset, elf.bytes.byteLength);
  const out: Elf64Relocation[] = [];
  for (let at = section.offset; at + REL_BYTES <= section.offset + section.size; at += REL_BYTES) {
    out.push({
      offset: Number(view.getBigUint64(at, true)),
      type: view.getUint32(at + 8, true),
      symbol: view.getUint32(at + 12, true),
    });
  }
  return out;
}

/** The file bytes of a section (zeros for NOBITS), as a copy. */
export function sectionBytes(elf: Elf64File, section: Elf64Section): Uint8Array {
  if (section.type === SHT_NOBITS) return new Uint8Array(section.size);
  return elf.bytes.slice(section.offset, section.offset + section.size);
}

function cString(bytes: Uint8Array, start: number): string {
  let end = start;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return Buffer.from(bytes.subarray(start, end)).toString('latin1');
}
