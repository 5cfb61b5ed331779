import type { Program } from '../wasm/program';
import type { SharedGuestMemory } from './shared-memory';

/** LinearMemory's block: 64 bytes, 16 words. */
const BLOCK_WORDS = 16;

/**
 * The most guest memory the program has needed, as the interpreter's peakGuestBytes
 * counts it (devices/engines/wasm/README.md, Memory): static data, the deepest the C stack
 * went (the instrumented stack-pointer check keeps the lowest value), and every other
 * 64-byte block the program wrote, heap included. The compiled code does not mark its
 * stores, so a block counts here once it holds a non-zero byte: a block only ever written
 * with zeros is missed (README.md, "Memory report"). At most the accessible memory.
 */
export function peakGuestBytes(
  program: Program,
  memory: SharedGuestMemory,
  lowest: number,
): number {
  const { layout } = program.validated;
  const c = program.cLayout;
  const statics: [number, number] =
    c !== null ? [c.staticStart, c.dataEnd] : [layout.dataStart, layout.dataEnd];
  const excluded: Array<[number, number]> = [statics];
  let depth = 0;
  if (c !== null) {
    excluded.push([c.stackFloor, c.stackTop]);
    depth = c.stackTop - Math.max(lowest, c.stackFloor);
  }
  markWrittenBlocks(memory);
  const others = memory.touchedBytes(excluded);
  return Math.min(statics[1] - statics[0] + depth + others, memory.cap);
}

/** Marks in `touched` every block of the accessible memory holding a non-zero byte. */
function markWrittenBlocks(memory: SharedGuestMemory): void {
  const words = new Int32Array(memory.u8.buffer, 0, memory.cap >> 2);
  const touched = memory.touched;
  for (let block = 0, w = 0; w < words.length; block++, w += BLOCK_WORDS) {
    if (touched[block] !== 0) continue;
    const end = Math.min(w + BLOCK_WORDS, words.length);
    for (let i = w; i < end; i++) {
      if (words[i] !== 0) {
        touched[block] = 1;
        break;
      }
    }
  }
}

/** The table as the element segments leave it (MVP tables never change after instantiation). */
export function staticTable(program: Program): Int32Array {
  const { module } = program.validated;
  const table = new Int32Array(module.table?.min ?? 0).fill(-1);
  for (const e of module.elements) e.functions.forEach((f, i) => (table[e.offset + i] = f));
  return table;
}
