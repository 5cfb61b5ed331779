/**
 * Packs one clang BPF relocatable object into a Femto-Container image (.rbf,
 * src/protocol/images/rbf/format.ts).
 *
 *   ts-node -T firmware/tools/pack-rbf.ts <program.o> <out.rbf>
 *
 * What it does, after Femto-Container's gen_rbf tool:
 * - text: the one executable section (.text); rodata: every read-only allocated section
 *   (.rodata, .rodata.str1.1, .rodata.cst16, ...) in section order, each at its alignment;
 *   data: the writable ones, .data first, then .bss as zeros (the format has no bss).
 * - function table: main first (the entry point), then every other global function by
 *   address; names are appended to rodata.
 * - .rel.text R_BPF_64_64 on an LDDW: against rodata -> opcode 0xD8, against data ->
 *   0xB8, imm = offset in that section (+ the addend clang left in imm); against a
 *   function -> plain LDDW of its text byte offset (a handler "address", guest ABI).
 *   R_BPF_64_32 on a call -> pc-relative bpf-to-bpf call.
 * - R_BPF_64_ABS64/ABS32 inside data or rodata (pointer tables): the absolute address in
 *   this runtime's fixed region layout (src/protocol/images/rbf/layout.ts). A vmfleet
 *   extension: real Femto-Containers cannot run images that have such pointers.
 * The result is parsed and verified with the device's own code before it is written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildRbf, parseRbf } from '../../src/protocol/images/rbf/format';
import { OPCODE } from '../../src/protocol/images/rbf/isa';
import { REGION } from '../../src/protocol/images/rbf/layout';
import { verifyRbf } from '../../src/protocol/images/rbf/verify';
import {
  EM_BPF,
  Elf64File,
  Elf64Section,
  Elf64Symbol,
  parseElf64,
  relocations,
  sectionBytes,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHN_UNDEF,
  SHT_NOBITS,
  SHT_REL,
  STB_GLOBAL,
  STT_FUNC,
  STT_SECTION,
} from './elf64';

// Relocation types (LLVM docs, "BPF ELF relocations").
const R_BPF_64_64 = 1;
const R_BPF_64_ABS64 = 2;
const R_BPF_64_ABS32 = 3;
const R_BPF_64_32 = 10;

type Place = { region: 'text' | 'rodata' | 'data'; offset: number };

class Blob {
  parts: Uint8Array[] = [];
  length = 0;
  add(bytes: Uint8Array, align: number): number {
    const pad = (Math.max(align, 1) - (this.length % Math.max(align, 1))) % Math.max(align, 1);
    if (pad) this.parts.push(new Uint8Array(pad));
    const at = this.length + pad;
    this.parts.push(bytes);
    this.length = at + bytes.length;
    return at;
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.parts);
  }
}

function fail(message: string): never {
  throw new Error(`pack-rbf: ${message}`);
}

/** Where each allocated section goes; the section contents, still to be relocated. */
function layOut(elf: Elf64File) {
  const alloc = elf.sections.filter((s) => s.flags & SHF_ALLOC && s.size > 0);
  const texts = alloc.filter((s) => s.flags & SHF_EXECINSTR);
  if (texts.length !== 1 || texts[0].name !== '.text') {
    fail(
      `expected exactly one executable section .text, found ${texts.map((s) => s.name).join(', ') || 'none'}`,
    );
  }
  const places = new Map<number, Place>([[texts[0].index, { region: 'text', offset: 0 }]]);
  const rodata = new Blob();
  const data = new Blob();
  const bytes = new Map<number, Uint8Array>();
  const readOnly = alloc.filter((s) => !(s.flags & (SHF_EXECINSTR | SHF_WRITE)));
  const writable = alloc.filter((s) => s.flags & SHF_WRITE);
  const zeroed = writable.filter((s) => s.type === SHT_NOBITS);
  for (const s of readOnly) place(s, 'rodata', rodata);
  for (const s of writable.filter((w) => w.type !== SHT_NOBITS)) place(s, 'data', data);
  for (const s of zeroed) place(s, 'data', data);
  function place(s: Elf64Section, region: 'rodata' | 'data', blob: Blob) {
    const content = sectionBytes(elf, s);
    bytes.set(s.index, content);
    places.set(s.index, { region, offset: blob.add(content, s.align) });
  }
  return {
    text: endWithExit(sectionBytes(elf, texts[0])),
    textIndex: texts[0].index,
    places,
    rodata,
    data,
    bytes,
  };
}

/**
 * Femto-Container's verifier wants exit as the last instruction (BPF_NO_RETURN); clang may
 * end text with a backward jump (a function whose last block loops). An unreachable exit
 * appended after it satisfies the rule without changing what runs.
 */
function endWithExit(text: Uint8Array): Uint8Array {
  if (text.length >= 8 && text[text.length - 8] === OPCODE.exit) return text;
  const out = new Uint8Array(text.length + 8);
  out.set(text);
  out[text.length] = OPCODE.exit;
  return out;
}

