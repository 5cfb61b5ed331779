/**
 * The fast mode's pre-decoded instruction set: an op word, then its immediates, in one
 * Int32Array for the whole module. Branch targets are resolved indices into that array;
 * heights are word offsets from the frame base (locals first, then operands).
 * The loop in fast.ts uses the same numbers as literals (see the note in classic.ts).
 */
export const F = {
  Unreachable: 0,
  Jump: 1, // target
  BrIf: 2, // target: pop; jump if nonzero
  BrUnless: 3, // target: pop; jump if zero (if without a true condition)
  BrMove: 4, // target height: keep the top value at fp+height, jump
  BrDrop: 5, // target height: sp = fp+height, jump
  BrIfMove: 6, // target height
  BrIfDrop: 7, // target height
  BrTable: 8, // count, then count+1 entries of target, height, arity (target -1: return)
  Return: 9,
  Call: 10, // function
  CallImport: 11, // import index
  CallIndirect: 12, // type index
  Drop: 13,
  Select: 14,
  LocalGet: 15, // word offset from fp
  LocalSet: 16,
  LocalTee: 17,
  GlobalGet: 18, // global index
  GlobalSet: 19,
  I32Load: 20, // static offset
  I32Store: 21, // static offset
  Memory: 22, // wasm opcode, static offset: the other loads and stores
  MemorySize: 23,
  MemoryGrow: 24,
  Const32: 25, // bits (i32.const, f32.const)
  Const64: 26, // lo, hi (i64.const, f64.const)
  Numeric: 27, // wasm opcode: the shared numeric() for everything not inlined
  I32Add: 28,
  I32Sub: 29,
  I32Mul: 30,
  I32And: 31,
  I32Or: 32,
  I32Xor: 33,
  I32Shl: 34,
  I32ShrS: 35,
  I32ShrU: 36,
  I32Eqz: 37,
  I32Eq: 38,
  I32Ne: 39,
  I32LtS: 40,
  I32LtU: 41,
  I32GtS: 42,
  I32GtU: 43,
  I32LeS: 44,
  I32LeU: 45,
  I32GeS: 46,
  I32GeU: 47,
  // Fused sequences (superinstructions), one op each:
  LocalGetLocalGet: 48, // a b: push local a, local b
  LocalGetConstAdd: 49, // a c: push local a + c (local.get; i32.const; i32.add)
  I32LoadLocal: 50, // a offset: push i32 at local a + offset (local.get; i32.load)
  LocalSetLocalGet: 51, // a b: pop into local a, push local b
} as const;

/** Inlined i32 ops by wasm opcode (i32.eqz .. i32.ge_u, i32.add .. i32.shr_u). */
export const INLINE_I32: Readonly<Record<number, number>> = {
  0x45: F.I32Eqz,
  0x46: F.I32Eq,
  0x47: F.I32Ne,
  0x48: F.I32LtS,
  0x49: F.I32LtU,
  0x4a: F.I32GtS,
  0x4b: F.I32GtU,
  0x4c: F.I32LeS,
  0x4d: F.I32LeU,
  0x4e: F.I32GeS,
  0x4f: F.I32GeU,
  0x6a: F.I32Add,
  0x6b: F.I32Sub,
  0x6c: F.I32Mul,
  0x71: F.I32And,
  0x72: F.I32Or,
  0x73: F.I32Xor,
  0x74: F.I32Shl,
  0x75: F.I32ShrS,
  0x76: F.I32ShrU,
};
