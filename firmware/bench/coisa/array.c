/*
 * array (COISA set, after the shootout's "ary3"): y[i] += x[i] over two arrays, many
 * rounds, then copies and compares them with the SDK's memcpy/memcmp.
 */
#include <stdint.h>
#include <string.h>
#include "report.h"

#define N 1000
#define ROUNDS 250

static int32_t x[N], y[N], z[N];

int main(void) {
  for (int32_t i = 0; i < N; i++) x[i] = i + 1;
  for (int32_t k = 0; k < ROUNDS; k++) {
    for (int32_t i = N - 1; i >= 0; i--) y[i] += x[i];
  }
  print_field_int("y[0]", y[0]);
  print_field_int("y[N-1]", y[N - 1]);

  uint32_t sum = 0;
  for (int32_t i = 0; i < N; i++) sum += (uint32_t)y[i];
  print_field_int("sum", (int32_t)sum);

  memcpy(z, y, sizeof z);
  z[N / 2] ^= 1;
  int32_t differs = memcmp(y, z, sizeof y) != 0;
  z[N / 2] ^= 1;
  int32_t same = memcmp(y, z, sizeof y) == 0;

  expect(y[0] == ROUNDS, "y[0] != ROUNDS");
  expect(y[N - 1] == ROUNDS * N, "y[N-1] != ROUNDS * N");
  /* sum over i of ROUNDS * (i + 1) */
  expect(sum == (uint32_t)ROUNDS * N * (N + 1) / 2, "sum");
  expect(differs && same, "memcpy/memcmp");
  return report_check();
}
