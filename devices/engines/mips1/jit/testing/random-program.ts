import fc from 'fast-check';
import { R } from '../../testing/asm';

/**
 * Test-only: small random MIPS-I programs that are valid by construction (every loop has
 * a counter, every branch goes forward or back to its own loop head), for the
 * interpreter-vs-translator property test (random.spec.ts). A program is a tree of items
 * (program-text.ts turns it into words), so fast-check shrinks it to a short listing.
 */

/** One instruction that does not transfer control: an asm.ts name and its operands. */
export type Straight = readonly [name: string, ...operands: number[]];

export type Item =
  | { readonly kind: 'ops'; readonly ops: readonly Straight[] }
  /** A conditional branch (or j / jr) forward over `body`; `slot` is its delay slot. */
  | {
      readonly kind: 'skip';
      readonly branch: Straight;
      readonly slot: Straight;
      readonly body: readonly Straight[];
    }
  /** `li s6, count; L: body; addiu s6, s6, -1; <branch back to L>; slot`. */
  | {
      readonly kind: 'loop';
      readonly count: number;
      readonly back: 'bgtz' | 'bne';
      readonly body: readonly Item[];
      readonly slot: Straight;
    }
  /** jal, or jalr through k1, to function `fn` (modulo the function count). */
  | {
      readonly kind: 'call';
      readonly via: 'jal' | 'jalr';
      readonly fn: number;
      readonly slot: Straight;
    }
  /** `li v0, number; syscall` (print gets a0 = the data region). */
  | { readonly kind: 'syscall'; readonly number: number }
  /** jr or jalr through k1 to a target outside text or misaligned: always ends the run. */
  | {
      readonly kind: 'wild';
      readonly via: 'jr' | 'jalr';
      readonly target: WildTarget;
      readonly slot: Straight;
    }
  /** An instruction that always faults: a reserved encoding, or a branch in a delay slot. */
  | { readonly kind: 'trap'; readonly trap: 'illegal' | 'branchInSlot' };

/** 0: _start's return (exited if $ra is 0); text + 2: misaligned; data: past text. */
export type WildTarget = 'zero' | 'misaligned' | 'high' | 'data';

export interface RandomProgram {
  /** Initial values of INIT_REGISTERS, in order (missing ones stay 0). */
  readonly init: readonly number[];
  readonly items: readonly Item[];
  /** Straight-line leaf functions, each ending `jr ra` with the slot. */
  readonly functions: ReadonlyArray<{
    readonly body: readonly Straight[];
    readonly slot: Straight;
  }>;
  /** exit with a0 = register, or `break`. */
  readonly end: { readonly kind: 'exit'; readonly reg: number } | { readonly kind: 'break' };
  /** Handlers invoke()d after the program exited: function (modulo the count) and a0..a3. */
  readonly handlers: ReadonlyArray<{ readonly fn: number; readonly args: readonly number[] }>;
  /** Initial bytes of the data region (the rest of DATA_BYTES is zero). */
  readonly data: Uint8Array;
}

/** Loop counter, data base, indirect-jump register: the generated code never writes them. */
export const COUNTER = R.s6;
export const DATA_BASE = R.s7;
export const INDIRECT = R.k1;
export const DATA_BYTES = 256;

/** Registers random instructions may write ($zero included: the write is dropped). */
export const VALUE_REGISTERS = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 24, 25, 26, 28, 30,
];
/** Registers the prologue sets: $ra too (a link must not be read as a branch's rs). */
export const INIT_REGISTERS = [...VALUE_REGISTERS, R.ra];
const dst = fc.constantFrom(...VALUE_REGISTERS);
/** Any register as a source, the reserved ones and $sp/$ra included. */
const src = fc.oneof(
  { weight: 6, arbitrary: dst },
  { weight: 2, arbitrary: fc.constantFrom(COUNTER, DATA_BASE, R.sp, R.ra) },
);

