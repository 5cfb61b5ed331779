/*
 * sieve: Eratosthenes over a bit array sized with <limits.h>'s CHAR_BIT, primes below
 * 60000. Self-check: pi(60000) = 6057, the sum of the primes, and trial division of
 * every 97th candidate agrees with the sieve (the sum is the reference run's).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define LIMIT 60000u
#define WORD_BITS (sizeof(unsigned) * CHAR_BIT)

static unsigned composite[(LIMIT + WORD_BITS - 1) / WORD_BITS];

static bool is_composite(unsigned n) { return composite[n / WORD_BITS] >> (n % WORD_BITS) & 1u; }
static void mark(unsigned n) { composite[n / WORD_BITS] |= 1u << (n % WORD_BITS); }

static bool prime_by_division(unsigned n) {
  if (n < 2) return false;
  for (unsigned d = 2; d * d <= n; d++)
    if (n % d == 0) return false;
  return true;
}

int main(void) {
  memset(composite, 0, sizeof composite);
  mark(0);
  mark(1);
  for (unsigned p = 2; p * p < LIMIT; p++)
    if (!is_composite(p))
      for (unsigned m = p * p; m < LIMIT; m += p) mark(m);
  unsigned count = 0, largest = 0;
  unsigned long sum = 0;
  for (unsigned n = 0; n < LIMIT; n++) {
    if (is_composite(n)) continue;
    count++;
    sum += n;
    largest = n;
  }
  unsigned disagreements = 0;
  for (unsigned n = 0; n < LIMIT; n += 97)
    if (prime_by_division(n) == is_composite(n)) disagreements++;
  printf("primes below %u: %u\n", LIMIT, count);
  printf("largest: %u, sum: %lu\n", largest, sum);
  printf("UINT_MAX: %u, INT_MIN: %d, CHAR_BIT: %d\n", UINT_MAX, INT_MIN, CHAR_BIT);
  bool ok = count == 6057 && largest == 59999 && sum == 171848738ul && disagreements == 0 &&
            UINT_MAX == 4294967295u && CHAR_BIT == 8;
  puts(ok ? "check: ok" : "check: FAIL");
  return ok ? 0 : 1;
}
