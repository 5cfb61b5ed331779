import { hexOffset, WasmImageError, type WasmImageErrorCode } from './errors';
import { InstructionReader, memoryAlignOk, type Instruction } from './instructions';
import { WASM_LIMITS } from './limits';
import { MEMORY, NUMERIC, Opcode, opcodeName } from './opcodes';
import { functionCount, functionType, ValType, VAL_TYPE_NAMES, type WasmModule } from './types';

/** What validation learns about a function body that an engine needs. */
export interface FunctionInfo {
  /** Deepest the operand stack gets, in values (over-approximated in dead code). */
  maxStack: number;
}

/** Stack entry of unknown type below a polymorphic stack (WebAssembly Core Spec Appendix A.3). */
const UNKNOWN = 0;

interface ControlFrame {
  opcode: number;
  /** MVP blocks take no parameters; this is the block's result, if any. */
  result: ValType | null;
  height: number;
  unreachable: boolean;
}

/**
 * Validates one function body with the algorithm of the spec's Appendix A.3 (typing
 * rules of §3.3). Errors name the function index and the byte offset of the instruction.
 */
export function validateFunction(module: WasmModule, definedIndex: number): FunctionInfo {
  return new BodyValidator(module, definedIndex).run();
}

class BodyValidator {
  private readonly vals: number[] = [];
  private readonly ctrls: ControlFrame[] = [];
  private readonly locals: ValType[];
  private readonly results: readonly ValType[];
  private readonly reader: InstructionReader;
  private readonly functionIndex: number;
  private at = 0;
  private maxStack = 0;

  constructor(
    private readonly module: WasmModule,
    definedIndex: number,
  ) {
    this.functionIndex = module.imports.length + definedIndex;
    const type = functionType(module, this.functionIndex);
    const body = module.bodies[definedIndex];
    this.locals = [...type.params, ...body.locals];
    if (this.locals.length > WASM_LIMITS.locals)
      this.fail('too_large', `${this.locals.length} locals`);
    this.results = type.results;
    this.reader = new InstructionReader(module.bytes, body.codeStart, body.end);
  }

  run(): FunctionInfo {
    this.ctrls.push({
      opcode: Opcode.Block,
      result: this.results[0] ?? null,
      height: 0,
      unreachable: false,
    });
    while (this.ctrls.length > 0) {
      if (this.reader.atEnd) this.fail('malformed', 'function body ends before its final `end`');
      const ins = this.reader.next();
      this.at = ins.offset;
      this.instruction(ins);
    }
    if (!this.reader.atEnd) this.fail('malformed', 'bytes after the function’s final `end`');
    return { maxStack: this.maxStack };
  }

  private instruction(ins: Instruction): void {
    const op = ins.opcode;
    if (op >= Opcode.NumericFirst) return this.numeric(op);
    if (op >= Opcode.I32Load && op <= Opcode.I64Store32) return this.memoryAccess(ins);
    switch (op) {
      case Opcode.Unreachable:
        return this.markUnreachable();
      case Opcode.Nop:
        return;
      case Opcode.Block:
      case Opcode.Loop:
        return this.pushCtrl(op, ins.blockType);
      case Opcode.If:
        this.pop(ValType.I32);
        return this.pushCtrl(op, ins.blockType);
      case Opcode.Else: {
        const frame = this.popCtrl();
        if (frame.opcode !== Opcode.If)
          this.fail('type_mismatch', '`else` without a matching `if`');
        return this.pushCtrl(Opcode.Else, frame.result);
      }
      case Opcode.End: {
        const frame = this.popCtrl();
        // §3.3.8.5: an `if` without `else` must not produce a value.
        if (frame.opcode === Opcode.If && frame.result !== null)
          this.fail('type_mismatch', '`if` with a result needs an `else`');
        if (frame.result !== null) this.push(frame.result);
        return;
      }
      case Opcode.Br:
        this.popLabelValues(ins.index);
        return this.markUnreachable();
      case Opcode.BrIf:
        this.pop(ValType.I32);
        this.popLabelValues(ins.index);
        this.pushLabelValues(ins.index);
        return;
      case Opcode.BrTable:
        return this.brTable(ins.targets);
      case Opcode.Return:
        for (let i = this.results.length - 1; i >= 0; i--) this.pop(this.results[i]);
        return this.markUnreachable();
      case Opcode.Call:
        return this.call(ins.index);
      case Opcode.CallIndirect:
        return this.callIndirect(ins.index);
      default:
        return this.variable(ins);
    }
  }

