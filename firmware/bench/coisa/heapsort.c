/*
 * heapsort (COISA set, after the shootout's "heapsort"): sorts N pseudo-random integers
 * from the shootout's LCG (integer form: no floating point). The check: sorted order,
 * and the multiset unchanged (sum and xor before and after).
 */
#include <stdint.h>
#include "report.h"

#define N 5000
#define IM 139968
#define IA 3877
#define IC 29573

static int32_t ra[N + 1]; /* 1-based, as the classic algorithm */

static uint32_t last = 42;

static int32_t gen_random(void) {
  last = (last * IA + IC) % IM;
  return (int32_t)last;
}

static void heapsort(int32_t n, int32_t *a) {
  int32_t i, j, ir = n, l = (n >> 1) + 1, rra;
  for (;;) {
    if (l > 1) {
      rra = a[--l];
    } else {
      rra = a[ir];
      a[ir] = a[1];
      if (--ir == 1) {
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
        j += (i = j);
      } else {
        j = ir + 1;
      }
    }
    a[i] = rra;
  }
}

int main(void) {
  uint32_t sum = 0, xor = 0;
  for (int32_t i = 1; i <= N; i++) {
    ra[i] = gen_random();
    sum += (uint32_t)ra[i];
    xor ^= (uint32_t)ra[i];
  }
  heapsort(N, ra);

  uint32_t sum_after = 0, xor_after = 0;
  int32_t ordered = 1;
  for (int32_t i = 1; i <= N; i++) {
    sum_after += (uint32_t)ra[i];
    xor_after ^= (uint32_t)ra[i];
    if (i > 1 && ra[i - 1] > ra[i]) ordered = 0;
  }
  print_field_int("min", ra[1]);
  print_field_int("median", ra[N / 2]);
  print_field_int("max", ra[N]);
  print_field_hex("sum", sum_after);
  expect(ordered, "not sorted");
  expect(sum == sum_after && xor == xor_after, "elements changed");
  return report_check();
}
