import type { DecodedText } from '../decode';
import { Stop } from '../interpreter';
import { translateBlock, type BlockSource } from './block';
import { int, type EmitLayout } from './emit';

/** Most instructions in one region: V8 stops optimizing much bigger functions. */
export const MAX_REGION_INSTRUCTIONS = 400;
/** Most blocks in one region: bounds the switch. */
const MAX_REGION_BLOCKS = 64;
/** Most instructions one call runs before it returns to the tier: `executed * 4` is an int32. */
const MAX_CALL_INSTRUCTIONS = 1 << 22;

/** The source of one region and the blocks it can be entered at. */
export interface RegionSource {
  readonly body: string;
  /** Text offsets of the region's blocks, in text order; a block's id is its index. */
  readonly starts: readonly number[];
  /** Instructions of one pass of each block: the tier enters only if the budget covers it. */
  readonly lengths: readonly number[];
  /** Per text word, the id of the region's block starting there, else -1: the `ids` param. */
  readonly ids: Int16Array;
}

/**
 * Translates the blocks reachable from `entry` by direct branches, jumps, calls and the
 * returns after calls, breadth first, up to MAX_REGION_INSTRUCTIONS, into one function
 * body `(r, cpu, left, b)` that runs from the block with id `b` (its index in `starts`)
 * on. Registers stay in locals across blocks; a block runs only if the budget left covers
 * its whole pass, else the region returns with pc on it (the tier's interpreter then
 * steps exactly). Any jump, indirect ones too, to a block of the region stays inside;
 * anything else returns to the tier.
 */
