import * as fs from 'node:fs';
import * as path from 'node:path';
import fc, { type Arbitrary } from 'fast-check';

/** The repository root, for real inputs under firmware/build. */
export const ROOT = path.join(__dirname, '../..');

/** Every file of firmware/build/<dir> ending in `ext`, as bytes: the valid seeds of a format. */
export function firmwareSeeds(dir: string, ext: string): Uint8Array[] {
  const full = path.join(ROOT, 'firmware/build', dir);
  return fs
    .readdirSync(full)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => new Uint8Array(fs.readFileSync(path.join(full, f))));
}

/** Values that sit on the edges of length and offset checks. */
const INTERESTING_U32 = [
  0, 1, 2, 3, 4, 7, 8, 16, 28, 32, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
  0xfffffffe, 0xffffffff,
];
const INTERESTING_U8 = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

type Mutation = (bytes: Uint8Array) => Uint8Array;

/** Positions as fractions of the length, so one mutation fits any seed; `head` aims at headers. */
const position = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 63 }).map((n) => ({ head: true, n })), weight: 2 },
  { arbitrary: fc.nat().map((n) => ({ head: false, n })), weight: 3 },
);
const at = (p: { head: boolean; n: number }, length: number) =>
  length === 0 ? 0 : p.head ? Math.min(p.n, length - 1) : p.n % length;

const mutation: Arbitrary<Mutation> = fc.oneof(
  fc.tuple(position, fc.integer({ min: 0, max: 7 })).map(([p, bit]) => (b: Uint8Array) => {
    const out = b.slice();
    if (out.length) out[at(p, out.length)] ^= 1 << bit;
    return out;
  }),
  fc
    .tuple(position, fc.oneof(fc.constantFrom(...INTERESTING_U8), fc.integer({ min: 0, max: 255 })))
    .map(([p, v]) => (b: Uint8Array) => {
      const out = b.slice();
      if (out.length) out[at(p, out.length)] = v;
      return out;
    }),
  fc
    .tuple(
      position,
      fc.oneof(fc.constantFrom(...INTERESTING_U32), fc.nat({ max: 0xffffffff })),
      fc.integer({ min: -2, max: 2 }),
    )
    .map(([p, v, delta]) => (b: Uint8Array) => {
      const out = b.slice();
      if (out.length < 4) return out;
      const i = Math.min(at(p, out.length) & ~3, out.length - 4);
      new DataView(out.buffer).setUint32(i, (v + delta) >>> 0, true);
      return out;
    }),
  fc.tuple(position, fc.integer({ min: 1, max: 64 })).map(([p, n]) => (b: Uint8Array) => {
    const i = at(p, b.length);
    return concat(b.subarray(0, i), b.subarray(i + n));
  }),
  fc.tuple(position, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([p, ins]) => {
    return (b: Uint8Array) => {
      const i = at(p, b.length + 1);
      return concat(b.subarray(0, i), ins, b.subarray(i));
    };
  }),
  fc.tuple(position, position, fc.integer({ min: 1, max: 64 })).map(([from, to, n]) => {
    return (b: Uint8Array) => {
      const i = at(from, b.length);
      const j = at(to, b.length + 1);
      return concat(b.subarray(0, j), b.subarray(i, i + n), b.subarray(j));
    };
  }),
  position.map((p) => (b: Uint8Array) => b.slice(0, at(p, b.length + 1))),
);

/** A seed with 1-8 mutations: bit flips, edge values, cuts, inserts, repeats, truncation. */
export function mutationsOf(seeds: readonly Uint8Array[]): Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 8 }))
    .map(([seed, ops]) => ops.reduce((bytes, op) => op(bytes), seed));
}

/** Random bytes, optionally behind a fixed prefix (a magic number) so parsers get past it. */
export function randomBytes(maxLength: number, prefix?: Uint8Array): Arbitrary<Uint8Array> {
  const body = fc.uint8Array({ maxLength });
  return prefix ? body.map((b) => concat(prefix, b)) : body;
}

/** Seeds themselves (valid inputs: the round trips), mutations of them and random bytes. */
export function seededBytes(
  seeds: readonly Uint8Array[],
  random: Arbitrary<Uint8Array>,
): Arbitrary<Uint8Array> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...seeds), weight: 1 },
    { arbitrary: mutationsOf(seeds), weight: 6 },
    { arbitrary: random, weight: 2 },
  );
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
}
