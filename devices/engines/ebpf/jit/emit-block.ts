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
  Returned, // between generated functions only: the callee of a JS call (emitCall) returned
}

/**
 * bpf-to-bpf calls nest as JavaScript calls up to this depth (each takes two JS frames);
 * deeper ones, and returns to frames a JS call did not make, go through the dispatch.
 */
export const JS_CALL_DEPTH = 512;
/**
 * Around a call's JS-call path: the switch dispatcher (compile.ts) cuts it out. There every
 * block is in one loop, and a call in it makes V8 keep the locals of the hottest loops in
 * stack slots (matrix ran 2x slower); its calls stay with the dispatch.
 */
export const JS_CALL = ['/*js{*/', '/*}js*/'] as const;
/** Where the group's register locals are stored to cpu.regs and loaded back (compile.ts). */
export const STORE_LOCALS = '/*store*/';
export const LOAD_LOCALS = '/*load*/';

export interface EmitContext {
  readonly program: DecodedProgram;
  readonly map: BlockMap;
  readonly regions: RegionConstants;
}

/** r6..r9 (lo, hi) and r10's low word, in the order calls.ts saves them (frames[f + 1..9]). */
const SAVED = ['l6', 'h6', 'l7', 'h7', 'l8', 'h8', 'l9', 'h9', 'l10'];

/**
 * How a block passes control on inside the generated code: a conditional jump (taken to
 * `target`, else on to `next`), a jump, a fall-through to `next`, or none of these (the
 * block's code itself leaves or dispatches: calls, exits, helper calls).
 */
export type Terminator =
  | {
      readonly kind: 'branch';
      readonly condition: string;
      readonly target: number;
      readonly next: number;
    }
  | { readonly kind: 'jump'; readonly target: number }
  | { readonly kind: 'next'; readonly next: number }
  | { readonly kind: 'leaves' };

/** One basic block's code (budget check and instructions) without its jump, and the jump. */
export interface BlockParts {
  readonly body: string;
  readonly term: Terminator;
}

/**
 * One basic block: the budget check for its whole length first (the interpreter runs a
 * block that does not fit), then its instructions; a jump at its end is left to the
 * caller as `term` (block ids). A fault gives back the count of the faulting instruction
 * and those after it, so counts stay exact.
 */
export function emitBlockParts(ctx: EmitContext, id: number): BlockParts {
  const { pcs } = ctx.map.blocks[id];
  const n = pcs.length;
  const lines = [
    `if (left < ${n}) { b = ${id}; stop = ${Leave.NoBudget}; break run; }`,
    `left -= ${n};`,
  ];
  const leaver = (k: number, pc: number) => (stop: Leave, code: string) =>
    `{ left += ${n - k}; ${code} pc = ${pc}; stop = ${stop}; break run; }`;
  pcs.forEach((pc, k) => {
    if (k < n - 1) lines.push(emitInstruction(ctx, pc, leaver(k, pc)).code);
  });
  const last = pcs[n - 1];
  const term = terminatorOf(ctx, last);
  if (term !== null) return { body: lines.join('\n'), term };
  const text = emitInstruction(ctx, last, leaver(n - 1, last));
  lines.push(text.code);
  const on: Terminator = text.ends ? { kind: 'leaves' } : { kind: 'next', next: id + 1 };
  return { body: lines.join('\n'), term: on };
}

/** The jump ending a block at pc as block ids, or null when the instruction is not a jump. */
function terminatorOf(ctx: EmitContext, pc: number): Terminator | null {
  const w = ctx.program.code[2 * pc];
  const op = opOf(w);
  const target = () => ctx.map.blockOf[jumpTarget(ctx.program, pc)];
  if (op === Op.Ja || op === Op.Gotol) return { kind: 'jump', target: target() };
  const imm = ctx.program.code[2 * pc + 1];
  const condition = jumpCondition(op, (w >> 8) & 15, (w >> 12) & 15, imm);
  if (condition === null) return null;
  return { kind: 'branch', condition, target: target(), next: ctx.map.blockOf[pc + 1] };
}

/**
 * One basic block as a `case` of the switch dispatcher (compile.ts), still open. `ends`:
 * control never falls through past it. A block whose conditional jump returns to its own
 * start is an inner `for` that repeats while the budget covers another pass.
 */