  /** drop, select, locals, globals, memory.size/grow and the constants. */
  private variable(ins: Instruction): void {
    switch (ins.opcode) {
      case Opcode.Drop:
        this.pop();
        return;
      case Opcode.Select: {
        this.pop(ValType.I32);
        const t1 = this.pop();
        const t2 = this.pop(t1);
        this.push(t1 === UNKNOWN ? t2 : t1);
        return;
      }
      case Opcode.LocalGet:
        return this.push(this.local(ins.index));
      case Opcode.LocalSet:
        this.pop(this.local(ins.index));
        return;
      case Opcode.LocalTee: {
        const type = this.local(ins.index);
        this.pop(type);
        return this.push(type);
      }
      case Opcode.GlobalGet:
        return this.push(this.global(ins.index, false));
      case Opcode.GlobalSet:
        this.pop(this.global(ins.index, true));
        return;
      case Opcode.MemorySize:
        this.needMemory();
        return this.push(ValType.I32);
      case Opcode.MemoryGrow:
        this.needMemory();
        this.pop(ValType.I32);
        return this.push(ValType.I32);
      case Opcode.I32Const:
        return this.push(ValType.I32);
      case Opcode.I64Const:
        return this.push(ValType.I64);
      case Opcode.F32Const:
        return this.push(ValType.F32);
      case Opcode.F64Const:
        return this.push(ValType.F64);
      default:
        this.fail('malformed', `unexpected opcode 0x${ins.opcode.toString(16)}`);
    }
  }

  private numeric(op: number): void {
    const signature = NUMERIC[op]!;
    for (let i = signature.params.length - 1; i >= 0; i--) this.pop(signature.params[i]);
    this.push(signature.result);
  }

  private memoryAccess(ins: Instruction): void {
    const access = MEMORY[ins.opcode - Opcode.I32Load];
    this.needMemory();
    if (!memoryAlignOk(ins.opcode, ins.index)) {
      this.fail(
        'type_mismatch',
        `${access.name} alignment 2^${ins.index} exceeds its ${access.bytes}-byte width`,
      );
    }
    if (access.store) {
      this.pop(access.type);
      this.pop(ValType.I32);
    } else {
      this.pop(ValType.I32);
      this.push(access.type);
    }
  }

  private brTable(targets: readonly number[]): void {
    this.pop(ValType.I32);
    const fallback = targets[targets.length - 1];
    const arity = this.labelType(fallback) === null ? 0 : 1;
    for (const label of targets) {
      if ((this.labelType(label) === null ? 0 : 1) !== arity) {
        this.fail(
          'type_mismatch',
          `br_table label ${label} has a different arity than the default`,
        );
      }
    }
    for (const label of targets) {
      this.popLabelValues(label);
      this.pushLabelValues(label);
    }
    this.popLabelValues(fallback);
    this.markUnreachable();
  }

  private call(index: number): void {
    if (index >= functionCount(this.module))
      this.fail('invalid_index', `call to function ${index}, which does not exist`);
    const type = functionType(this.module, index);
    for (let i = type.params.length - 1; i >= 0; i--) this.pop(type.params[i]);
    for (const result of type.results) this.push(result);
  }

