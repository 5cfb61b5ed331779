// ud (Embench-like set): LU decomposition with row pivoting and a linear solve on a
// diagonally heavy 20x20 matrix, exact in the prime field GF(65521): division is
// multiplication by a modular inverse (extended Euclid). Each round solves A x = b for a
// known x; the first also checks that L U reproduces the row-permuted A. Same algorithm
// and output as bench/embench/ud.c. Products of residues stay below 2^32: exact doubles.
const N = 20, P = 65521, ROUNDS = 100;
let failure;
const expect = (ok, what) => { if (!ok && !failure) failure = what; };
const field = (label, v) => write(label, ': ', v, '\n');
const hex = (v) => (v >>> 0).toString(16).padStart(8, '0');

const mulMod = (u, v) => (u * v) % P;
const addMod = (u, v) => (u + v) % P;
const subMod = (u, v) => (u + P - v) % P;

function invMod(v) {
  let t = 0, newT = 1, r = P, newR = v;
  while (newR) {
    const q = Math.trunc(r / newR);
    [t, newT] = [newT, t - q * newT];
    [r, newR] = [newR, r - q * newR];
  }
  return t < 0 ? t + P : t;
}

const matrix = () => Array.from({ length: N }, () => new Uint32Array(N));
const a = matrix(), lu = matrix(), b = new Uint32Array(N), x = new Uint32Array(N);
const perm = new Uint8Array(N);

// Malardalen ud's matrix, with the diagonal shifted by the round so no two repeat.
function makeSystem(round) {
  for (let i = 0; i < N; i++) {
    let sum = 0;
    for (let j = 0; j < N; j++) {
      a[i][j] = i + 1 + (j + 1);
      if (i === j) a[i][j] = a[i][j] * 10 + round;
      sum = addMod(sum, mulMod(a[i][j], j + 1)); // b = A x for x = 1, 2, ..., N
    }
    b[i] = sum;
  }
}

// In-place Doolittle LU of lu = P A; returns the determinant of A, or 0 if singular.
function decompose() {
  let det = 1;
  for (let i = 0; i < N; i++) {
    perm[i] = i;
    lu[i].set(a[i]);
  }
  for (let k = 0; k < N; k++) {
    let p = k;
    while (p < N && lu[p][k] === 0) p++;
    if (p === N) return 0;
    if (p !== k) {
      const row = lu[k].slice();
      lu[k].set(lu[p]);
      lu[p].set(row);
      [perm[k], perm[p]] = [perm[p], perm[k]];
      det = subMod(0, det);
    }
    det = mulMod(det, lu[k][k]);
    const inv = invMod(lu[k][k]);
    for (let i = k + 1; i < N; i++) {
      const l = (lu[i][k] = mulMod(lu[i][k], inv));
      for (let j = k + 1; j < N; j++) lu[i][j] = subMod(lu[i][j], mulMod(l, lu[k][j]));
    }
  }
  return det;
}

// Solves L U x = P b.
function solve() {
  for (let i = 0; i < N; i++) {
    let s = b[perm[i]];
    for (let j = 0; j < i; j++) s = subMod(s, mulMod(lu[i][j], x[j]));
    x[i] = s;
  }
  for (let i = N - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < N; j++) s = subMod(s, mulMod(lu[i][j], x[j]));
    x[i] = mulMod(s, invMod(lu[i][i]));
  }
}

// (L U)[i][j] == A[perm[i]][j] for all i, j.
function factorsReproduceA() {
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k <= Math.min(i, j); k++) s = addMod(s, mulMod(k === i ? 1 : lu[i][k], lu[k][j]));
      if (s !== a[perm[i]][j]) return false;
    }
  }
  return true;
}

let solved = 0, detHash = 0, firstDet = 0, det = 0, factorsOk = false;
for (let r = 0; r < ROUNDS; r++) {
  makeSystem(r);
  det = decompose();
  if (r === 0) [firstDet, factorsOk] = [det, factorsReproduceA()];
  if (!det) continue;
  solve();
  let ok = 1;
  for (let i = 0; i < N; i++) ok &= x[i] === i + 1 ? 1 : 0;
  solved += ok;
  detHash = ((Math.imul(detHash, 31) + det) ^ (detHash >>> 7)) >>> 0;
}
field('det(A0) mod 65521', firstDet);
field('det(A99) mod 65521', det);
field('det hash', hex(detHash));
field('systems solved', solved);
expect(factorsOk, 'L U != P A');
expect(solved === ROUNDS, 'a solution differs from the known x');
write(failure ? `check: FAIL ${failure}\n` : 'check: ok\n');
return failure ? 1 : 0;
