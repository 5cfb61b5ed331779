import {
  functionType,
  InstructionReader,
  MEMORY,
  NUMERIC,
  Opcode,
  type Instruction,
} from '../../../src/protocol/images/wasm';
import { F, INLINE_I32 } from './fast-ops';
import type { Program } from './program';

/** The whole module in the fast form. */
export interface FastCode {
  code: Int32Array;
  /** Byte offset in the module of the wasm instruction each word came from. */
  source: Int32Array;
  /** Index in `code` where each defined function starts (imports: -1). */
  entry: Int32Array;
}

interface Label {
  isLoop: boolean;
  /** Operand height (values) at entry, and the values a branch to the label carries. */
  height: number;
  arity: number;
  /** Loop: its start. Block/if: -1 until its end is known. */
  target: number;
  /** Immediate words to patch with the end's index. */
  fixups: number[];
  /** if: the BrUnless word to patch with the else branch or the end. */
  elseFixup: number;
}

/**
 * Translates every body into the fast form at load time (as WAMR's fast interpreter
 * does): immediates decoded once, block structure turned into resolved jumps that drop
 * or move the branch's values, dead code after br/return/unreachable left out, and
 * common sequences fused. The body is valid, so operand heights are known statically.
 */
export function translateModule(p: Program): FastCode {
  const out = new Emitter();
  const entry = new Int32Array(p.functionCount).fill(-1);
  const { module } = p.validated;
  module.bodies.forEach((body, i) => {
    const func = p.importCount + i;
    entry[func] = out.code.length;
    new FunctionTranslator(p, func, out).translate(body.codeStart, body.end);
  });
  return { code: Int32Array.from(out.code), source: Int32Array.from(out.source), entry };
}

class Emitter {
  readonly code: number[] = [];
  readonly source: number[] = [];
  /** Starts of the last two ops, for fusing; a branch target in between forbids it. */
  last = -1;
  beforeLast = -1;
  lastTarget = -1;

  emit(offset: number, ...words: number[]): void {
    this.beforeLast = this.last;
    this.last = this.code.length;
    for (const w of words) {
      this.code.push(w);
      this.source.push(offset);
    }
  }

  /** Position used as a branch target: nothing may be fused across it. */
  target(): number {
    this.lastTarget = this.code.length;
    return this.code.length;
  }

  /** Op at `last` when the next op could fuse with it. */
  fusable(): number {
    return this.last >= 0 && this.lastTarget < this.code.length ? this.code[this.last] : -1;
  }

  /** Replaces the ops from `start` on with one fused op. */
  rewrite(start: number, ...words: number[]): void {
    const offset = this.source[start];
    this.code.length = start;
    this.source.length = start;
    this.last = this.beforeLast === start ? -1 : this.beforeLast;
    this.beforeLast = -1;
    this.emit(offset, ...words);
  }
}

class FunctionTranslator {
  private readonly labels: Label[] = [];
  private height = 0;
  /** Inside dead code: how many blocks opened there are still open. */
  private dead = -1;
  private readonly localWords: number;

  constructor(
    private readonly p: Program,
    private readonly func: number,
    private readonly out: Emitter,
  ) {
    this.localWords = p.localSlots[func] * 2;
  }

  translate(start: number, end: number): void {
    this.labels.push(this.label(false, 0, this.p.resultCount[this.func], -1));
    const reader = new InstructionReader(this.p.validated.module.bytes, start, end);
    while (!reader.atEnd) {
      const ins = reader.next();
      if (this.dead >= 0) this.skip(ins);
      else this.instruction(ins);
    }
  }

  private label(isLoop: boolean, height: number, arity: number, target: number): Label {
    return { isLoop, height, arity, target, fixups: [], elseFixup: -1 };
  }

  /** Dead code: only the block structure matters, to find where live code resumes. */
  private skip(ins: Instruction): void {
    const op = ins.opcode;
    if (op === Opcode.Block || op === Opcode.Loop || op === Opcode.If) this.dead++;
    else if (op === Opcode.End || op === Opcode.Else) {
      if (this.dead > 0) {
        if (op === Opcode.End) this.dead--;
        return;
      }
      if (op === Opcode.End) this.end(ins);
      else this.else(ins);
    }
  }

