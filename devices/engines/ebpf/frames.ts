import {
  CALL_LOCAL,
  FRAME_POINTER,
  INSTRUCTION_BYTES,
  isLddw,
  OPCODE,
  type RawInstruction,
} from '../../../src/protocol/images/rbf/isa';

/** mov64 dst, src (register) and add64 dst, imm: how clang takes the address of a local. */
const MOV64_X = 0xbf;
const ADD64_K = 0x07;
const LOAD_CLASS = 0x01;

/**
 * Functions of a program and how much stack each uses below its r10. eBPF keeps r10
 * read-only, so a callee needs a fresh frame pointer: a bpf-to-bpf call moves r10 down by
 * the caller's frame size (as the Linux interpreter gives each subprogram its own frame).
 *
 * Entries: instruction 0, every function-table entry and every call target; a function
 * runs to the next entry (clang lays functions out one after another). Its frame size is
 * the deepest r10-relative byte it touches: `*(r10 + off)` accesses, and `rX = r10;
 * rX += imm` address computations followed by `*(rX + off)`. Rounded up to 8. A frame that
 * is too small cannot break isolation (every access is still region-checked): a guest
 * could only clobber its own caller's frame.
 */
export function functionFrames(
  instructions: readonly RawInstruction[],
  extraEntries: readonly number[],
): { entries: number[]; frameOf: Int32Array } {
  const count = instructions.length;
  const entrySet = new Set<number>([0, ...extraEntries]);
  instructions.forEach((i, pc) => {
    if (i.opcode === OPCODE.call && i.src === CALL_LOCAL) entrySet.add(pc + 1 + i.imm);
  });
  const entries = [...entrySet].filter((pc) => pc >= 0 && pc < count).sort((a, b) => a - b);
  const frameOf = new Int32Array(count); // indexed by entry pc
  entries.forEach((start, k) => {
    const end = entries[k + 1] ?? count;
    frameOf[start] = frameBytes(instructions, start, end);
  });
  return { entries, frameOf };
}

function frameBytes(instructions: readonly RawInstruction[], start: number, end: number): number {
  const derived = new Map<number, number>(); // register -> its offset from r10
  let deepest = 0;
  const touch = (base: number, offset: number) => {
    const at = base === FRAME_POINTER ? 0 : derived.get(base);
    if (at !== undefined) deepest = Math.min(deepest, at + offset);
  };
  for (let pc = start; pc < end; pc++) {
    const i = instructions[pc];
    const cls = i.opcode & 0x07;
    if (i.opcode === MOV64_X && i.src === FRAME_POINTER) {
      derived.set(i.dst, 0);
      continue;
    }
    if (i.opcode === ADD64_K && derived.has(i.dst)) {
      const at = derived.get(i.dst)! + i.imm;
      derived.set(i.dst, at);
      deepest = Math.min(deepest, at);
      continue;
    }
    if (cls === LOAD_CLASS) touch(i.src, i.offset);
    else if (cls === 0x02 || cls === 0x03) touch(i.dst, i.offset); // ST, STX: base is dst
    if (isLddw(i.opcode)) pc++;
    if (cls === LOAD_CLASS || cls === 0x04 || cls === 0x07 || isLddw(i.opcode)) {
      derived.delete(i.dst); // any other write of dst ends its r10 derivation
    }
  }
  return Math.ceil(-deepest / INSTRUCTION_BYTES) * INSTRUCTION_BYTES;
}
