// random (COISA set, after the shootout's "random"): the shootout's LCG in integer form
// and a xorshift32 generator, stepped STEPS times each. The self-check recomputes both
// end states by jumping ahead: the LCG as a power of its affine map mod IM, xorshift32 as
// a power of its 32x32 matrix over GF(2). Same algorithm and output as
// bench/coisa/random.c; uint32 arithmetic with >>> 0.
const STEPS = 250000, IM = 139968, IA = 3877, IC = 29573, BUCKETS = 10;
let failure;
const expect = (ok, what) => { if (!ok && !failure) failure = what; };
const field = (label, v) => write(label, ': ', v, '\n');
const hex = (v) => (v >>> 0).toString(16).padStart(8, '0');

// a * b mod IM without 64-bit arithmetic, as the C version: a, b < IM < 2^18.
const mulmod = (a, b) => (((a * (b >>> 9)) % IM) * 512 + a * (b & 511)) % IM;
const affineCompose = (f, g) => ({ a: mulmod(f.a, g.a), c: (mulmod(f.a, g.c) + f.c) % IM });

function lcgJump(seed, steps) {
  let result = { a: 1, c: 0 }, base = { a: IA, c: IC };
  for (; steps; steps >>>= 1) {
    if (steps & 1) result = affineCompose(base, result);
    base = affineCompose(base, base);
  }
  return (mulmod(result.a, seed) + result.c) % IM;
}

function xorshift32(x) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

// A linear map on GF(2)^32 as its 32 columns: col[i] is the image of bit i.
function gf2Apply(m, v) {
  let out = 0;
  for (let i = 0; v; i++, v >>>= 1) if (v & 1) out ^= m[i];
  return out >>> 0;
}

const gf2Compose = (a, b) => Uint32Array.from(b, (col) => gf2Apply(a, col));

function xorshiftJump(seed, steps) {
  let result = new Uint32Array(32), base = new Uint32Array(32);
  for (let i = 0; i < 32; i++) {
    result[i] = (1 << i) >>> 0;
    base[i] = xorshift32((1 << i) >>> 0);
  }
  for (; steps; steps >>>= 1) {
    if (steps & 1) result = gf2Compose(base, result);
    base = gf2Compose(base, base);
  }
  return gf2Apply(result, seed);
}

let last = 42;
const bucket = new Uint32Array(BUCKETS);
for (let i = 0; i < STEPS; i++) {
  last = (last * IA + IC) % IM;
  bucket[Math.floor(Math.floor((100 * last) / IM) / BUCKETS)]++; // gen_random(100), tenths
}
field('lcg last', last);
field('gen_random(100)', Math.floor((100 * last) / IM));
let total = 0, lopsided = false;
write('buckets:');
for (let i = 0; i < BUCKETS; i++) {
  write(' ', bucket[i]);
  total += bucket[i];
  const off = bucket[i] - STEPS / BUCKETS;
  if (off > STEPS / 200 || off < -STEPS / 200) lopsided = true; // beyond 5% of a bucket
}
write('\n');

let x = 2463534242;
for (let i = 0; i < STEPS; i++) x = xorshift32(x);
field('xorshift32', hex(x));

expect(total === STEPS, 'bucket counts do not add up');
expect(!lopsided, 'LCG buckets uneven');
expect(last === lcgJump(42, STEPS), 'LCG state != jump-ahead');
expect(x === xorshiftJump(2463534242, STEPS), 'xorshift32 state != GF(2) jump-ahead');
write(failure ? `check: FAIL ${failure}\n` : 'check: ok\n');
return failure ? 1 : 0;