/** 32-bit values at the edges of signed and unsigned compares, shifts and overflow. */
const EDGE_WORDS = [
  0,
  1,
  -1,
  2,
  31,
  32,
  33,
  0x7fffffff,
  -0x80000000,
  0xffff,
  0x8000,
  0x7fff,
  0x10000,
  -0x8000,
  0x80000001 | 0,
  0xfffffffe | 0,
];
export const word = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_WORDS) },
  { weight: 1, arbitrary: fc.integer({ min: -0x80000000, max: 0x7fffffff }) },
);
/** 16-bit immediates (the encoder masks them): 0, ±1, the sign bit, all ones. */
const imm16 = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, -1, 0x7fff, -0x8000, 0xffff, 0x8000, 2, 31) },
  { weight: 1, arbitrary: fc.integer({ min: -0x8000, max: 0x7fff }) },
);
const spStep = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(-8, -16, -24, 8) },
  { weight: 1, arbitrary: imm16 },
);
const shamt = fc.oneof(fc.constantFrom(0, 1, 16, 31), fc.integer({ min: 0, max: 31 }));

const ALU3 = ['add', 'addu', 'sub', 'subu', 'and', 'or', 'xor', 'nor', 'slt', 'sltu'];
const IMM = ['addi', 'addiu', 'slti', 'sltiu', 'andi', 'ori', 'xori'];
const SHIFT = ['sll', 'srl', 'sra'];
const SHIFTV = ['sllv', 'srlv', 'srav'];
const HILO = ['mult', 'multu', 'div', 'divu'];
const LOADS = { lb: 1, lbu: 1, lh: 2, lhu: 2, lw: 4, lwl: 1, lwr: 1 } as const;
const STORES = { sb: 1, sh: 2, sw: 4, swl: 1, swr: 1 } as const;

/** Offsets from the data base: mostly aligned and inside, some misaligned or below (text). */
const offsetFor = (width: number) =>
  fc.oneof(
    {
      weight: 30,
      arbitrary: fc.integer({ min: 0, max: DATA_BYTES / width - 1 }).map((k) => k * width),
    },
    { weight: 1, arbitrary: fc.integer({ min: -8, max: DATA_BYTES + 8 }) },
  );
/** A load or store; now and then through a random register, which mostly faults. */
const memoryOp = (table: Record<string, number>): fc.Arbitrary<Straight> =>
  fc.constantFrom(...Object.keys(table)).chain((name) =>
    fc.oneof(
      {
        weight: 40,
        arbitrary: fc
          .tuple(dst, offsetFor(table[name]))
          .map(([t, o]) => [name, t, o, DATA_BASE] as const),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(dst, imm16, src).map(([t, o, b]) => [name, t, o, b] as const),
      },
    ),
  );
const storeOp = (table: Record<string, number>): fc.Arbitrary<Straight> =>
  memoryOp(table).chain((op) => src.map((value): Straight => [op[0], value, op[2], op[3]]));

export const straight: fc.Arbitrary<Straight> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...ALU3), dst, src, src) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...IMM), dst, src, imm16) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('lui'), dst, imm16) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...SHIFT), dst, src, shamt) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...SHIFTV), dst, src, src) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...HILO), src, src) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('mfhi', 'mflo'), dst) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('mthi', 'mtlo'), src) },
  { weight: 3, arbitrary: memoryOp(LOADS) },
  { weight: 3, arbitrary: storeOp(STORES) },
  // $sp moves: a checked write (stack_exhausted past the stack) and a $sp sample.
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constant('addiu'), fc.constant(R.sp), fc.constant(R.sp), spStep),
  },
);

/** A delay slot: any straight instruction, now and then a syscall (whatever $v0 holds). */
const slot: fc.Arbitrary<Straight> = fc.oneof(
  { weight: 30, arbitrary: straight },
  { weight: 1, arbitrary: fc.constant<Straight>(['syscall']) },
);

