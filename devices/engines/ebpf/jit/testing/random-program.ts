import fc from 'fast-check';
import { ALU_OPS, JMP_OPS, reg, type AluName, type JmpName, type Operand } from '../../testing/asm';

/**
 * Test-only: small random eBPF programs that pass the verifier by construction (no
 * division by an immediate 0, r10 never written, every jump forward inside text or back to
 * its own counted loop head, calls to leaf functions, exit last), for the
 * interpreter-vs-JIT property test (random.spec.ts). program-text.ts lays them out.
 */

/** One instruction that does not transfer control (two for `rodata`), as readable tuples. */
export type Straight =
  | readonly ['alu', 32 | 64, AluName, number, Operand]
  | readonly ['signed', 32 | 64, 'sdiv' | 'smod', number, Operand]
  | readonly ['movsx', 32 | 64, number, number, 8 | 16 | 32]
  | readonly ['endian', boolean, number, 16 | 32 | 64]
  | readonly ['bswap', number, 16 | 32 | 64]
  | readonly ['lddw', number, bigint]
  | readonly ['ldx' | 'ldxs', Size, number, number, number]
  | readonly ['st', Size, number, number, number]
  | readonly ['stx', Size, number, number, number]
  /** `dst = rodata; dst = *(size *)(dst + offset)`. */
  | readonly ['rodata', Size, number, number];
export type Size = 'b' | 'h' | 'w' | 'dw';

/** A forward jump over a block: conditional (JMP or JMP32), ja or gotol. */
export type Forward =
  readonly ['jmp', 32 | 64, JmpName, number, Operand] | readonly ['ja'] | readonly ['gotol'];

export type Item =
  | { readonly kind: 'ops'; readonly ops: readonly Straight[] }
  | { readonly kind: 'skip'; readonly jump: Forward; readonly body: readonly Straight[] }
  /** `r8 = count; L: body; r8 -= 1; if r8 <back> 0 goto L`. */
  | {
      readonly kind: 'loop';
      readonly count: number;
      readonly back: readonly [32 | 64, 'jne' | 'jsgt' | 'jgt'];
      readonly body: readonly Item[];
    }
  | { readonly kind: 'call'; readonly fn: number }
  | { readonly kind: 'helper'; readonly id: number }
  /** Ends the run early, rarely: exit from main, or a helper without its pointer set up. */
  | { readonly kind: 'exit' }
  | { readonly kind: 'rawHelper'; readonly id: number };

/** How a function ends: exit, a call to the next function first, or endless recursion. */
export type Tail = 'exit' | 'callNext' | 'recurse';

export interface RandomProgram {
  /** Initial 64-bit values of r0..r7. */
  readonly init: readonly bigint[];
  readonly items: readonly Item[];
  /** bpf functions after main: straight code, then their tail. */
  readonly functions: ReadonlyArray<{ readonly body: readonly Straight[]; readonly tail: Tail }>;
  /** Handlers invoke()d after main exited: function (modulo the count) and r1..r4. */
  readonly handlers: ReadonlyArray<{ readonly fn: number; readonly args: readonly number[] }>;
  /** exit with r0 = this register first. */
  readonly exitWith: number;
  /** Initial bytes of data (the rest of DATA_BYTES is zero). */
  readonly data: Uint8Array;
}

export const COUNTER = 8;
export const DATA_BASE = 9;
export const FRAME = 10;
export const DATA_BYTES = 256;
/** The start of rodata: a printf format (helper 0x01 gets it), then bytes to load. */
export const RODATA = new TextEncoder().encode(
  'v=%d %u %x %c|\0\x80\x7f\xff\x01\x02\x03\x04\x05\xfe\xfd',
);

const dst = fc.integer({ min: 0, max: 7 });
const src = fc.oneof(
  { weight: 6, arbitrary: dst },
  { weight: 1, arbitrary: fc.constantFrom(8, 9, 10) },
);