export function emitCase(id: number, parts: BlockParts): { code: string; ends: boolean } {
  const { body, term } = parts;
  const goto = (target: number) => `b = ${target}; continue run;`;
  const head = `case ${id}: {`;
  switch (term.kind) {
    case 'leaves':
      return { code: `${head}\n${body}`, ends: true };
    case 'next':
      return { code: `${head}\n${body}`, ends: false };
    case 'jump':
      return { code: `${head}\n${body}\n${goto(term.target)}`, ends: true };
    case 'branch': {
      if (term.target === id) {
        const loop = `for (;;) {\n${body}\nif (${term.condition}) continue;\nbreak;\n}`;
        return { code: `${head}\n${loop}`, ends: false };
      }
      const jump = `if (${term.condition}) { ${goto(term.target)} }`;
      return { code: `${head}\n${body}\n${jump}`, ends: false };
    }
  }
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
  if (op === Op.Lddw) return { code: `l${d} = ${imm}; h${d} = ${code[2 * pc + 3]};`, ends: false };
  if (op === Op.CallHelper) {
    return {
      code: `cpu.stopPc = ${pc}; pc = ${pc + 1}; stop = ${Leave.Helper}; break run;`,
      ends: true,
    };
  }
  if (op === Op.CallLocal) return { code: emitCall(ctx, pc, offset, imm, leave), ends: false };
  if (op === Op.Exit) return { code: emitExit(pc), ends: true };
  throw new Error(`ebpf-jit: op ${op} at ${pc} has no translation`);
}

/**
 * calls.ts callLocal, inlined: the depth and stack checks, then the frame from the locals.
 * `dp` and `lw` are the function's locals for cpu.depth and cpu.lowestStack (compile.ts).
 * Then, below JS_CALL_DEPTH, the callee runs as a JavaScript call (`enter`, compile.ts)
 * and control goes on after the call when it returns; any other stop inside it leaves
 * this function too, with the callee's state already in the cpu. Deeper, the call goes
 * through the dispatch and its return comes back there.
 */
function emitCall(ctx: EmitContext, pc: number, frame: number, target: number, leave: Leaver) {
  const calleeFrame = ctx.program.frameOf[target];
  const saves = SAVED.map((name, k) => `frames[f + ${k + 1}] = ${name};`).join(' ');
  const block = ctx.map.blockOf[target];
  return [
    `if (dp >= ${MAX_CALL_DEPTH}) ${leave(Leave.Fault, `cpu.fault = callTooDeep(${pc}, ${MAX_CALL_DEPTH});`)}`,
    `t = l${10} - ${frame}; u = t - ${calleeFrame};`,
    `if (u < ${REGION.stack}) ${leave(Leave.Fault, `cpu.fault = stackOverflow(${pc}, u, ${REGION.stack});`)}`,
    `f = dp * ${FRAME_SLOTS}; frames[f] = ${pc + 1}; ${saves}`,
    `dp++; if (u < lw) lw = u;`,
    `l10 = t | 0;`,
    `${JS_CALL[0]}if (dp <= ${JS_CALL_DEPTH}) {`,
    `${STORE_LOCALS} cpu.depth = dp; cpu.lowestStack = lw; box.left = left;`,
    `stop = enter(cpu, ${block}, box, dp); left = box.left;`,
    `if (stop !== ${Leave.Returned}) return stop;`,
    `${LOAD_LOCALS} dp = cpu.depth; lw = cpu.lowestStack;`,
    `} else ${JS_CALL[1]}{ b = ${block}; continue run; }`,
  ].join('\n');
}

/**
 * exit: the end at depth 0, else calls.ts returnFromCall inlined; a return from the call
 * this function was entered by (`base`, emitCall) leaves it as Returned.
 */
function emitExit(pc: number): string {
  const restores = SAVED.map((name, k) => `${name} = frames[f + ${k + 1}];`).join(' ');
  return [
    `if (dp === 0) { cpu.stopPc = ${pc}; pc = ${pc}; stop = ${Leave.Exit}; break run; }`,
    `f = --dp * ${FRAME_SLOTS}; ${restores}`,
    `b = blockOf[frames[f]];`,
    `if (dp < base) { stop = ${Leave.Returned}; break run; }`,
    `continue run;`,
  ].join('\n');
}