const BRANCH2 = ['beq', 'bne'];
/** $ra more often than elsewhere: bltzal/bgezal $ra must compare $ra before linking. */
const branchSrc = fc.oneof(
  { weight: 5, arbitrary: src },
  { weight: 1, arbitrary: fc.constant(R.ra) },
);
const BRANCH1 = ['blez', 'bgtz', 'bltz', 'bgez', 'bltzal', 'bgezal'];
/** A forward transfer; its offset is filled in when the program is laid out. */
const forward: fc.Arbitrary<Straight> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...BRANCH2), src, src) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...BRANCH1), branchSrc) },
  { weight: 1, arbitrary: fc.constantFrom<Straight>(['j'], ['jr']) },
);

const ops = fc.array(straight, { minLength: 1, maxLength: 6 });
const leaf: fc.Arbitrary<Item> = fc.oneof(
  { weight: 4, arbitrary: ops.map((o): Item => ({ kind: 'ops', ops: o })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ branch: forward, slot, body: fc.array(straight, { maxLength: 4 }) })
      .map((r): Item => ({ kind: 'skip', ...r })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ via: fc.constantFrom<'jal' | 'jalr'>('jal', 'jalr'), fn: fc.nat(7), slot })
      .map((r): Item => ({ kind: 'call', ...r })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(2, 3, 4, 5, 6, 10, 20)
      .map((number): Item => ({ kind: 'syscall', number })),
  },
);
/** What ends a run early, rarely (else programs would seldom get far). */
const early: fc.Arbitrary<Item> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .record({
        via: fc.constantFrom<'jr' | 'jalr'>('jr', 'jalr'),
        target: fc.constantFrom<WildTarget>('zero', 'misaligned', 'high', 'data'),
        slot,
      })
      .map((r): Item => ({ kind: 'wild', ...r })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<'illegal' | 'branchInSlot'>('illegal', 'branchInSlot')
      .map((trap): Item => ({ kind: 'trap', trap })),
  },
  { weight: 1, arbitrary: fc.constant<Item>({ kind: 'syscall', number: 1 }) },
);
/**
 * Straight code past the longest translated unit (a block of 128 instructions), run or
 * jumped over: the translator splits it, the jump leaves the unit.
 */
const long = fc.array(straight, { minLength: 120, maxLength: 140 });
const longItem: fc.Arbitrary<Item> = fc.oneof(
  long.map((o): Item => ({ kind: 'ops', ops: o })),
  fc.record({ branch: forward, slot, body: long }).map((r): Item => ({ kind: 'skip', ...r })),
);
const loop: fc.Arbitrary<Item> = fc
  .record({
    count: fc.integer({ min: 1, max: 5 }),
    back: fc.constantFrom<'bgtz' | 'bne'>('bgtz', 'bne'),
    body: fc.array(leaf, { minLength: 1, maxLength: 3 }),
    slot: straight,
  })
  .map((r): Item => ({ kind: 'loop', ...r }));

export const randomProgram: fc.Arbitrary<RandomProgram> = fc.record({
  init: fc.array(word, { minLength: INIT_REGISTERS.length, maxLength: INIT_REGISTERS.length }),
  items: fc.array(
    fc.oneof(
      { weight: 16, arbitrary: leaf },
      { weight: 4, arbitrary: loop },
      { weight: 1, arbitrary: early },
      { weight: 1, arbitrary: longItem },
    ),
    {
      minLength: 1,
      maxLength: 12,
    },
  ),
  functions: fc.array(fc.record({ body: fc.array(straight, { maxLength: 5 }), slot }), {
    minLength: 1,
    maxLength: 3,
  }),
  end: fc.oneof(
    { weight: 4, arbitrary: dst.map((reg) => ({ kind: 'exit' as const, reg })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'break' as const }) },
  ),
  handlers: fc.array(
    fc.record({ fn: fc.nat(7), args: fc.array(word, { minLength: 4, maxLength: 4 }) }),
    {
      maxLength: 2,
    },
  ),
  data: fc.uint8Array({ maxLength: DATA_BYTES }),
});
