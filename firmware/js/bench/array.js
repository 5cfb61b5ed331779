// array (COISA set, after the shootout's "ary3"): y[i] += x[i] over two arrays, many
// rounds, then copies and compares them. Same algorithm, checks and output as
// bench/coisa/array.c (memcpy/memcmp become TypedArray.set and a compare loop).
const N = 1000, ROUNDS = 250;
let failure;
const expect = (ok, what) => { if (!ok && !failure) failure = what; };
const field = (label, v) => write(label, ': ', v, '\n');

const x = new Int32Array(N), y = new Int32Array(N), z = new Int32Array(N);
for (let i = 0; i < N; i++) x[i] = i + 1;
for (let k = 0; k < ROUNDS; k++) {
  for (let i = N - 1; i >= 0; i--) y[i] += x[i];
}
field('y[0]', y[0]);
field('y[N-1]', y[N - 1]);

let sum = 0;
for (let i = 0; i < N; i++) sum = (sum + y[i]) >>> 0;
field('sum', sum | 0);

const same = (a, b) => {
  for (let i = 0; i < N; i++) if (a[i] !== b[i]) return false;
  return true;
};
z.set(y);
z[N >> 1] ^= 1;
const differs = !same(y, z);
z[N >> 1] ^= 1;

expect(y[0] === ROUNDS, 'y[0] != ROUNDS');
expect(y[N - 1] === ROUNDS * N, 'y[N-1] != ROUNDS * N');
expect(sum === (ROUNDS * N * (N + 1)) / 2, 'sum');
expect(differs && same(y, z), 'memcpy/memcmp');
write(failure ? `check: FAIL ${failure}\n` : 'check: ok\n');
return failure ? 1 : 0;
