/*
 * xorshift: the xorshift64* generator (64-bit shifts, xor and a 64x64 multiply) driving
 * 64-bit signed and unsigned division and remainder (<stdint.h> uint64_t, int64_t).
 * Self-check: the generator's state after 5000 steps equals the one computed with the
 * multiply done by hand in 32-bit halves, every quotient/remainder pair satisfies
 * q * d + r == n with |r| < |d| and the sign rules of C, the first output for seed 1
 * is 0x47E4CE4B896CDD1D, and INT64_MIN / 3, INT64_MAX % 1000, UINT64_MAX / 10 are exact.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#define STEPS 5000
#define MULTIPLIER UINT64_C(0x2545F4914F6CDD1D)

static uint64_t xorshift64star(uint64_t *state) {
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * MULTIPLIER;
}

/* a * b mod 2^64 from 32-bit halves: the check for the compiler's 64-bit multiply. */
static uint64_t mul_by_halves(uint64_t a, uint64_t b) {
  uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
  uint64_t low = al * bl;
  uint64_t cross = (uint32_t)(al * bh) + (uint32_t)(ah * bl);
  return low + (cross << 32);
}

int main(void) {
  uint64_t state = 1, check_state = 1, last = 0, sum = 0;
  uint64_t first = 0;
  unsigned bad_mul = 0, bad_div = 0;
  for (int i = 0; i < STEPS; i++) {
    last = xorshift64star(&state);
    if (i == 0) first = last;
    uint64_t x = check_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    check_state = x;
    if (mul_by_halves(x, MULTIPLIER) != last) bad_mul++;
    sum += last >> 7;

    uint64_t d = (last >> (i % 61)) | 1;
    uint64_t q = last / d, r = last % d;
    if (q * d + r != last || r >= d) bad_div++;
    int64_t sn = (int64_t)last, sd = (int64_t)(d >> 1) * ((i & 1) ? -1 : 1);
    if (sd == 0) sd = 7;
    int64_t sq = sn / sd, sr = sn % sd;
    if (sq * sd + sr != sn) bad_div++;
    if (sr != 0 && (sr < 0) != (sn < 0)) bad_div++;
    if ((sr < 0 ? -sr : sr) >= (sd < 0 ? -sd : sd)) bad_div++;
  }
  printf("first output: %" PRIu64 "\n", first);
  printf("output %d: 0x%016" PRIx64 "\n", STEPS, last);
  printf("sum of outputs >> 7: %" PRIu64 "\n", sum);
  printf("INT64_MIN / 3 = %lld, INT64_MAX %% 1000 = %lld, UINT64_MAX / 10 = %llu\n",
         (long long)(INT64_MIN / 3), (long long)(INT64_MAX % 1000),
         (unsigned long long)(UINT64_MAX / 10));
  printf("multiply mismatches: %u, division mismatches: %u\n", bad_mul, bad_div);
  int ok = first == UINT64_C(5180492295206395165) && state == check_state && bad_mul == 0 &&
           bad_div == 0 && INT64_MIN / 3 == -3074457345618258602LL &&
           INT64_MAX % 1000 == 807 && UINT64_MAX / 10 == 1844674407370955161ULL;
  puts(ok ? "check: ok" : "check: FAIL");
  return ok ? 0 : 1;
}
