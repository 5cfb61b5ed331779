/**
 * Packs a linked mips1 guest into a vmfleet image (src/protocol/images/mips1-image.ts).
 *
 *   ts-node -T firmware/tools/pack-mips1.ts <program.elf> <program.bin> <out.m1>
 *
 * <program.bin> is `objcopy -O binary` of the ELF's loaded sections; the layout comes
 * from the symbols sdk/mips1/link.ld defines. Every allocated section must sit inside
 * that layout and the flat binary must hold exactly the ELF's bytes, so a linker-script
 * mistake fails here instead of producing an image that loads wrong.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildMips1Image } from '../../src/protocol/images/mips1-image';
import { EM_MIPS, Elf32File, parseElf32, sectionBytes, SHF_ALLOC, SHT_NOBITS } from './elf32';

// ELF e_flags for MIPS (System V ABI MIPS supplement, "e_flags").
const EF_MIPS_PIC = 0x2;
const EF_MIPS_CPIC = 0x4;
const EF_MIPS_ARCH = 0xf0000000;
const E_MIPS_ARCH_1 = 0x00000000;

const LOADED_SECTIONS = ['.text', '.rodata', '.data'];
const ZEROED_SECTIONS = ['.bss'];

export interface Mips1Layout {
  loadAddress: number;
  entry: number;
  textBytes: number;
  dataBytes: number;
  bssBytes: number;
  stackBytes: number;
}

/** Reads the layout from the linker-script symbols and checks the ELF against it. */
export function layoutOf(elf: Elf32File): Mips1Layout {
  if (elf.machine !== EM_MIPS) throw new Error(`e_machine ${elf.machine} is not EM_MIPS`);
  if ((elf.flags & EF_MIPS_ARCH) !== E_MIPS_ARCH_1) {
    throw new Error(`e_flags 0x${elf.flags.toString(16)}: not built for MIPS I (-march=mips1)`);
  }
  if (elf.flags & (EF_MIPS_PIC | EF_MIPS_CPIC)) {
    throw new Error('PIC/abicalls object: build with -mno-abicalls -fno-pic');
  }
  const sym = (name: string) => {
    const value = elf.symbols.get(name);
    if (value === undefined) throw new Error(`symbol ${name} missing: link with sdk/mips1/link.ld`);
    return value;
  };
  const textStart = sym('__text_start');
  const dataStart = sym('__data_start');
  const dataEnd = sym('__data_end');
  const bssEnd = sym('__bss_end');
  const layout = {
    loadAddress: textStart,
    entry: elf.entry,
    textBytes: dataStart - textStart,
    dataBytes: dataEnd - dataStart,
    bssBytes: bssEnd - dataEnd,
    stackBytes: sym('__stack_bytes'),
  };
  for (const s of elf.sections.filter((x) => x.flags & SHF_ALLOC && x.size > 0)) {
    const allowed = s.type === SHT_NOBITS ? ZEROED_SECTIONS : LOADED_SECTIONS;
    if (!allowed.includes(s.name)) {
      throw new Error(`unexpected allocated section ${s.name}: add it to link.ld or discard it`);
    }
    const end = s.type === SHT_NOBITS ? bssEnd : dataEnd;
    if (s.addr < textStart || s.addr + s.size > end) {
      throw new Error(`section ${s.name} lies outside the image layout`);
    }
  }
  return layout;
}

/** Builds the image, checking that the flat binary holds exactly the ELF's loaded bytes. */
export function packMips1(elf: Elf32File, flat: Uint8Array): Uint8Array {
  const layout = layoutOf(elf);
  const payloadBytes = layout.textBytes + layout.dataBytes;
  if (flat.length !== payloadBytes) {
    throw new Error(
      `flat binary has ${flat.length} bytes, layout expects ${layout.textBytes} text + ${layout.dataBytes} data`,
    );
  }
  for (const s of elf.sections.filter((x) => x.flags & SHF_ALLOC && x.type !== SHT_NOBITS)) {
    const at = s.addr - layout.loadAddress;
    if (Buffer.compare(flat.subarray(at, at + s.size), sectionBytes(elf, s)) !== 0) {
      throw new Error(`flat binary differs from section ${s.name}: objcopy and link.ld disagree`);
    }
  }
  return buildMips1Image({
    loadAddress: layout.loadAddress,
    entry: layout.entry,
    bssBytes: layout.bssBytes,
    stackBytes: layout.stackBytes,
    text: flat.subarray(0, layout.textBytes),
    data: flat.subarray(layout.textBytes),
  });
}

function main(argv: string[]): void {
  if (argv.length !== 3) {
    process.stderr.write('usage: pack-mips1.ts <program.elf> <program.bin> <out.m1>\n');
    process.exit(2);
  }
  const [elfPath, binPath, outPath] = argv;
  try {
    const image = packMips1(parseElf32(readFileSync(elfPath)), readFileSync(binPath));
    writeFileSync(outPath, image);
  } catch (err) {
    process.stderr.write(`pack-mips1: ${elfPath}: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

if (require.main === module) main(process.argv.slice(2));