  private instruction(ins: Instruction): void {
    const op = ins.opcode;
    if (op >= Opcode.NumericFirst) return this.numeric(ins);
    if (op >= Opcode.I32Load && op <= Opcode.I64Store32) return this.memory(ins);
    switch (op) {
      case Opcode.Unreachable:
        this.out.emit(ins.offset, F.Unreachable);
        return this.goDead();
      case Opcode.Nop:
        return;
      case Opcode.Block:
        this.labels.push(this.label(false, this.height, ins.blockType === null ? 0 : 1, -1));
        return;
      case Opcode.Loop:
        this.labels.push(
          this.label(true, this.height, ins.blockType === null ? 0 : 1, this.out.target()),
        );
        return;
      case Opcode.If: {
        this.height--;
        const label = this.label(false, this.height, ins.blockType === null ? 0 : 1, -1);
        this.out.emit(ins.offset, F.BrUnless, -1);
        label.elseFixup = this.out.code.length - 1;
        this.labels.push(label);
        return;
      }
      case Opcode.Else:
        return this.else(ins);
      case Opcode.End:
        return this.end(ins);
      case Opcode.Br:
        this.branch(ins.offset, ins.index, false);
        return this.goDead();
      case Opcode.BrIf:
        this.height--;
        return this.branch(ins.offset, ins.index, true);
      case Opcode.BrTable:
        this.height--;
        this.brTable(ins);
        return this.goDead();
      case Opcode.Return:
        this.out.emit(ins.offset, F.Return);
        return this.goDead();
      default:
        return this.variable(ins);
    }
  }

  private variable(ins: Instruction): void {
    const out = this.out;
    const at = ins.offset;
    switch (ins.opcode) {
      case Opcode.Call:
      case Opcode.CallIndirect: {
        const indirect = ins.opcode === Opcode.CallIndirect;
        const type = indirect
          ? this.p.validated.module.types[ins.index]
          : functionType(this.p.validated.module, ins.index);
        if (indirect) out.emit(at, F.CallIndirect, ins.index);
        else out.emit(at, ins.index < this.p.importCount ? F.CallImport : F.Call, ins.index);
        this.height += (indirect ? -1 : 0) - type.params.length + type.results.length;
        return;
      }
      case Opcode.Drop:
        this.height--;
        return out.emit(at, F.Drop);
      case Opcode.Select:
        this.height -= 2;
        return out.emit(at, F.Select);
      case Opcode.LocalGet:
        this.height++;
        return this.localGet(at, ins.index * 2);
      case Opcode.LocalSet:
        this.height--;
        return out.emit(at, F.LocalSet, ins.index * 2);
      case Opcode.LocalTee:
        return out.emit(at, F.LocalTee, ins.index * 2);
      case Opcode.GlobalGet:
        this.height++;
        return out.emit(at, F.GlobalGet, ins.index);
      case Opcode.GlobalSet:
        this.height--;
        return out.emit(at, F.GlobalSet, ins.index);
      case Opcode.MemorySize:
        this.height++;
        return out.emit(at, F.MemorySize);
      case Opcode.MemoryGrow:
        return out.emit(at, F.MemoryGrow);
      case Opcode.I32Const:
      case Opcode.F32Const:
        this.height++;
        return out.emit(at, F.Const32, ins.lo);
      default: // i64.const, f64.const
        this.height++;
        return out.emit(at, F.Const64, ins.lo, ins.hi);
    }
  }

  private localGet(at: number, word: number): void {
    const out = this.out;
    const previous = out.fusable();
    if (previous === F.LocalGet)
      return out.rewrite(out.last, F.LocalGetLocalGet, out.code[out.last + 1], word);
    if (previous === F.LocalSet)
      return out.rewrite(out.last, F.LocalSetLocalGet, out.code[out.last + 1], word);
    out.emit(at, F.LocalGet, word);
  }