  private callIndirect(typeIndex: number): void {
    if (this.module.table === null) this.fail('invalid_index', 'call_indirect without a table');
    const type = this.module.types[typeIndex];
    if (type === undefined)
      this.fail('invalid_index', `call_indirect with type ${typeIndex}, which does not exist`);
    this.pop(ValType.I32);
    for (let i = type.params.length - 1; i >= 0; i--) this.pop(type.params[i]);
    for (const result of type.results) this.push(result);
  }

  private local(index: number): ValType {
    const type = this.locals[index];
    if (type === undefined)
      this.fail('invalid_index', `local ${index} does not exist (${this.locals.length} locals)`);
    return type;
  }

  private global(index: number, set: boolean): ValType {
    const global = this.module.globals[index];
    if (global === undefined) this.fail('invalid_index', `global ${index} does not exist`);
    if (set && !global.mutable)
      this.fail('type_mismatch', `global.set of immutable global ${index}`);
    return global.type;
  }

  private needMemory(): void {
    if (this.module.memory === null)
      this.fail('invalid_index', `${opcodeName(this.reader.current.opcode)} without a memory`);
  }

  private push(type: number): void {
    this.vals.push(type);
    if (this.vals.length > this.maxStack) {
      this.maxStack = this.vals.length;
      if (this.maxStack > WASM_LIMITS.operandStack)
        this.fail('too_large', `operand stack deeper than ${WASM_LIMITS.operandStack}`);
    }
  }

  private pop(expected: number = UNKNOWN): number {
    const frame = this.ctrls[this.ctrls.length - 1];
    if (this.vals.length === frame.height) {
      if (frame.unreachable) return expected;
      this.fail(
        'type_mismatch',
        `${opcodeName(this.reader.current.opcode)} needs ${typeName(expected)} but the stack is empty`,
      );
    }
    const actual = this.vals.pop()!;
    if (actual !== expected && actual !== UNKNOWN && expected !== UNKNOWN) {
      this.fail(
        'type_mismatch',
        `${opcodeName(this.reader.current.opcode)} expects ${typeName(expected)} but found ${typeName(actual)}`,
      );
    }
    return actual === UNKNOWN ? expected : actual;
  }

  private pushCtrl(opcode: number, result: ValType | null): void {
    if (this.ctrls.length >= WASM_LIMITS.blockDepth)
      this.fail('too_large', `blocks nested deeper than ${WASM_LIMITS.blockDepth}`);
    this.ctrls.push({ opcode, result, height: this.vals.length, unreachable: false });
  }

  private popCtrl(): ControlFrame {
    const frame = this.ctrls[this.ctrls.length - 1];
    if (frame.result !== null) this.pop(frame.result);
    if (this.vals.length !== frame.height) {
      this.fail(
        'type_mismatch',
        `block ends with ${this.vals.length - frame.height} values left on the stack`,
      );
    }
    return this.ctrls.pop()!;
  }

  private labelType(label: number): ValType | null {
    const frame = this.ctrls[this.ctrls.length - 1 - label];
    if (frame === undefined)
      this.fail('invalid_index', `branch to label ${label}, only ${this.ctrls.length} enclosing`);
    return frame.opcode === Opcode.Loop ? null : frame.result; // §3.3.8: a loop's label takes its parameters
  }

  private popLabelValues(label: number): void {
    const type = this.labelType(label);
    if (type !== null) this.pop(type);
  }

  private pushLabelValues(label: number): void {
    const type = this.labelType(label);
    if (type !== null) this.push(type);
  }

  private markUnreachable(): void {
    const frame = this.ctrls[this.ctrls.length - 1];
    this.vals.length = frame.height;
    frame.unreachable = true;
  }

  private fail(code: WasmImageErrorCode, message: string): never {
    throw new WasmImageError(
      code,
      `function ${this.functionIndex} at ${hexOffset(this.at)}: ${message}`,
      this.at,
    );
  }
}

const typeName = (type: number) => (type === UNKNOWN ? 'a value' : VAL_TYPE_NAMES[type]);