export function translateRegion(
  text: DecodedText,
  layout: EmitLayout,
  entry: number,
): RegionSource {
  const blocks = new Map<number, BlockSource>();
  const seen = new Set<number>([entry]);
  const queue = [entry];
  let size = 0;
  for (let i = 0; i < queue.length && blocks.size < MAX_REGION_BLOCKS; i++) {
    const block = translateBlock(text, layout, queue[i]);
    if (blocks.size > 0 && size + block.length > MAX_REGION_INSTRUCTIONS) continue;
    blocks.set(queue[i], block);
    size += block.length;
    for (const next of block.end.successors) {
      if (next >= 0 && next < text.textBytes && (next & 3) === 0 && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  // In text order, so a block's fall-through successor is most often the next case
  // (blockExit falls through to it instead of going round the switch).
  const starts = [...blocks.keys()].sort((x, y) => x - y);
  const ordered = new Map(starts.map((start) => [start, blocks.get(start)!]));
  const ids = new Int16Array(text.textBytes >> 2).fill(-1);
  starts.forEach((start, id) => (ids[start >> 2] = id));
  const lengths = starts.map((start) => blocks.get(start)!.length);
  return { body: assemble(ordered, text.textBytes), starts, lengths, ids };
}

/**
 * `for (;;) switch (b)` over block ids (dense, so V8 makes it a jump table), with one exit
 * path that writes the registers back, then either the fault (the tier builds it from the
 * block start `st`, the index `e`, its slot `sl` and `a`) or pc = p (npc = np when a
 * branch's delay slot is the next pc). `n` counts the budget left down.
 */
function assemble(blocks: ReadonlyMap<number, BlockSource>, textBytes: number): string {
  const code = [...blocks.values()].map((block) => block.code).join('\n');
  const used = [...new Set([...code.matchAll(/\br(\d+)\b/g)].map((m) => Number(m[1])))];
  const written = [...new Set([...code.matchAll(/\br(\d+) = /g)].map((m) => Number(m[1])))];
  const hiLo = /\b(hi|lo)\b/.test(code);
  const ids = new Map([...blocks.keys()].map((start, id) => [start, id]));
  const cases = [...blocks].map(([start, block], id) =>
    blockCase(start, block, { ids, next: id + 1 }, textBytes),
  );
  return [
    used.length ? `let ${used.map((n) => `r${int(n)} = r[${int(n)}]`).join(', ')};` : '',
    hiLo ? 'let hi = cpu.hi, lo = cpu.lo;' : '',
    /\bstackLimit\b/.test(code)
      ? 'const stackLimit = cpu.stackLimit, stackSpan = cpu.stackSpan;'
      : '',
    'let a = 0, t = 0, s = 0, nx = 0, e = -1, st = 0, sl = -1, sp = 0, p = 0, np = 1, stop = 0;',
    `const lim = left < ${int(MAX_CALL_INSTRUCTIONS)} ? left : ${int(MAX_CALL_INSTRUCTIONS)};`,
    'let n = lim;',
    `y: for (;;) switch (b) {\n${cases.join('\n')}\ndefault: break y;\n}`,
    written.map((n) => `r[${int(n)}] = r${int(n)};`).join(' '),
    hiLo ? 'cpu.hi = hi; cpu.lo = lo;' : '',
    'if (e >= 0) return fault(cpu, st, e, a, nx, lim - n, sl);',
    'cpu.pc = p; cpu.npc = np === 1 ? (p + 4) | 0 : np; cpu.stopPc = sp;',
    'return (lim - n) * 4 + stop;',
  ].join('\n');
}

/** Block ids by text offset, and the id of the case that follows this one. */
interface Ids {
  readonly ids: ReadonlyMap<number, number>;
  readonly next: number;
}

/**
 * One block: budget check, its instructions (repeated while it branches back to itself
 * and the budget covers another pass), then on to the next block or out. The case is a
 * block labelled `f`: `break f` falls through into the next case's budget check, cheaper
 * than the loop back to `switch (b)` (an indirect jump) that other successors take.
 */
function blockCase(start: number, block: BlockSource, ids: Ids, textBytes: number): string {
  const { end, length } = block;
  const loops = end.kind === 'slot' && end.stop === Stop.Budget && end.targets.includes(start);
  const pass = loops
    ? `for (;;) {\n${block.code}\nn -= ${int(length)};\n` +
      `if (nx !== ${int(start)} || n < ${int(length)}) break;\n}`
    : `${block.code}\nn -= ${int(length)};`;
  return [
    `case ${int(ids.ids.get(start)!)}: f: {`,
    `if (n < ${int(length)}) { p = ${int(start)}; break y; }`,
    `x: {\n${pass}\nsp = ${int(end.stopPc)};\n${blockExit(block, ids, textBytes)}\n}`,
    `st = ${int(start)}; sl = ${int(end.slot)}; break y;`,
    '}',
  ].join('\n');
}

/** Where control goes after a block's pass: a block of the region by id, or out at p. */
function blockExit({ end }: BlockSource, { ids, next }: Ids, textBytes: number): string {
  const to = (at: number) => {
    const id = ids.get(at);
    if (id === undefined) return `{ p = ${int(at)}; break y; }`;
    return id === next ? 'break f;' : `{ b = ${int(id)}; break; }`;
  };
  if (end.kind === 'odd') return `p = ${int(end.stopPc + 4)}; np = nx; break y;`;
  if (end.stop === Stop.Syscall) {
    const after = end.kind === 'slot' ? 'nx' : int(end.stopPc + 4);
    return `p = ${after}; stop = ${int(Stop.Syscall)}; break y;`;
  }
  if (end.kind === 'next') return to(end.stopPc + 4);
  const [taken, notTaken] = end.targets;
  if (taken === undefined) {
    // An indirect jump: `ids` (RegionSource) maps text words to block ids, -1 = leave.
    return `p = nx; b = nx >>> 0 < ${int(textBytes)} ? ids[nx >> 2] : -1; break;`;
  }
  if (notTaken === undefined || notTaken === taken) return to(taken);
  return `if (nx === ${int(taken)}) ${to(taken)} else ${to(notTaken)}`;
}