const EDGE_32 = [
  0, 1, -1, 2, 7, 31, 32, 33, 63, 64, 65, 0x7fffffff, -0x80000000, 0xffff, 0x8000, 0x7fff, -0x8000,
];
const imm32 = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_32) },
  { weight: 1, arbitrary: fc.integer({ min: -0x80000000, max: 0x7fffffff }) },
);
const EDGE_64 = [
  0n,
  1n,
  -1n,
  1n << 63n,
  (1n << 63n) - 1n,
  1n << 32n,
  (1n << 32n) - 1n,
  0x80000000n,
  -0x80000000n,
  0xffffn,
];
export const word64 = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...EDGE_64) },
  { weight: 1, arbitrary: imm32.map(BigInt) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }) },
);
const operand: fc.Arbitrary<Operand> = fc.oneof(imm32, src.map(reg));
const nonZero = (x: Operand): Operand => (x === 0 ? 1 : x);

const ALU_NAMES = Object.keys(ALU_OPS) as AluName[];
const alu: fc.Arbitrary<Straight> = fc
  .tuple(fc.constantFrom<32 | 64>(32, 64), fc.constantFrom(...ALU_NAMES), dst, operand)
  .map(([width, op, d, x]): Straight => {
    if (op === 'neg') return ['alu', width, op, d, 0];
    if (op === 'div' || op === 'mod') return ['alu', width, op, d, nonZero(x)];
    return ['alu', width, op, d, x];
  });

const SIZES: Size[] = ['b', 'h', 'w', 'dw'];
const BYTES = { b: 1, h: 2, w: 4, dw: 8 } as const;
/** A base register and offset: data (mostly inside), the stack below r10, or any register. */
const place = (size: Size) =>
  fc.oneof(
    {
      weight: 40,
      arbitrary: fc
        .integer({ min: 0, max: DATA_BYTES / BYTES[size] - 1 })
        .map((k) => [DATA_BASE, k * BYTES[size]] as const),
    },
    {
      weight: 20,
      arbitrary: fc.integer({ min: 1, max: 64 }).map((k) => [FRAME, -k * BYTES[size]] as const),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constant(DATA_BASE), fc.integer({ min: -16, max: DATA_BYTES + 8 })),
    },
    { weight: 1, arbitrary: fc.tuple(fc.constant(FRAME), fc.integer({ min: -520, max: 8 })) },
    { weight: 1, arbitrary: fc.tuple(src, fc.integer({ min: -0x8000, max: 0x7fff })) },
  );
/** Mostly inside the rodata blob (before the function names rbf() appends), sometimes past rodata. */
const rodataOffset = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: RODATA.length - 8 }) },
  { weight: 1, arbitrary: fc.integer({ min: -2, max: RODATA.length + 4 }) },
);
const sized = <T>(f: (size: Size) => fc.Arbitrary<T>) => fc.constantFrom(...SIZES).chain(f);
const memory: fc.Arbitrary<Straight> = fc.oneof(
  sized((size) =>
    fc.tuple(dst, place(size)).map(([d, [b, o]]): Straight => ['ldx', size, d, b, o]),
  ),
  sized((size) =>
    fc
      .tuple(dst, place(size === 'dw' ? 'w' : size))
      .map(([d, [b, o]]): Straight => ['ldxs', size === 'dw' ? 'w' : size, d, b, o]),
  ),
  sized((size) =>
    fc.tuple(place(size), imm32).map(([[b, o], k]): Straight => ['st', size, b, o, k]),
  ),
  sized((size) =>
    fc.tuple(place(size), src).map(([[b, o], s]): Straight => ['stx', size, b, o, s]),
  ),
  sized((size) => fc.tuple(dst, rodataOffset).map(([d, o]): Straight => ['rodata', size, d, o])),
);