function main(): void {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) fail('usage: pack-rbf.ts <program.o> <out.rbf>');
  const elf = parseElf64(new Uint8Array(readFileSync(input)));
  if (elf.machine !== EM_BPF) fail(`${input} is not a BPF object (e_machine ${elf.machine})`);
  const layout = layOut(elf);
  refuseIndirectCalls(elf, layout.text, layout.textIndex);
  const symbolPlace = (sym: Elf64Symbol, at: string): Place => {
    if (sym.section === SHN_UNDEF)
      fail(
        `${at} refers to "${sym.name}", which neither the program nor the eBPF SDK's C library ` +
          `(firmware/sdk/ebpf/include) defines; BPF objects are not linked (one C file per ` +
          `program), so define ${sym.name} in the program or do without it`,
      );
    const base =
      layout.places.get(sym.section) ??
      fail(`${at} refers to "${sym.name}" in a section that is not loaded`);
    return {
      region: base.region,
      offset: base.offset + (sym.type === STT_SECTION ? 0 : sym.value),
    };
  };
  for (const rel of elf.sections.filter((s) => s.type === SHT_REL)) {
    const target = rel.info;
    for (const r of relocations(elf, rel)) {
      const sym = elf.symbols[r.symbol];
      const at = `${rel.name}+0x${r.offset.toString(16)}`;
      if (target === layout.textIndex)
        relocateText(layout.text, r.offset, r.type, symbolPlace(sym, at), at);
      else if (layout.bytes.has(target))
        relocateData(layout.bytes.get(target)!, r.offset, r.type, symbolPlace(sym, at), at);
    }
  }
  const functions = elf.symbols
    .filter((s) => s.type === STT_FUNC && s.bind === STB_GLOBAL && s.section === layout.textIndex)
    .sort((a, b) => Number(b.name === 'main') - Number(a.name === 'main') || a.value - b.value);
  if (functions[0]?.name !== 'main') fail('the program has no global main()');
  const rodata = layout.rodata;
  const table = functions.map((f) => ({
    nameOffset: rodata.add(new TextEncoder().encode(`${f.name}\0`), 1),
    location: f.value,
  }));
  const rbf = buildRbf({
    data: layout.data.bytes(),
    rodata: rodata.bytes(),
    text: layout.text,
    functions: table,
  });
  try {
    verifyRbf(parseRbf(rbf));
  } catch (error) {
    fail(`the image fails the device's verifier: ${(error as Error).message}`);
  }
  writeFileSync(output, rbf);
}

/** callx (JMP | CALL | X, clang -mcpu=v4 for a call through a function pointer). */
const CALLX = 0x8d;

/**
 * eBPF here has no indirect calls (the verifier would refuse callx as unknown_opcode):
 * say so at build time, naming the function, with what to write instead.
 */
function refuseIndirectCalls(elf: Elf64File, text: Uint8Array, textIndex: number): void {
  const functions = elf.symbols
    .filter((s) => s.type === STT_FUNC && s.section === textIndex)
    .sort((a, b) => a.value - b.value);
  for (let at = 0; at < text.length; at += 8) {
    if (text[at] !== CALLX) continue;
    const caller = functions.filter((f) => f.value <= at).pop()?.name ?? '?';
    fail(
      `${caller}() calls through a function pointer (callx at text byte ${at}); eBPF has no ` +
        'indirect calls. Call the function directly: a switch over an enum instead of a table ' +
        'of function pointers; qsort/bsearch take a comparator only as a constant (they are ' +
        'inlined, so the call becomes direct)',
    );
  }
}

function relocateText(
  text: Uint8Array,
  offset: number,
  type: number,
  place: Place,
  at: string,
): void {
  const view = new DataView(text.buffer, text.byteOffset, text.byteLength);
  if (type === R_BPF_64_32) {
    // call: imm = target instruction - (this instruction + 1); clang leaves the addend in imm.
    if (place.region !== 'text') fail(`${at}: call to a symbol outside text`);
    const target = place.offset / 8 + view.getInt32(offset + 4, true) + 1;
    view.setInt32(offset + 4, target - offset / 8 - 1, true);
    return;
  }
  if (type !== R_BPF_64_64) fail(`${at}: relocation type ${type} in text is not supported`);
  if (text[offset] !== OPCODE.lddw)
    fail(`${at}: R_BPF_64_64 on opcode 0x${text[offset].toString(16)}, not LDDW`);
  const value = place.offset + view.getUint32(offset + 4, true);
  text[offset] = { text: OPCODE.lddw, rodata: OPCODE.lddwRodata, data: OPCODE.lddwData }[
    place.region
  ];
  view.setUint32(offset + 4, value, true);
  view.setUint32(offset + 12, 0, true);
}

function relocateData(
  bytes: Uint8Array,
  offset: number,
  type: number,
  place: Place,
  at: string,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const base = { text: 0, rodata: REGION.rodata, data: REGION.data }[place.region];
  if (type === R_BPF_64_ABS64) {
    const value = BigInt(base + place.offset) + view.getBigUint64(offset, true);
    view.setBigUint64(offset, BigInt.asUintN(64, value), true);
  } else if (type === R_BPF_64_ABS32) {
    view.setUint32(offset, base + place.offset + view.getUint32(offset, true), true);
  } else {
    fail(`${at}: relocation type ${type} in data is not supported`);
  }
}

try {
  main();
} catch (error) {
  // A build error, said once without a stack trace (make shows which rule ran it).
  console.error((error as Error).message);
  process.exit(1);
}
