import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildMips1Image } from '../../../../src/protocol/images/mips1-image';

/** crt0.S, link.ld and guest.c of the engine's toolchain test. */
export const GUEST_SOURCES = join(__dirname, 'c');

/** docs/guest-abi.md, "mips1 images"; -static -no-pie because Debian's gcc defaults to PIE. */
export const GUEST_CFLAGS = [
  '-march=mips1',
  '-mfp32',
  '-msoft-float',
  '-mno-abicalls',
  '-fno-pic',
  '-G0',
  '-ffreestanding',
  '-nostdlib',
];
const LINK_FLAGS = ['-static', '-no-pie', '-Wl,--build-id=none', '-Wl,-z,norelro'];

function tool(name: string, args: string[]): string {
  const result = spawnSync(`mipsel-linux-gnu-${name}`, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`mipsel-linux-gnu-${name} ${args.join(' ')} failed:\n${result.stderr}`);
  }
  return result.stdout;
}

/** Compiles crt0.S + `cFile` with the cross gcc in `workDir` and packs an M1VM image. */
export function buildGuestImage(cFile: string, workDir: string): Uint8Array {
  const elf = join(workDir, 'guest.elf');
  const bin = join(workDir, 'guest.bin');
  tool('gcc', [
    ...GUEST_CFLAGS,
    '-O2',
    '-Wall',
    '-Werror',
    ...LINK_FLAGS,
    '-T',
    join(GUEST_SOURCES, 'link.ld'),
    '-o',
    elf,
    join(GUEST_SOURCES, 'crt0.S'),
    cFile,
  ]);
  tool('objcopy', ['-O', 'binary', '-j', '.text', '-j', '.rodata', '-j', '.data', elf, bin]);
  const symbols = new Map(
    tool('nm', [elf])
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields.length === 3)
      .map(([value, , name]) => [name, parseInt(value, 16)]),
  );
  const symbol = (name: string) => {
    const value = symbols.get(name);
    if (value === undefined) throw new Error(`${elf} has no symbol ${name}`);
    return value;
  };
  const loadAddress = 0x1000;
  const payload = readFileSync(bin);
  const textBytes = symbol('__text_end') - loadAddress;
  return buildMips1Image({
    loadAddress,
    entry: symbol('_start'),
    text: payload.subarray(0, textBytes),
    data: payload.subarray(textBytes),
    bssBytes: symbol('__bss_end') - symbol('__data_end'),
    stackBytes: 0,
  });
}
