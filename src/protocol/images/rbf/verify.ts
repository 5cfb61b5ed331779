import { RbfError } from './errors';
import type { RbfImage } from './format';
import { isKnownHelper } from './helpers';
import {
  CALL_HELPER,
  dividesByZeroImmediate,
  FRAME_POINTER,
  INSTRUCTION_BYTES,
  isJump,
  isKnownInstruction,
  isLddw,
  jumpOffset,
  OPCODE,
  readInstruction,
  REGISTER_COUNT,
  writesDst,
  type RawInstruction,
} from './isa';

/**
 * The pre-flight verifier, after Femto-Container's bpf_verify_preflight()
 * (verify.c in its src/): text a whole number of instructions, registers < 11, known opcodes,
 * jump targets inside text, known helper ids, exit as the last instruction, no division
 * or modulo by an immediate 0 (as rbpf's verifier); plus what this runtime relies on: r10 never written, no jump, call or entry into the second half
 * of an LDDW, bpf-to-bpf call targets inside text. Loops are allowed (the engine's
 * instruction budget bounds them). Throws RbfError naming the first offending instruction.
 */
export function verifyRbf(image: RbfImage): void {
  const { text } = image;
  if (text.length === 0 || text.length % INSTRUCTION_BYTES !== 0) {
    throw new RbfError(
      'bad_text_length',
      `text of ${text.length} bytes is not a positive multiple of ${INSTRUCTION_BYTES} (one eBPF instruction)`,
    );
  }
  const count = text.length / INSTRUCTION_BYTES;
  const view = new DataView(text.buffer, text.byteOffset, text.byteLength);
  const lddwTail = new Uint8Array(count); // 1 where a slot is an LDDW's second half
  const instructions: RawInstruction[] = [];
  for (let pc = 0; pc < count; pc++) {
    const i = readInstruction(view, pc);
    instructions.push(i);
    if (lddwTail[pc]) continue;
    checkInstruction(i, pc);
    if (isLddw(i.opcode)) {
      checkLddwTail(view, pc, count);
      lddwTail[pc + 1] = 1;
    }
  }
  instructions.forEach((i, pc) => {
    if (!lddwTail[pc]) checkTargets(i, pc, count, lddwTail);
  });
  const last = instructions[count - 1];
  if (lddwTail[count - 1] || last.opcode !== OPCODE.exit) {
    throw new RbfError(
      'no_exit',
      `the last instruction (${count - 1}) is not exit (0x95): execution could run off the end of text`,
    );
  }
  for (const f of image.functions) {
    if (lddwTail[f.location / INSTRUCTION_BYTES]) {
      throw new RbfError(
        'jump_into_lddw',
        `function "${f.name}" starts at byte ${f.location}, the second half of an LDDW`,
      );
    }
  }
}

const where = (pc: number, i: RawInstruction) =>
  `instruction ${pc} (byte ${pc * INSTRUCTION_BYTES}, opcode 0x${i.opcode.toString(16).padStart(2, '0')})`;

function checkInstruction(i: RawInstruction, pc: number): void {
  if (i.dst >= REGISTER_COUNT || i.src >= REGISTER_COUNT) {
    throw new RbfError(
      'bad_register',
      `${where(pc, i)} uses r${Math.max(i.dst, i.src)}; eBPF has r0..r10`,
    );
  }
  if (!isKnownInstruction(i)) {
    throw new RbfError(
      'unknown_opcode',
      `${where(pc, i)} (src ${i.src}, offset ${i.offset}, imm ${i.imm}) is not an instruction this runtime executes`,
    );
  }
  if (dividesByZeroImmediate(i)) {
    throw new RbfError(
      'division_by_zero',
      `${where(pc, i)} divides by the immediate 0; test the divisor in C before dividing`,
    );
  }
  if (i.dst === FRAME_POINTER && writesDst(i.opcode)) {
    throw new RbfError('write_to_r10', `${where(pc, i)} writes r10, the read-only frame pointer`);
  }
  if (i.opcode === OPCODE.call && i.src === CALL_HELPER && !isKnownHelper(i.imm)) {
    throw new RbfError(
      'unknown_helper',
      `${where(pc, i)} calls helper ${i.imm} (0x${(i.imm >>> 0).toString(16)}), which this runtime does not provide`,
    );
  }
}

function checkLddwTail(view: DataView, pc: number, count: number): void {
  if (pc + 1 >= count) {
    throw new RbfError('bad_lddw', `LDDW at instruction ${pc} has no second half: text ends`);
  }
  const tail = readInstruction(view, pc + 1);
  if (tail.opcode !== 0 || tail.dst !== 0 || tail.src !== 0 || tail.offset !== 0) {
    throw new RbfError(
      'bad_lddw',
      `second half of the LDDW at instruction ${pc} must have opcode, registers and offset 0 (RFC 9669 §5.4)`,
    );
  }
}

function checkTargets(i: RawInstruction, pc: number, count: number, lddwTail: Uint8Array): void {
  const isCall = i.opcode === OPCODE.call && i.src !== CALL_HELPER;
  if (!isJump(i.opcode) && !isCall) return;
  const target = pc + 1 + (isCall ? i.imm : jumpOffset(i));
  if (target < 0 || target >= count) {
    throw new RbfError(
      isCall ? 'bad_call' : 'bad_jump',
      `${where(pc, i)} ${isCall ? 'calls' : 'jumps to'} instruction ${target}, outside text [0, ${count})`,
    );
  }
  if (lddwTail[target]) {
    throw new RbfError(
      'jump_into_lddw',
      `${where(pc, i)} ${isCall ? 'calls' : 'jumps to'} instruction ${target}, the second half of an LDDW`,
    );
  }
}
