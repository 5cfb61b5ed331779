// heapsort (COISA set, after the shootout's "heapsort"): sorts N pseudo-random integers
// from the shootout's LCG (integer form). The check: sorted order, and the multiset
// unchanged (sum and xor before and after). Same algorithm and output as
// bench/coisa/heapsort.c.
const N = 5000, IM = 139968, IA = 3877, IC = 29573;
let failure;
const expect = (ok, what) => { if (!ok && !failure) failure = what; };
const field = (label, v) => write(label, ': ', v, '\n');
const hex = (v) => (v >>> 0).toString(16).padStart(8, '0');

let last = 42;
const genRandom = () => (last = (last * IA + IC) % IM);

function heapsort(n, a) {
  let i, j, ir = n, l = (n >> 1) + 1, rra;
  for (;;) {
    if (l > 1) {
      rra = a[--l];
    } else {
      rra = a[ir];
      a[ir] = a[1];
      if (--ir === 1) {
        a[1] = rra;
        return;
      }
    }
    i = l;
    j = l << 1;
    while (j <= ir) {
      if (j < ir && a[j] < a[j + 1]) ++j;
      if (rra < a[j]) {
        a[i] = a[j];
        j += i = j;
      } else {
        j = ir + 1;
      }
    }
    a[i] = rra;
  }
}

const ra = new Int32Array(N + 1); // 1-based, as the classic algorithm
let sum = 0, xor = 0;
for (let i = 1; i <= N; i++) {
  ra[i] = genRandom();
  sum = (sum + ra[i]) >>> 0;
  xor = (xor ^ ra[i]) >>> 0;
}
heapsort(N, ra);

let sumAfter = 0, xorAfter = 0, ordered = true;
for (let i = 1; i <= N; i++) {
  sumAfter = (sumAfter + ra[i]) >>> 0;
  xorAfter = (xorAfter ^ ra[i]) >>> 0;
  if (i > 1 && ra[i - 1] > ra[i]) ordered = false;
}
field('min', ra[1]);
field('median', ra[N / 2]);
field('max', ra[N]);
field('sum', hex(sumAfter));
expect(ordered, 'not sorted');
expect(sum === sumAfter && xor === xorAfter, 'elements changed');
write(failure ? `check: FAIL ${failure}\n` : 'check: ok\n');
return failure ? 1 : 0;