export const straight: fc.Arbitrary<Straight> = fc.oneof(
  { weight: 10, arbitrary: alu },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom<32 | 64>(32, 64),
        fc.constantFrom<'sdiv' | 'smod'>('sdiv', 'smod'),
        dst,
        operand,
      )
      .map(([w, op, d, x]): Straight => ['signed', w, op, d, nonZero(x)]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom<32 | 64>(32, 64), dst, src, fc.constantFrom<8 | 16 | 32>(8, 16, 32))
      .map(([w, d, s, bits]): Straight => ['movsx', w, d, s, w === 32 && bits === 32 ? 16 : bits]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.boolean(), dst, fc.constantFrom<16 | 32 | 64>(16, 32, 64))
      .map(([big, d, w]): Straight => ['endian', big, d, w]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(dst, fc.constantFrom<16 | 32 | 64>(16, 32, 64))
      .map(([d, w]): Straight => ['bswap', d, w]),
  },
  { weight: 1, arbitrary: fc.tuple(dst, word64).map(([d, v]): Straight => ['lddw', d, v]) },
  { weight: 6, arbitrary: memory },
);

const JMP_NAMES = Object.keys(JMP_OPS) as JmpName[];
const forward: fc.Arbitrary<Forward> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom<32 | 64>(32, 64), fc.constantFrom(...JMP_NAMES), src, operand)
      .map(([w, op, d, x]): Forward => ['jmp', w, op, d, x]),
  },
  { weight: 1, arbitrary: fc.constantFrom<Forward>(['ja'], ['gotol']) },
);

/** Helpers the FakeHost answers: ABI print_int, time, sleep, yield, print, HAL, publish; FC ones. */
export const HELPERS = [
  0x103, 0x104, 0x105, 0x106, 0x102, 0x10a, 0x10b, 0x114, 0x01, 0x10, 0x12, 0x20,
];

const ops = fc.array(straight, { minLength: 1, maxLength: 6 });
const leaf: fc.Arbitrary<Item> = fc.oneof(
  { weight: 4, arbitrary: ops.map((o): Item => ({ kind: 'ops', ops: o })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ jump: forward, body: fc.array(straight, { maxLength: 4 }) })
      .map((r): Item => ({ kind: 'skip', ...r })),
  },
  { weight: 1, arbitrary: fc.nat(7).map((fn): Item => ({ kind: 'call', fn })) },
  { weight: 1, arbitrary: fc.constantFrom(...HELPERS).map((id): Item => ({ kind: 'helper', id })) },
);
const early: fc.Arbitrary<Item> = fc.oneof(
  fc.constant<Item>({ kind: 'exit' }),
  fc.constantFrom(0x102, 0x12, 0x01).map((id): Item => ({ kind: 'rawHelper', id })),
);
/**
 * Straight code past the longest translated unit (a block of a group of 400 instructions), run or
 * jumped over: the translator splits it, the jump leaves the unit.
 */
const long = fc.array(straight, { minLength: 380, maxLength: 450 });
const longItem: fc.Arbitrary<Item> = fc.oneof(
  long.map((o): Item => ({ kind: 'ops', ops: o })),
  fc.record({ jump: forward, body: long }).map((r): Item => ({ kind: 'skip', ...r })),
);
const loop: fc.Arbitrary<Item> = fc
  .record({
    count: fc.integer({ min: 1, max: 5 }),
    back: fc.tuple(
      fc.constantFrom<32 | 64>(32, 64),
      fc.constantFrom<'jne' | 'jsgt' | 'jgt'>('jne', 'jsgt', 'jgt'),
    ),
    body: fc.array(leaf, { minLength: 1, maxLength: 3 }),
  })
  .map((r): Item => ({ kind: 'loop', ...r }));

export const randomProgram: fc.Arbitrary<RandomProgram> = fc.record({
  init: fc.array(word64, { minLength: 8, maxLength: 8 }),
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
  functions: fc.array(
    fc.record({
      body: fc.array(straight, { maxLength: 5 }),
      tail: fc.oneof(
        { weight: 30, arbitrary: fc.constantFrom<Tail>('exit', 'callNext') },
        { weight: 1, arbitrary: fc.constant<Tail>('recurse') },
      ),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  handlers: fc.array(
    fc.record({ fn: fc.nat(7), args: fc.array(imm32, { minLength: 4, maxLength: 4 }) }),
    { maxLength: 2 },
  ),
  exitWith: dst,
  data: fc.uint8Array({ maxLength: DATA_BYTES }),
});
