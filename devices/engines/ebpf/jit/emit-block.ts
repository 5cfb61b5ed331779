import { MAX_CALL_DEPTH, REGION } from '../../../../src/protocol/images/rbf/layout';
import { FRAME_SLOTS } from '../cpu';
import type { DecodedProgram } from '../decode';
import { Op } from '../ops';
import { jumpTarget, opOf, type BlockMap } from './blocks';
import { emitAlu } from './emit-alu';
import { jumpCondition } from './emit-jump';
import { emitMemory, type RegionConstants } from './emit-memory';

/** How a generated function stops (ctx.stop): the dispatcher in compile.ts acts on it. */
export const enum Leave {
  Transfer, // ctx.b is a block of another function
  NoBudget, // ctx.b does not fit in ctx.left: the interpreter takes the rest
  Helper, // cpu.stopPc is the helper call, ctx.pc the next instruction
  Exit, // exit from the outermost frame, ctx.pc on it
  Fault, // cpu.fault, ctx.pc on the faulting instruction
  MemoryFault, // ctx.pc on a load or store outside the regions: compile.ts builds the fault
}

export interface EmitContext {
  readonly program: DecodedProgram;
  readonly map: BlockMap;
  readonly regions: RegionConstants;
}

/** r6..r9 (lo, hi) and r10's low word, in the order calls.ts saves them (frames[f + 1..9]). */
const SAVED = ['l6', 'h6', 'l7', 'h7', 'l8', 'h8', 'l9', 'h9', 'l10'];

/**
 * One basic block as a `case`, still open: the budget check for its whole length first
 * (the interpreter runs a block that does not fit), then its instructions. `ends`: control
 * never falls through past it. A fault gives back the count of the faulting instruction
 * and those after it, so counts stay exact.
 */
export function emitBlock(ctx: EmitContext, id: number): { code: string; ends: boolean } {
  const { pcs, start } = ctx.map.blocks[id];
  const n = pcs.length;
  const selfLoop = selfLoopCondition(ctx, pcs[n - 1], start);
  const lines = [
    `case ${id}: {`,
    selfLoop === null ? '' : 'for (;;) {',
    `if (left < ${n}) { b = ${id}; stop = ${Leave.NoBudget}; break run; }`,
    `left -= ${n};`,
  ];
  let ends = false;
  pcs.forEach((pc, k) => {
    const leave = (stop: Leave, code: string) =>
      `{ left += ${n - k}; ${code} pc = ${pc}; stop = ${stop}; break run; }`;
    if (selfLoop !== null && k === n - 1) {
      lines.push(`if (${selfLoop}) continue;`, 'break;', '}');
      return;
    }
    const text = emitInstruction(ctx, pc, leave);
    lines.push(text.code);
    ends = text.ends;
  });
  return { code: lines.join('\n'), ends };
}

/**
 * The condition of a block's last instruction when it is a conditional jump back to the
 * block's own start (a counted or scanning loop), else null: such a block becomes an inner
 * `for` that repeats while the budget covers another pass, with no trip through the switch.
 */
function selfLoopCondition(ctx: EmitContext, pc: number, start: number): string | null {
  if (jumpTarget(ctx.program, pc) !== start) return null;
  const w = ctx.program.code[2 * pc];
  return jumpCondition(opOf(w), (w >> 8) & 15, (w >> 12) & 15, ctx.program.code[2 * pc + 1]);
}

type Leaver = (stop: Leave, code: string) => string;

/** One instruction; `ends`: control never falls through to the next block. */
function emitInstruction(
  ctx: EmitContext,
  pc: number,
  leave: Leaver,
): { code: string; ends: boolean } {
  const { code } = ctx.program;
  const w = code[2 * pc];
  const imm = code[2 * pc + 1];
  const op = opOf(w);
  const d = (w >> 8) & 15;
  const s = (w >> 12) & 15;
  const offset = w >> 16;
  const plain =
    emitAlu(op, d, s, imm) ??
    emitMemory(op, { d, s, offset, imm }, ctx.regions, leave(Leave.MemoryFault, ''));
  if (plain !== null) return { code: plain, ends: false };
  const goto = (target: number) => `b = ${ctx.map.blockOf[target]}; continue run;`;
  const condition = jumpCondition(op, d, s, imm);
  if (condition !== null) {
    return { code: `if (${condition}) { ${goto(jumpTarget(ctx.program, pc))} }`, ends: false };
  }
  if (op === Op.Ja || op === Op.Gotol) {
    return { code: goto(jumpTarget(ctx.program, pc)), ends: true };
  }
  if (op === Op.Lddw) return { code: `l${d} = ${imm}; h${d} = ${code[2 * pc + 3]};`, ends: false };
  if (op === Op.CallHelper) {
    return {
      code: `cpu.stopPc = ${pc}; pc = ${pc + 1}; stop = ${Leave.Helper}; break run;`,
      ends: true,
    };
  }
  if (op === Op.CallLocal) return { code: emitCall(ctx, pc, offset, imm, leave), ends: true };
  if (op === Op.Exit) return { code: emitExit(pc), ends: true };
  throw new Error(`ebpf-jit: op ${op} at ${pc} has no translation`);
}

/**
 * calls.ts callLocal, inlined: the depth and stack checks, then the frame from the locals.
 * `dp` and `lw` are the function's locals for cpu.depth and cpu.lowestStack (compile.ts).
 */
function emitCall(ctx: EmitContext, pc: number, frame: number, target: number, leave: Leaver) {
  const calleeFrame = ctx.program.frameOf[target];
  const saves = SAVED.map((name, k) => `frames[f + ${k + 1}] = ${name};`).join(' ');
  return [
    `if (dp >= ${MAX_CALL_DEPTH}) ${leave(Leave.Fault, `cpu.fault = callTooDeep(${pc}, ${MAX_CALL_DEPTH});`)}`,
    `t = l${10} - ${frame}; u = t - ${calleeFrame};`,
    `if (u < ${REGION.stack}) ${leave(Leave.Fault, `cpu.fault = stackOverflow(${pc}, u, ${REGION.stack});`)}`,
    `f = dp * ${FRAME_SLOTS}; frames[f] = ${pc + 1}; ${saves}`,
    `dp++; if (u < lw) lw = u;`,
    `l10 = t | 0; b = ${ctx.map.blockOf[target]}; continue run;`,
  ].join('\n');
}

/** exit: the end at depth 0, else calls.ts returnFromCall inlined. */
function emitExit(pc: number): string {
  const restores = SAVED.map((name, k) => `${name} = frames[f + ${k + 1}];`).join(' ');
  return [
    `if (dp === 0) { cpu.stopPc = ${pc}; pc = ${pc}; stop = ${Leave.Exit}; break run; }`,
    `f = --dp * ${FRAME_SLOTS}; ${restores}`,
    `b = blockOf[frames[f]]; continue run;`,
  ].join('\n');
}
