/*
 * mathlib: the <math.h> functions a statistics or control program uses, in double and
 * float: mean, variance and standard deviation (sqrt) of a sample, a geometric mean
 * (exp/log), pow, sin/cos/atan2, floor/ceil/fmod, fabsf/sqrtf. Self-check: identities
 * that hold to a tolerance whatever the library: sin^2 + cos^2 = 1, exp(log x) = x,
 * pow(2, 10) = 1024 exactly, atan2(1, 1) = pi/4, and the sample's known moments.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>

#define SAMPLES 64

static int close_to(double a, double b, double tol) { return fabs(a - b) <= tol; }

int main(void) {
  double sample[SAMPLES];
  double sum = 0, log_sum = 0;
  for (int i = 0; i < SAMPLES; i++) {
    sample[i] = 10.0 + (i % 8) - 3.5; /* 6.5 .. 13.5, eight of each */
    sum += sample[i];
    log_sum += log(sample[i]);
  }
  double mean = sum / SAMPLES, var = 0;
  for (int i = 0; i < SAMPLES; i++) var += (sample[i] - mean) * (sample[i] - mean);
  var /= SAMPLES;
  double sd = sqrt(var), geo = exp(log_sum / SAMPLES);
  printf("mean %.6f variance %.6f sd %.6f geometric mean %.6f\n", mean, var, sd, geo);

  int ok = close_to(mean, 10.0, 1e-12) && close_to(var, 5.25, 1e-12) &&
           close_to(sd * sd, 5.25, 1e-12) && geo < mean && geo > 9.5;
  double worst_trig = 0, worst_exp = 0;
  for (int i = -20; i <= 20; i++) {
    double t = i * 0.37;
    double s = sin(t), c = cos(t);
    if (fabs(s * s + c * c - 1) > worst_trig) worst_trig = fabs(s * s + c * c - 1);
    double x = exp(t / 4);
    if (fabs(log(x) - t / 4) > worst_exp) worst_exp = fabs(log(x) - t / 4);
  }
  printf("sin^2+cos^2-1 within 4 eps: %s\n", worst_trig <= 4 * DBL_EPSILON ? "yes" : "no");
  printf("log(exp(x))-x within 1e-15: %s\n", worst_exp <= 1e-15 ? "yes" : "no");
  ok &= worst_trig <= 4 * DBL_EPSILON && worst_exp <= 1e-15;

  printf("pow(2, 10) = %.1f, pow(2, 0.5) = %.9f, pow(10, -3) = %.9f\n", pow(2, 10),
         pow(2, 0.5), pow(10, -3));
  ok &= pow(2, 10) == 1024.0 && close_to(pow(2, 0.5), sqrt(2.0), 1e-15);
  printf("atan2(1, 1) * 4 = %.9f\n", atan2(1, 1) * 4);
  ok &= close_to(atan2(1, 1) * 4, 3.14159265358979323846, 1e-15);
  printf("floor(-2.5) %.1f ceil(-2.5) %.1f fmod(7.5, 2) %.1f round(2.5) %.1f\n",
         floor(-2.5), ceil(-2.5), fmod(7.5, 2), round(2.5));
  ok &= floor(-2.5) == -3 && ceil(-2.5) == -2 && fmod(7.5, 2) == 1.5 && round(2.5) == 3;

  float f = -2.25f;
  printf("fabsf(%.2f) = %.2f, sqrtf(2) = %.6f, hypot(3, 4) = %.1f\n", (double)f,
         (double)fabsf(f), (double)sqrtf(2.0f), hypot(3, 4));
  ok &= fabsf(f) == 2.25f && fabsf(sqrtf(2.0f) * sqrtf(2.0f) - 2.0f) < 4 * FLT_EPSILON &&
        hypot(3, 4) == 5;
  ok &= isnan(sqrt(-1.0)) && isinf(HUGE_VAL);
  puts(ok ? "check: ok" : "check: FAIL");
  return ok ? 0 : 1;
}
