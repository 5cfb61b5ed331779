/*
 * matrix (COISA set, after the shootout's "matrix"): 30x30 integer matrix products.
 * The four printed entries are the shootout's published answer for size 30.
 */
#include <stdint.h>
#include "report.h"

#define SIZE 30
#define ROUNDS 12

typedef int32_t matrix[SIZE][SIZE];

static matrix m1, m2, mm;

static void mkmatrix(matrix m) {
  int32_t count = 1;
  for (int32_t i = 0; i < SIZE; i++) {
    for (int32_t j = 0; j < SIZE; j++) m[i][j] = count++;
  }
}

static void mmult(matrix a, matrix b, matrix c) {
  for (int32_t i = 0; i < SIZE; i++) {
    for (int32_t j = 0; j < SIZE; j++) {
      int32_t val = 0;
      for (int32_t k = 0; k < SIZE; k++) val += a[i][k] * b[k][j];
      c[i][j] = val;
    }
  }
}

int main(void) {
  mkmatrix(m1);
  mkmatrix(m2);
  uint32_t trace_sum = 0;
  for (int32_t r = 0; r < ROUNDS; r++) {
    mmult(m1, m2, mm);
    for (int32_t i = 0; i < SIZE; i++) trace_sum += (uint32_t)mm[i][i];
    m1[r % SIZE][r % SIZE] ^= 1; /* vary the input so no round repeats another */
  }
  /* Put the input back and redo the shootout's product for its published answer. */
  for (int32_t r = 0; r < ROUNDS; r++) m1[r % SIZE][r % SIZE] ^= 1;
  mmult(m1, m2, mm);

  print_field_int("mm[0][0]", mm[0][0]);
  print_field_int("mm[2][3]", mm[2][3]);
  print_field_int("mm[3][2]", mm[3][2]);
  print_field_int("mm[4][4]", mm[4][4]);
  print_field_hex("trace sum", trace_sum);
  expect(mm[0][0] == 270165 && mm[2][3] == 1061760, "mm[0][0] or mm[2][3]");
  expect(mm[3][2] == 1453695 && mm[4][4] == 1856025, "mm[3][2] or mm[4][4]");
  return report_check();
}
