import { hexOffset, WasmImageError } from './errors';
import { WASM_LIMITS } from './limits';
import { BLOCK_TYPE_EMPTY, MEMORY, NUMERIC, Opcode, proposalOf } from './opcodes';
import { ByteReader } from './reader';
import { VAL_TYPE_NAMES, type ValType } from './types';

/** One decoded instruction; the reader reuses one object, so copy what you keep. */
export interface Instruction {
  opcode: number;
  /** Byte offset of the opcode in the module. */
  offset: number;
  /** The index immediate (label, function, type, local, global), or the memarg's alignment. */
  index: number;
  /** The memarg's offset. */
  memoryOffset: number;
  /** Result type of a block, loop or if; null for none. */
  blockType: ValType | null;
  /** br_table: the labels, then the default label last. */
  targets: number[];
  /** Constants' raw bits: i32/f32 in lo, i64/f64 as little-endian halves. */
  lo: number;
  hi: number;
}

/**
 * Decodes instructions of one function body (WebAssembly Core Spec §5.4) one at a time,
 * immediates included: shared by the validator and the engine's translators.
 */
export class InstructionReader {
  readonly r: ByteReader;
  readonly current: Instruction = {
    opcode: 0,
    offset: 0,
    index: 0,
    memoryOffset: 0,
    blockType: null,
    targets: [],
    lo: 0,
    hi: 0,
  };

  constructor(bytes: Uint8Array, start: number, end: number) {
    this.r = new ByteReader(bytes, start, end);
  }

  get atEnd(): boolean {
    return this.r.atEnd;
  }

  next(): Instruction {
    const r = this.r;
    const ins = this.current;
    ins.offset = r.offset;
    const opcode = (ins.opcode = r.u8());
    switch (opcode) {
      case Opcode.Block:
      case Opcode.Loop:
      case Opcode.If:
        ins.blockType = this.blockType();
        break;
      case Opcode.Br:
      case Opcode.BrIf:
      case Opcode.Call:
      case Opcode.LocalGet:
      case Opcode.LocalSet:
      case Opcode.LocalTee:
      case Opcode.GlobalGet:
      case Opcode.GlobalSet:
        ins.index = r.u32();
        break;
      case Opcode.BrTable:
        this.brTable();
        break;
      case Opcode.CallIndirect:
        ins.index = r.u32();
        this.reservedZero('call_indirect table index');
        break;
      case Opcode.MemorySize:
      case Opcode.MemoryGrow:
        this.reservedZero('memory index');
        break;
      case Opcode.I32Const:
        ins.lo = r.s32();
        break;
      case Opcode.I64Const: {
        const value = r.s64();
        ins.lo = Number(BigInt.asIntN(32, value));
        ins.hi = Number(value >> 32n);
        break;
      }
      case Opcode.F32Const:
        ins.lo = r.f32Bits();
        break;
      case Opcode.F64Const:
        [ins.lo, ins.hi] = r.f64Bits();
        break;
      default:
        this.simple(opcode);
    }
    return ins;
  }

  private simple(opcode: number): void {
    if (opcode >= Opcode.I32Load && opcode <= Opcode.I64Store32) {
      this.current.index = this.r.u32(); // alignment exponent
      this.current.memoryOffset = this.r.u32();
      return;
    }
    if (isPlain(opcode)) return;
    const proposal = proposalOf(opcode);
    const at = this.current.offset;
    if (proposal !== null) {
      throw new WasmImageError(
        'unsupported_feature',
        `opcode 0x${opcode.toString(16)} at ${hexOffset(at)} belongs to ${proposal}, not the WebAssembly MVP`,
        at,
      );
    }
    this.r.fail(`unknown opcode 0x${opcode.toString(16)}`, at);
  }

  private blockType(): ValType | null {
    const at = this.r.offset;
    const byte = this.r.u8();
    if (byte === BLOCK_TYPE_EMPTY) return null;
    if (VAL_TYPE_NAMES[byte] !== undefined) return byte;
    throw new WasmImageError(
      'unsupported_feature',
      `block type 0x${byte.toString(16)} at ${hexOffset(at)} is a type index (multi-value), not MVP`,
      at,
    );
  }

  private brTable(): void {
    const at = this.r.offset;
    const count = this.r.u32();
    if (count > WASM_LIMITS.brTableTargets) {
      throw new WasmImageError(
        'too_large',
        `br_table of ${count} labels at ${hexOffset(at)}; at most ${WASM_LIMITS.brTableTargets} are supported`,
        at,
      );
    }
    const targets = (this.current.targets = new Array<number>(count + 1));
    for (let i = 0; i <= count; i++) targets[i] = this.r.u32();
  }

  private reservedZero(what: string): void {
    const at = this.r.offset;
    if (this.r.u8() !== 0) this.r.fail(`${what} must be the byte 0x00`, at);
  }
}

/** Opcodes without immediates other than the numeric group. */
function isPlain(opcode: number): boolean {
  switch (opcode) {
    case Opcode.Unreachable:
    case Opcode.Nop:
    case Opcode.Else:
    case Opcode.End:
    case Opcode.Return:
    case Opcode.Drop:
    case Opcode.Select:
      return true;
    default:
      return (
        opcode >= Opcode.NumericFirst &&
        opcode <= Opcode.NumericLast &&
        NUMERIC[opcode] !== undefined
      );
  }
}

/** Alignment check of §3.3.5: 2^align must not exceed the access width. */
export function memoryAlignOk(opcode: number, align: number): boolean {
  return align <= MEMORY[opcode - Opcode.I32Load].naturalAlign;
}
