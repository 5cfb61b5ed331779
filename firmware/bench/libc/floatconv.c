/*
 * floatconv: the conversions and float arithmetic a sensor pipeline does: fixed-point
 * readings to float and double and back, int64 <-> double, float <-> double, rounding
 * (lround, floor, ceil, trunc), frexp/ldexp/modf, and a float (single precision) IIR
 * filter. Self-check: exact results where IEEE 754 defines them (small integers,
 * powers of two, halves), C's truncation toward zero, and the filter's closed form.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

int main(void) {
  int ok = 1;
  /* Milli-degree readings to degrees and back: exact for these through double. */
  static const int32_t milli[] = {-40000, -1, 0, 1, 21500, 85000, INT32_MAX, INT32_MIN};
  for (unsigned i = 0; i < sizeof milli / sizeof milli[0]; i++) {
    double d = milli[i] / 1000.0;
    int32_t back = (int32_t)lround(d * 1000.0);
    ok &= back == milli[i];
  }
  printf("milli -> double -> milli round trip: %s\n", ok ? "exact" : "WRONG");

  int64_t big = INT64_C(1) << 53, odd = (INT64_C(1) << 53) + 1;
  double db = (double)big, dodd = (double)odd;
  uint64_t u = UINT64_C(0xFFFFFFFFFFFFF800);
  printf("2^53 -> %.1f, 2^53+1 -> %.1f (ties to even), 0xFFFFFFFFFFFFF800 -> %.1f\n", db, dodd,
         (double)u);
  ok &= (int64_t)db == big && dodd == db && (uint64_t)(double)u == u;
  ok &= (int64_t)-2.9 == -2 && (int64_t)2.9 == 2 && (uint32_t)3.99e9 == 3990000000u;

  float f = 0.1f;
  double widened = f;
  printf("0.1f widened: %.17g, narrowed back equal: %s\n", widened,
         (float)widened == f ? "yes" : "no");
  ok &= (float)widened == f && widened != 0.1 && fabs(widened - 0.1) < 1.5e-9;

  printf("lround(-2.5) %ld, floor(-0.5) %.1f, ceil(0.5) %.1f, trunc(-1.7) %.1f\n",
         lround(-2.5), floor(-0.5), ceil(0.5), trunc(-1.7));
  ok &= lround(-2.5) == -3 && floor(-0.5) == -1 && ceil(0.5) == 1 && trunc(-1.7) == -1;

  int exponent;
  double mantissa = frexp(48.0, &exponent), whole, frac = modf(-3.75, &whole);
  printf("frexp(48) = %.4f * 2^%d, ldexp(0.75, 6) = %.1f, modf(-3.75) = %.2f + %.2f\n",
         mantissa, exponent, ldexp(0.75, 6), whole, frac);
  ok &= mantissa == 0.75 && exponent == 6 && ldexp(0.75, 6) == 48 && whole == -3 &&
        frac == -0.75;

  /* y += a * (x - y) on a unit step, in float: y_n = 1 - (1 - a)^n. */
  float y = 0.0f, a = 0.25f;
  for (int n = 0; n < 40; n++) y += a * (1.0f - y);
  float closed = 1.0f - powf(0.75f, 40.0f);
  printf("float IIR after 40 steps: %.6f (closed form %.6f)\n", (double)y, (double)closed);
  ok &= fabsf(y - closed) < 8 * FLT_EPSILON && y < 1.0f;
  ok &= FLT_MANT_DIG == 24 && DBL_MANT_DIG == 53 && sizeof(float) == 4 && sizeof(double) == 8;
  puts(ok ? "check: ok" : "check: FAIL");
  return ok ? 0 : 1;
}
