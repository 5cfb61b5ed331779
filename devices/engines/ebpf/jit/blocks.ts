import type { DecodedProgram } from '../decode';
import { Op } from '../ops';

/** A basic block: straight-line code from `start`; only its last instruction may leave it. */
export interface Block {
  readonly start: number;
  /** Slot indexes of its instructions (an LDDW is one instruction, two slots). */
  readonly pcs: readonly number[];
}

/** The program cut into basic blocks, and the JS functions they are grouped into. */
export interface BlockMap {
  readonly blocks: readonly Block[];
  /** pc → block id when pc starts a block, else -1. */
  readonly blockOf: Int32Array;
  /** pc → instructions from pc to the end of its block, inclusive (the interpreter's steps to a leader). */
  readonly toEnd: Int32Array;
}

/** Groups of consecutive block ids, one generated JS function each: [first, last]. */
export type Groups = ReadonlyArray<readonly [number, number]>;

/**
 * Characters of generated source one function aims at, and the most it may hold. V8 never
 * optimizes a function whose bytecode passes 60 KB (about 0.75 bytes per character of
 * this source), and its optimizing compile, which runs while the program does and again
 * after every deopt, grows faster than the function: on bench:vm's programs, groups of
 * ~10 000 characters cost about half the CPU of groups of ~36 000 (compiles included),
 * and groups of ~3 000 lose more to leaving a function than they save.
 */
const GROUP_CHARS = 10_000;
const MAX_GROUP_CHARS = 48_000;

export const opOf = (w: number): Op => w & 0xff;

/** Whether the instruction ends a block: jumps, calls and exit. */
export function endsBlock(op: Op): boolean {
  return (op >= Op.Ja && op <= Op.Jsle32X) || (op >= Op.CallHelper && op <= Op.Exit);
}

/** Jump target of a jump at pc, or -1 for other instructions. */
export function jumpTarget(program: DecodedProgram, pc: number): number {
  const w = program.code[2 * pc];
  const op = opOf(w);
  if (op === Op.Gotol) return pc + 1 + program.code[2 * pc + 1];
  if (op === Op.CallLocal) return program.code[2 * pc + 1];
  if (op >= Op.Ja && op <= Op.Jsle32X) return pc + 1 + (w >> 16);
  return -1;
}

function leaders(program: DecodedProgram): Uint8Array {
  const { code, count } = program;
  const lead = new Uint8Array(count + 1);
  lead[0] = 1;
  lead[program.entry] = 1;
  for (let pc = 0; pc < count; pc++) {
    const op = opOf(code[2 * pc]);
    if (op === Op.LddwTail) continue;
    if (endsBlock(op)) {
      lead[pc + 1] = 1;
      const target = jumpTarget(program, pc);
      if (target >= 0) lead[target] = 1;
    }
  }
  return lead;
}

/** Cuts a verified program into basic blocks (jump and call targets are known at load). */
export function findBlocks(program: DecodedProgram): BlockMap {
  const { code, count } = program;
  const lead = leaders(program);
  const blocks: Block[] = [];
  const blockOf = new Int32Array(count).fill(-1);
  let pcs: number[] = [];
  for (let pc = 0; pc < count; pc++) {
    if (lead[pc] === 1 && pcs.length > 0) {
      blocks.push({ start: pcs[0], pcs });
      pcs = [];
    }
    if (pcs.length === 0) blockOf[pc] = blocks.length;
    pcs.push(pc);
    if (opOf(code[2 * pc]) === Op.Lddw) pc++;
  }
  if (pcs.length > 0) blocks.push({ start: pcs[0], pcs });
  const toEnd = new Int32Array(count);
  for (const block of blocks) block.pcs.forEach((pc, k) => (toEnd[pc] = block.pcs.length - k));
  return { blocks, blockOf, toEnd };
}

/**
 * Consecutive blocks per bpf function (call targets start one), split where the next
 * block's source (`chars[id]`) would take the group past GROUP_CHARS, unless that would
 * cut a loop (a backward jump's span) that fits in MAX_GROUP_CHARS: a loop split across
 * two functions leaves one of them on every pass.
 */
export function groupBlocks(
  program: DecodedProgram,
  blocks: readonly Block[],
  chars: readonly number[],
): Groups {
  const starts = new Set<number>([program.entry]);
  for (let pc = 0; pc < program.count; pc++) {
    if (opOf(program.code[2 * pc]) === Op.CallLocal) starts.add(program.code[2 * pc + 1]);
  }
  const { inLoop, loopChars } = loops(program, blocks, chars);
  const groups: Array<[number, number]> = [];
  let first = 0;
  let size = 0;
  blocks.forEach((block, id) => {
    const after = size + chars[id];
    const full =
      after > MAX_GROUP_CHARS ||
      (after > GROUP_CHARS && !inLoop[id]) ||
      size + loopChars[id] > MAX_GROUP_CHARS; // a loop starting here would not fit: start anew
    if (id > first && (starts.has(block.start) || full)) {
      groups.push([first, id - 1]);
      first = id;
      size = 0;
    }
    size += chars[id];
  });
  if (blocks.length > 0) groups.push([first, blocks.length - 1]);
  return groups;
}

/**
 * Loops that fit in one group (a backward jump's span of blocks up to MAX_GROUP_CHARS):
 * per block id, whether it lies inside one after its head, and the characters of the
 * longest one headed there.
 */
function loops(program: DecodedProgram, blocks: readonly Block[], chars: readonly number[]) {
  const inLoop = new Uint8Array(blocks.length);
  const loopChars = new Int32Array(blocks.length);
  blocks.forEach((block, id) => {
    const last = block.pcs[block.pcs.length - 1];
    const target = opOf(program.code[2 * last]) === Op.CallLocal ? -1 : jumpTarget(program, last);
    const head = target >= 0 ? findBlock(blocks, target) : -1;
    if (head < 0 || head > id) return;
    let span = 0;
    for (let k = head; k <= id; k++) span += chars[k];
    if (span > MAX_GROUP_CHARS) return;
    inLoop.fill(1, head + 1, id + 1);
    loopChars[head] = Math.max(loopChars[head], span);
  });
  return { inLoop, loopChars };
}

/** Id of the block starting at pc (blocks are in pc order), or -1. */
function findBlock(blocks: readonly Block[], pc: number): number {
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (blocks[mid].start === pc) return mid;
    if (blocks[mid].start < pc) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
