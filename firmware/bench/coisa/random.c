/*
 * random (COISA set, after the shootout's "random"): the shootout's LCG in integer form
 * and a xorshift32 generator, stepped STEPS times each. The self-check recomputes both
 * end states independently by jumping ahead: the LCG as a power of its affine map mod
 * IM, xorshift32 as a power of its 32x32 matrix over GF(2).
 */
#include <stdint.h>
#include "report.h"

#define STEPS 250000
#define IM 139968u
#define IA 3877u
#define IC 29573u
#define BUCKETS 10

/* a * b mod IM without 64-bit arithmetic: a, b < IM < 2^18. */
static uint32_t mulmod(uint32_t a, uint32_t b) {
  return ((a * (b >> 9)) % IM * 512u + a * (b & 511u)) % IM;
}

struct affine {
  uint32_t a, c; /* x -> a x + c mod IM */
};

static struct affine affine_compose(struct affine f, struct affine g) {
  struct affine h = {mulmod(f.a, g.a), (mulmod(f.a, g.c) + f.c) % IM};
  return h;
}

static uint32_t lcg_jump(uint32_t seed, uint32_t steps) {
  struct affine result = {1, 0}, base = {IA, IC};
  for (; steps; steps >>= 1) {
    if (steps & 1) result = affine_compose(base, result);
    base = affine_compose(base, base);
  }
  return (mulmod(result.a, seed) + result.c) % IM;
}

static uint32_t xorshift32(uint32_t x) {
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

/* A linear map on GF(2)^32 as its 32 columns: col[i] is the image of bit i. */
struct gf2_matrix {
  uint32_t col[32];
};

static uint32_t gf2_apply(const struct gf2_matrix *m, uint32_t v) {
  uint32_t out = 0;
  for (int i = 0; v; i++, v >>= 1) {
    if (v & 1) out ^= m->col[i];
  }
  return out;
}

static void gf2_compose(const struct gf2_matrix *a, const struct gf2_matrix *b,
                        struct gf2_matrix *out) {
  for (int i = 0; i < 32; i++) out->col[i] = gf2_apply(a, b->col[i]);
}

static uint32_t xorshift_jump(uint32_t seed, uint32_t steps) {
  struct gf2_matrix result, base, tmp;
  for (int i = 0; i < 32; i++) {
    result.col[i] = 1u << i;
    base.col[i] = xorshift32(1u << i);
  }
  for (; steps; steps >>= 1) {
    if (steps & 1) {
      gf2_compose(&base, &result, &tmp);
      result = tmp;
    }
    gf2_compose(&base, &base, &tmp);
    base = tmp;
  }
  return gf2_apply(&result, seed);
}

int main(void) {
  uint32_t last = 42, bucket[BUCKETS] = {0};
  for (uint32_t i = 0; i < STEPS; i++) {
    last = (last * IA + IC) % IM;
    bucket[100u * last / IM / BUCKETS]++; /* gen_random(100), tenths */
  }
  print_field_int("lcg last", (int32_t)last);
  print_field_int("gen_random(100)", (int32_t)(100u * last / IM));
  uint32_t total = 0, lopsided = 0;
  print_str("buckets:");
  for (int i = 0; i < BUCKETS; i++) {
    print_str(" ");
    print_int((int32_t)bucket[i]);
    total += bucket[i];
    int32_t off = (int32_t)bucket[i] - STEPS / BUCKETS;
    if (off > STEPS / 200 || off < -STEPS / 200) lopsided = 1; /* beyond 5% of a bucket */
  }
  print_newline();

  uint32_t x = 2463534242u;
  for (uint32_t i = 0; i < STEPS; i++) x = xorshift32(x);
  print_field_hex("xorshift32", x);

  expect(total == STEPS, "bucket counts do not add up");
  expect(!lopsided, "LCG buckets uneven");
  expect(last == lcg_jump(42, STEPS), "LCG state != jump-ahead");
  expect(x == xorshift_jump(2463534242u, STEPS), "xorshift32 state != GF(2) jump-ahead");
  return report_check();
}
