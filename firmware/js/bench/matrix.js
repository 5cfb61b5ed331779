// matrix (COISA set, after the shootout's "matrix"): 30x30 integer matrix products.
// The four printed entries are the shootout's published answer for size 30. Same
// algorithm, checks and output as bench/coisa/matrix.c.
const SIZE = 30, ROUNDS = 12;
let failure;
const expect = (ok, what) => { if (!ok && !failure) failure = what; };
const field = (label, v) => write(label, ': ', v, '\n');
const hex = (v) => (v >>> 0).toString(16).padStart(8, '0');

function mkmatrix() {
  let count = 1;
  const m = [];
  for (let i = 0; i < SIZE; i++) {
    const row = new Int32Array(SIZE);
    for (let j = 0; j < SIZE; j++) row[j] = count++;
    m.push(row);
  }
  return m;
}

function mmult(a, b, c) {
  for (let i = 0; i < SIZE; i++) {
    const ai = a[i], ci = c[i];
    for (let j = 0; j < SIZE; j++) {
      let val = 0;
      for (let k = 0; k < SIZE; k++) val = (val + Math.imul(ai[k], b[k][j])) | 0;
      ci[j] = val;
    }
  }
}

const m1 = mkmatrix(), m2 = mkmatrix(), mm = mkmatrix();
let traceSum = 0;
for (let r = 0; r < ROUNDS; r++) {
  mmult(m1, m2, mm);
  for (let i = 0; i < SIZE; i++) traceSum = (traceSum + mm[i][i]) >>> 0;
  m1[r % SIZE][r % SIZE] ^= 1; // vary the input so no round repeats another
}
// Put the input back and redo the shootout's product for its published answer.
for (let r = 0; r < ROUNDS; r++) m1[r % SIZE][r % SIZE] ^= 1;
mmult(m1, m2, mm);

field('mm[0][0]', mm[0][0]);
field('mm[2][3]', mm[2][3]);
field('mm[3][2]', mm[3][2]);
field('mm[4][4]', mm[4][4]);
field('trace sum', hex(traceSum));
expect(mm[0][0] === 270165 && mm[2][3] === 1061760, 'mm[0][0] or mm[2][3]');
expect(mm[3][2] === 1453695 && mm[4][4] === 1856025, 'mm[3][2] or mm[4][4]');
write(failure ? `check: FAIL ${failure}\n` : 'check: ok\n');
return failure ? 1 : 0;