  private numeric(ins: Instruction): void {
    const op = ins.opcode;
    this.height += 1 - NUMERIC[op]!.params.length;
    const inline = INLINE_I32[op];
    if (inline === undefined) return this.out.emit(ins.offset, F.Numeric, op);
    const out = this.out;
    if (
      inline === F.I32Add &&
      out.fusable() === F.Const32 &&
      out.beforeLast >= 0 &&
      out.code[out.beforeLast] === F.LocalGet &&
      out.lastTarget < out.last
    ) {
      return out.rewrite(
        out.beforeLast,
        F.LocalGetConstAdd,
        out.code[out.beforeLast + 1],
        out.code[out.last + 1],
      );
    }
    out.emit(ins.offset, inline);
  }

  private memory(ins: Instruction): void {
    const access = MEMORY[ins.opcode - Opcode.I32Load];
    const out = this.out;
    if (access.store) {
      this.height -= 2;
      return ins.opcode === 0x36
        ? out.emit(ins.offset, F.I32Store, ins.memoryOffset)
        : out.emit(ins.offset, F.Memory, ins.opcode, ins.memoryOffset);
    }
    if (ins.opcode !== 0x28) return out.emit(ins.offset, F.Memory, ins.opcode, ins.memoryOffset);
    if (out.fusable() === F.LocalGet)
      return out.rewrite(out.last, F.I32LoadLocal, out.code[out.last + 1], ins.memoryOffset);
    out.emit(ins.offset, F.I32Load, ins.memoryOffset);
  }

  private else(ins: Instruction): void {
    const label = this.labels[this.labels.length - 1];
    if (this.dead < 0) {
      // The then-branch falls through to the end, past the else-branch.
      this.out.emit(ins.offset, F.Jump, -1);
      label.fixups.push(this.out.code.length - 1);
    }
    this.out.code[label.elseFixup] = this.out.target();
    label.elseFixup = -1;
    this.height = label.height;
    this.dead = -1; // labels exist only for blocks opened in live code
  }

  private end(ins: Instruction): void {
    const label = this.labels.pop()!;
    if (this.labels.length === 0) return this.out.emit(ins.offset, F.Return);
    const here = this.out.target();
    for (const fixup of label.fixups) this.out.code[fixup] = here;
    if (label.elseFixup >= 0) this.out.code[label.elseFixup] = here;
    this.height = label.height + label.arity;
    this.dead = -1;
  }

  private branch(at: number, depth: number, conditional: boolean): void {
    const label = this.labels[this.labels.length - 1 - depth];
    const out = this.out;
    if (depth === this.labels.length - 1) {
      // The function's own label: a return.
      if (!conditional) return out.emit(at, F.Return);
      out.emit(at, F.BrUnless, out.code.length + 3);
      out.emit(at, F.Return);
      out.target();
      return;
    }
    const arity = label.isLoop ? 0 : label.arity;
    const heightWords = this.localWords + label.height * 2;
    if (this.height === label.height + arity)
      out.emit(at, conditional ? F.BrIf : F.Jump, label.target);
    else if (arity === 0)
      out.emit(at, conditional ? F.BrIfDrop : F.BrDrop, label.target, heightWords);
    else out.emit(at, conditional ? F.BrIfMove : F.BrMove, label.target, heightWords);
    if (label.target === -1)
      label.fixups.push(out.code.length - (this.height === label.height + arity ? 1 : 2));
  }

  private brTable(ins: Instruction): void {
    const out = this.out;
    const targets = ins.targets;
    const words: number[] = [F.BrTable, targets.length - 1];
    const fixups: Array<[Label, number]> = [];
    for (const depth of targets) {
      const label = this.labels[this.labels.length - 1 - depth];
      const isReturn = depth === this.labels.length - 1;
      const arity = label.isLoop ? 0 : label.arity;
      if (!isReturn && label.target === -1) fixups.push([label, words.length]);
      words.push(isReturn ? -1 : label.target, this.localWords + label.height * 2, arity);
    }
    const start = out.code.length;
    out.emit(ins.offset, ...words);
    for (const [label, index] of fixups) label.fixups.push(start + index);
  }

  private goDead(): void {
    this.dead = 0;
  }
}
