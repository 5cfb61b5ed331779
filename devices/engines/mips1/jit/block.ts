import { isControlTransfer, opOf, type DecodedText } from '../decode';
import { Stop } from '../interpreter';
import { Op } from '../ops';
import {
  emitArithmetic,
  emitControlTransfer,
  emitMemory,
  faultExit,
  SAMPLE_SP,
  type EmitLayout,
  type EmitSite,
} from './emit';

/** Most instructions in one block (a branch may add its delay slot): bounds code size. */
export const MAX_BLOCK_INSTRUCTIONS = 128;

/** A translated block: its instructions' JS and how control leaves it (region.ts). */
export interface BlockSource {
  /** One line per instruction; a fault sets `e` and does `break x`. */
  readonly code: string;
  /** Instructions of one pass; a pass runs only if the budget left covers it. */
  readonly length: number;
  readonly end: BlockEnd;
}

/** How control leaves the block when no instruction faults. */
export interface BlockEnd {
  /**
   * 'slot': after a delay slot, to `nx`; 'next': to `stopPc + 4`; 'odd': text ended after
   * a branch, so its delay slot is the next pc and `nx` the one after.
   */
  readonly kind: 'slot' | 'next' | 'odd';
  readonly stopPc: number;
  readonly stop: Stop.Budget | Stop.Syscall;
  /** Index of the delay slot, -1 if none: a fault there resumes at `nx`. */
  readonly slot: number;
  /** Text offsets worth translating with this block: where it goes, where a call returns. */
  readonly successors: readonly number[];
  /** For 'slot': the values `nx` can take, the taken one first; empty for jr and jalr. */
  readonly targets: readonly number[];
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
      end = endAfterTransfer(text, layout, site, lines);
    } else {
      lines.push(emitStraight(op, site, layout));
      end = endAfterStraight(text, op, at, index, null);
    }
  }
  const length = lines.length; // one line per instruction: the count is static
  return { code: lines.join('\n'), length, end };
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
  slotOf: Pick<BlockEnd, 'successors' | 'targets'> | null,
): BlockEnd | null {
  const stop = op === Op.Syscall ? Stop.Syscall : Stop.Budget;
  if (slotOf !== null) return { kind: 'slot', stopPc: at, stop, slot: index, ...slotOf };
  const full = index + 1 >= MAX_BLOCK_INSTRUCTIONS || at + 4 >= text.textBytes;
  if (!endsBlock(op) && !full) return null;
  const successors = op === Op.Syscall || isStraight(op) ? [at + 4] : [];
  return { kind: 'next', stopPc: at, stop, slot: -1, successors, targets: [] };
}

/** After a branch: its delay slot joins the block, unless text ends first. */
function endAfterTransfer(
  text: DecodedText,
  layout: EmitLayout,
  branch: EmitSite,
  lines: string[],
): BlockEnd {
  const slotAt = branch.at + 4;
  if (slotAt >= text.textBytes) {
    const stopPc = branch.at;
    return { kind: 'odd', stopPc, stop: Stop.Budget, slot: -1, successors: [], targets: [] };
  }
  const site = siteAt(text, slotAt, branch.index + 1);
  const op = opOf(site.w);
  lines.push(emitStraight(op, site, layout));
  const branchOp = opOf(branch.w);
  const successors = transferSuccessors(branchOp, branch);
  const targets = branchOp === Op.Jal ? [branch.imm] : branchOp === Op.Jalr ? [] : successors;
  return endAfterStraight(text, op, slotAt, site.index, { successors, targets })!;
}

/**
 * Where a transfer goes without an indirect jump: its target, and after the delay slot
 * for a conditional branch (not taken) or a call (where its return most likely lands).
 */
function transferSuccessors(op: Op, branch: EmitSite): number[] {
  const after = branch.at + 8;
  switch (op) {
    case Op.Jr:
      return [];
    case Op.Jalr:
      return [after];
    case Op.J:
      return [branch.imm];
    default:
      return [branch.imm, after];
  }
}
