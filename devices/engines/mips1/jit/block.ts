import { isControlTransfer, opOf, type DecodedText } from '../decode';
import { Stop } from '../interpreter';
import { Op } from '../ops';
import {
  emitArithmetic,
  emitControlTransfer,
  emitMemory,
  faultExit,
  int,
  SAMPLE_SP,
  type EmitLayout,
  type EmitSite,
} from './emit';

/** Most instructions in one block (a branch may add its delay slot): bounds code size. */
export const MAX_BLOCK_INSTRUCTIONS = 128;
/** Most instructions one call of a self-looping block runs before it returns to the tier. */
const MAX_LOOP_INSTRUCTIONS = 1 << 22;

/** The source of one block and the numbers the tier needs to run it. */
export interface BlockSource {
  readonly body: string;
  /** Instructions of one pass; the tier enters the block only with at least this budget. */
  readonly length: number;
}

/** How control leaves the block when no instruction faults. */
interface BlockEnd {
  /** JS setting cpu.pc and cpu.npc. */
  readonly next: string;
  readonly stopPc: number;
  readonly stop: Stop.Budget | Stop.Syscall;
  /** A conditional branch or jump back to the block's start: loop inside the block. */
  readonly loops: boolean;
  /** Index of the delay slot, -1 if none: a fault there resumes at `nx`. */
  readonly slot: number;
}

/**
 * Translates the straight-line run of instructions at `start` (a text offset entered with
 * npc = start + 4) up to and including the first control transfer and its delay slot, a
 * syscall, an instruction that always faults, the end of text or MAX_BLOCK_INSTRUCTIONS.
 */
export function translateBlock(text: DecodedText, layout: EmitLayout, start: number): BlockSource {
  const lines: string[] = [];
  let end: BlockEnd | null = null;
  for (let index = 0; end === null; index++) {
    const at = start + 4 * index;
    const site = siteAt(text, at, index);
    const op = opOf(site.w);
    if (isControlTransfer(op)) {
      lines.push(emitControlTransfer(op, site, layout.base));
      end = endAfterTransfer(text, layout, start, site, lines);
    } else {
      lines.push(emitStraight(op, site, layout));
      end = endAfterStraight(text, op, at, index, null);
    }
  }
  const length = lines.length; // one line per instruction: the count is static
  return { body: assemble(lines.join('\n'), length, start, end), length };
}

function siteAt(text: DecodedText, at: number, index: number): EmitSite {
  return { w: text.code[at >> 1], imm: text.code[(at >> 1) + 1], at, index };
}

/** Any instruction but a control transfer, including the ones that always fault. */
function emitStraight(op: Op, site: EmitSite, layout: EmitLayout): string {
  if (op === Op.Syscall) return SAMPLE_SP;
  return emitArithmetic(op, site) ?? emitMemory(op, site, layout) ?? faultExit(site.index);
}

function endsBlock(op: Op): boolean {
  return op === Op.Syscall || !isStraight(op);
}

/** Ops that neither transfer control nor always fault. */
function isStraight(op: Op): boolean {
  return op !== Op.Break && op !== Op.Illegal && op !== Op.BranchInDelaySlot && op <= Op.MoveSp;
}

/** The end after an instruction that is not a control transfer (or a delay slot, `slotOf`). */
function endAfterStraight(
  text: DecodedText,
  op: Op,
  at: number,
  index: number,
  slotOf: { start: number; target: number | null } | null,
): BlockEnd | null {
  const stop = op === Op.Syscall ? Stop.Syscall : Stop.Budget;
  if (slotOf !== null) {
    const loops = stop === Stop.Budget && slotOf.target === slotOf.start;
    return { next: 'cpu.pc = nx; cpu.npc = (nx + 4) | 0;', stopPc: at, stop, loops, slot: index };
  }
  const full = index + 1 >= MAX_BLOCK_INSTRUCTIONS || at + 4 >= text.textBytes;
  if (!endsBlock(op) && !full) return null;
  const next = `cpu.pc = ${int(at + 4)}; cpu.npc = ${int(at + 8)};`;
  return { next, stopPc: at, stop, loops: false, slot: -1 };
}

/** After a branch: its delay slot joins the block, unless text ends first. */
function endAfterTransfer(
  text: DecodedText,
  layout: EmitLayout,
  start: number,
  branch: EmitSite,
  lines: string[],
): BlockEnd {
  const slotAt = branch.at + 4;
  if (slotAt >= text.textBytes) {
    const next = `cpu.pc = ${int(slotAt)}; cpu.npc = nx;`;
    return { next, stopPc: branch.at, stop: Stop.Budget, loops: false, slot: -1 };
  }
  const site = siteAt(text, slotAt, branch.index + 1);
  const op = opOf(site.w);
  lines.push(emitStraight(op, site, layout));
  const op0 = opOf(branch.w);
  const target = op0 === Op.Jr || op0 === Op.Jalr ? null : branch.imm;
  return endAfterStraight(text, op, slotAt, site.index, { start, target })!;
}

/**
 * The block function's source: registers in locals for the whole block, one exit path
 * that writes them back, then either the fault (built by the tier from `e` and `a`) or the
 * static end. A self-loop repeats while it branches back and the budget covers a pass.
 */
function assemble(code: string, length: number, start: number, end: BlockEnd): string {
  const used = [...new Set([...code.matchAll(/\br(\d+)\b/g)].map((m) => Number(m[1])))];
  const written = [...new Set([...code.matchAll(/\br(\d+) = /g)].map((m) => Number(m[1])))];
  const hiLo = /\b(hi|lo)\b/.test(code);
  const pass = end.loops
    ? `for (;;) {\n${code}\nc += ${int(length)};\n` +
      `if (nx !== ${int(start)} || left - c < ${int(length)} || c >= ${int(MAX_LOOP_INSTRUCTIONS)}) break;\n}`
    : `${code}\nc = ${int(length)};`;
  return [
    used.length ? `let ${used.map((n) => `r${int(n)} = r[${int(n)}]`).join(', ')};` : '',
    hiLo ? 'let hi = cpu.hi, lo = cpu.lo;' : '',
    'let a = 0, t = 0, s = 0, nx = 0, e = -1, c = 0;',
    `x: {\n${pass}\n}`,
    written.map((n) => `r[${int(n)}] = r${int(n)};`).join(' '),
    hiLo ? 'cpu.hi = hi; cpu.lo = lo;' : '',
    `if (e >= 0) return fault(cpu, ${int(start)}, e, a, nx, c, ${int(end.slot)});`,
    `${end.next} cpu.stopPc = ${int(end.stopPc)};`,
    `return c * 4 + ${int(end.stop)};`,
  ].join('\n');
}
