import { MAX_CALL_DEPTH, REGION } from '../../../src/protocol/images/rbf/layout';
import { FRAME_SLOTS, R10, type CpuState } from './cpu';
import type { DecodedProgram } from './decode';
import { callTooDeep, stackOverflow } from './faults';

/** r6's low word: r6..r9 (slots 12..19) are callee-saved (RFC 9669 §4.3.1, "Program-local functions"). */
const R6 = 12;

/**
 * A bpf-to-bpf call (`call` with src 1): saves the return pc, r6..r9 and r10, moves r10
 * down by the caller's frame size (carried in the decoded offset field, ops.ts) and
 * returns the target. Returns -1 with cpu.fault set when the call would nest deeper than
 * MAX_CALL_DEPTH or the callee's frame would reach below the stack region.
 */
export function callLocal(
  cpu: CpuState,
  program: DecodedProgram,
  returnPc: number,
  w: number,
  target: number,
  pc: number,
): number {
  const r = cpu.regs;
  const depth = cpu.depth;
  if (depth >= MAX_CALL_DEPTH) {
    cpu.fault = callTooDeep(pc, MAX_CALL_DEPTH);
    return -1;
  }
  const r10 = r[R10] - (w >> 16);
  const lowest = r10 - program.frameOf[target];
  if (lowest < REGION.stack) {
    cpu.fault = stackOverflow(pc, lowest, REGION.stack);
    return -1;
  }
  const f = depth * FRAME_SLOTS;
  const frames = cpu.frames;
  frames[f] = returnPc;
  for (let k = 0; k < 8; k++) frames[f + 1 + k] = r[R6 + k];
  frames[f + 9] = r[R10];
  cpu.depth = depth + 1;
  if (lowest < cpu.lowestStack) cpu.lowestStack = lowest;
  r[R10] = r10;
  return target;
}

/** exit from a called function: restores r6..r10 and returns the caller's next pc. */
export function returnFromCall(cpu: CpuState): number {
  const r = cpu.regs;
  const f = --cpu.depth * FRAME_SLOTS;
  const frames = cpu.frames;
  for (let k = 0; k < 8; k++) r[R6 + k] = frames[f + 1 + k];
  r[R10] = frames[f + 9];
  return frames[f];
}
