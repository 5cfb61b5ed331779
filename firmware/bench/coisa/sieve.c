/*
 * sieve (COISA set, after the shootout's "sieve"): the Sieve of Eratosthenes over
 * 2..8192, ROUNDS times. Checked against trial division: 1028 primes, and their sum.
 */
#include <stdint.h>
#include <string.h>
#include "report.h"

#define LIMIT 8192
#define ROUNDS 60

static uint8_t flags[LIMIT + 1];

static int32_t sieve(uint32_t *sum) {
  int32_t count = 0;
  uint32_t total = 0;
  memset(flags, 1, sizeof flags);
  for (int32_t i = 2; i <= LIMIT; i++) {
    if (!flags[i]) continue;
    for (int32_t k = i + i; k <= LIMIT; k += i) flags[k] = 0;
    count++;
    total += (uint32_t)i;
  }
  *sum = total;
  return count;
}

static int is_prime(uint32_t n) {
  if (n < 2) return 0;
  for (uint32_t d = 2; d * d <= n; d++) {
    if (n % d == 0) return 0;
  }
  return 1;
}

int main(void) {
  int32_t count = 0;
  uint32_t sum = 0, rounds_ok = 0;
  for (int32_t r = 0; r < ROUNDS; r++) {
    count = sieve(&sum);
    if (count == 1028) rounds_ok++;
  }
  uint32_t td_count = 0, td_sum = 0;
  for (uint32_t n = 2; n <= LIMIT; n++) {
    if (is_prime(n)) td_count++, td_sum += n;
  }
  print_field_int("primes", count);
  print_field_int("sum", (int32_t)sum);
  expect(rounds_ok == ROUNDS, "a round did not find 1028 primes");
  expect((uint32_t)count == td_count && sum == td_sum, "sieve != trial division");
  return report_check();
}
