/*
 * ud (Embench-like set): LU decomposition with row pivoting and a linear solve, as
 * Embench's ud (from the Malardalen WCET suite) on the same kind of diagonally heavy
 * 20x20 matrix. Integer arithmetic, made exact by working in the prime field GF(65521)
 * instead of truncating divisions: every product of two residues fits 32 bits, and
 * division is multiplication by a modular inverse (extended Euclid).
 * Each round solves A x = b for a known x and checks it; the first round also checks
 * that L U reproduces the row-permuted A.
 */
#include <stdint.h>
#include "report.h"

#define N 20
#define P 65521u /* largest prime below 2^16 */
#define ROUNDS 100

static uint32_t a[N][N], lu[N][N], b[N], x[N];
static uint8_t perm[N];

static uint32_t mul_mod(uint32_t u, uint32_t v) { return u * v % P; }
static uint32_t add_mod(uint32_t u, uint32_t v) { return (u + v) % P; }
static uint32_t sub_mod(uint32_t u, uint32_t v) { return (u + P - v) % P; }

static uint32_t inv_mod(uint32_t v) {
  int32_t t = 0, new_t = 1, r = (int32_t)P, new_r = (int32_t)v;
  while (new_r) {
    int32_t q = r / new_r, tmp;
    tmp = t - q * new_t, t = new_t, new_t = tmp;
    tmp = r - q * new_r, r = new_r, new_r = tmp;
  }
  return (uint32_t)(t < 0 ? t + (int32_t)P : t);
}

/* Malardalen ud's matrix, with the diagonal shifted by the round so no two repeat. */
static void make_system(uint32_t round) {
  for (uint32_t i = 0; i < N; i++) {
    uint32_t sum = 0;
    for (uint32_t j = 0; j < N; j++) {
      a[i][j] = (i + 1) + (j + 1);
      if (i == j) a[i][j] = a[i][j] * 10 + round;
      sum = add_mod(sum, mul_mod(a[i][j], j + 1)); /* b = A x for x = 1, 2, ..., N */
    }
    b[i] = sum;
  }
}

/* In-place Doolittle LU of lu = P A; returns the determinant of A, or 0 if singular. */
static uint32_t decompose(void) {
  uint32_t det = 1;
  for (uint32_t i = 0; i < N; i++) {
    perm[i] = (uint8_t)i;
    for (uint32_t j = 0; j < N; j++) lu[i][j] = a[i][j];
  }
  for (uint32_t k = 0; k < N; k++) {
    uint32_t p = k;
    while (p < N && lu[p][k] == 0) p++;
    if (p == N) return 0;
    if (p != k) {
      for (uint32_t j = 0; j < N; j++) {
        uint32_t t = lu[k][j];
        lu[k][j] = lu[p][j];
        lu[p][j] = t;
      }
      uint8_t t = perm[k];
      perm[k] = perm[p];
      perm[p] = t;
      det = sub_mod(0, det);
    }
    det = mul_mod(det, lu[k][k]);
    uint32_t inv = inv_mod(lu[k][k]);
    for (uint32_t i = k + 1; i < N; i++) {
      uint32_t l = lu[i][k] = mul_mod(lu[i][k], inv);
      for (uint32_t j = k + 1; j < N; j++) lu[i][j] = sub_mod(lu[i][j], mul_mod(l, lu[k][j]));
    }
  }
  return det;
}

/* Solves L U x = P b. */
static void solve(void) {
  for (uint32_t i = 0; i < N; i++) {
    uint32_t s = b[perm[i]];
    for (uint32_t j = 0; j < i; j++) s = sub_mod(s, mul_mod(lu[i][j], x[j]));
    x[i] = s;
  }
  for (int32_t i = N - 1; i >= 0; i--) {
    uint32_t s = x[i];
    for (uint32_t j = (uint32_t)i + 1; j < N; j++) s = sub_mod(s, mul_mod(lu[i][j], x[j]));
    x[i] = mul_mod(s, inv_mod(lu[i][i]));
  }
}

/* (L U)[i][j] == A[perm[i]][j] for all i, j. */
static int factors_reproduce_a(void) {
  for (uint32_t i = 0; i < N; i++) {
    for (uint32_t j = 0; j < N; j++) {
      uint32_t s = 0, top = i < j ? i : j;
      for (uint32_t k = 0; k <= top; k++) {
        uint32_t l = k == i ? 1 : lu[i][k];
        s = add_mod(s, mul_mod(l, lu[k][j]));
      }
      if (s != a[perm[i]][j]) return 0;
    }
  }
  return 1;
}

int main(void) {
  uint32_t solved = 0, det_hash = 0, first_det = 0, det = 0;
  int factors_ok = 0;
  for (uint32_t r = 0; r < ROUNDS; r++) {
    make_system(r);
    det = decompose();
    if (r == 0) first_det = det, factors_ok = factors_reproduce_a();
    if (!det) continue;
    solve();
    uint32_t ok = 1;
    for (uint32_t i = 0; i < N; i++) ok &= x[i] == i + 1;
    solved += ok;
    det_hash = (det_hash * 31 + det) ^ (det_hash >> 7);
  }
  print_field_int("det(A0) mod 65521", (int32_t)first_det);
  print_field_int("det(A99) mod 65521", (int32_t)det);
  print_field_hex("det hash", det_hash);
  print_field_int("systems solved", (int32_t)solved);
  expect(factors_ok, "L U != P A");
  expect(solved == ROUNDS, "a solution differs from the known x");
  return report_check();
}
