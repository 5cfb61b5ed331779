/*
 * fft: in-place radix-2 complex FFT of 128 points (<math.h> sin, cos, sqrt, fabs) on a
 * signal of three tones. Self-check: the spectrum has its peaks exactly at the tones'
 * bins with amplitude N/2 * a, Parseval's theorem holds, and the inverse transform gives
 * the signal back to 1e-9.
 */
#include <math.h>
#include <stdio.h>

#define N 128
#define PI 3.14159265358979323846

static double re[N], im[N], signal[N];

static unsigned reverse_bits(unsigned v, unsigned bits) {
  unsigned r = 0;
  for (unsigned i = 0; i < bits; i++, v >>= 1) r = (r << 1) | (v & 1);
  return r;
}

static void fft(int inverse) {
  for (unsigned i = 0; i < N; i++) {
    unsigned j = reverse_bits(i, 7);
    if (j > i) {
      double t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  for (unsigned len = 2; len <= N; len <<= 1) {
    double angle = (inverse ? 2 : -2) * PI / len;
    for (unsigned k = 0; k < len / 2; k++) {
      double wr = cos(angle * k), wi = sin(angle * k);
      for (unsigned s = k; s < N; s += len) {
        unsigned t = s + len / 2;
        double xr = re[t] * wr - im[t] * wi, xi = re[t] * wi + im[t] * wr;
        re[t] = re[s] - xr;
        im[t] = im[s] - xi;
        re[s] += xr;
        im[s] += xi;
      }
    }
  }
  if (inverse)
    for (unsigned i = 0; i < N; i++) re[i] /= N, im[i] /= N;
}

int main(void) {
  static const unsigned bins[3] = {5, 17, 40};
  static const double amps[3] = {1.0, 0.5, 0.25};
  double time_energy = 0;
  for (unsigned i = 0; i < N; i++) {
    double v = 0;
    for (unsigned t = 0; t < 3; t++) v += amps[t] * cos(2 * PI * bins[t] * i / N);
    signal[i] = re[i] = v;
    im[i] = 0;
    time_energy += v * v;
  }
  fft(0);
  double freq_energy = 0, off_peak = 0;
  for (unsigned k = 0; k < N; k++) {
    double mag = sqrt(re[k] * re[k] + im[k] * im[k]);
    freq_energy += mag * mag;
    int peak = 0;
    for (unsigned t = 0; t < 3; t++) peak |= k == bins[t] || k == N - bins[t];
    if (!peak && mag > off_peak) off_peak = mag;
  }
  freq_energy /= N;
  int ok = 1;
  for (unsigned t = 0; t < 3; t++) {
    double mag = sqrt(re[bins[t]] * re[bins[t]] + im[bins[t]] * im[bins[t]]);
    printf("bin %3u: %.6f\n", bins[t], mag);
    ok &= fabs(mag - amps[t] * N / 2) < 1e-9;
  }
  printf("largest off-peak magnitude below 1e-9: %s\n", off_peak < 1e-9 ? "yes" : "no");
  printf("energy: time %.6f, frequency %.6f\n", time_energy, freq_energy);
  fft(1);
  double worst = 0;
  for (unsigned i = 0; i < N; i++) {
    double e = fabs(re[i] - signal[i]) + fabs(im[i]);
    if (e > worst) worst = e;
  }
  printf("round trip below 1e-9: %s\n", worst < 1e-9 ? "yes" : "no");
  ok &= off_peak < 1e-9 && fabs(time_energy - freq_energy) < 1e-9 && worst < 1e-9;
  puts(ok ? "check: ok" : "check: FAIL");
  return ok ? 0 : 1;
}
