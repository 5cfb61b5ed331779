/*
 * lu: LU decomposition with partial pivoting (<math.h> fabs) of a 16x16 system built
 * from a known solution, then forward/back substitution. Self-check: the solution is
 * recovered to 1e-9, L*U equals the row-permuted matrix to 1e-12, and the determinant
 * (the signed product of the pivots) is not zero.
 */
#include <math.h>
#include <stdio.h>

#define N 16

static double a[N][N], lu[N][N], b[N], x[N], known[N];
static int perm[N];

static void build(void) {
  unsigned seed = 12345;
  for (int i = 0; i < N; i++) {
    known[i] = i - N / 2 + 0.25;
    for (int j = 0; j < N; j++) {
      seed = seed * 1103515245u + 12345u;
      a[i][j] = (double)((seed >> 16) % 2001) / 1000.0 - 1.0 + (i == j ? 4.0 : 0.0);
    }
  }
  for (int i = 0; i < N; i++) {
    b[i] = 0;
    for (int j = 0; j < N; j++) b[i] += a[i][j] * known[j];
  }
}

static int decompose(double *det) {
  *det = 1;
  for (int i = 0; i < N; i++) {
    perm[i] = i;
    for (int j = 0; j < N; j++) lu[i][j] = a[i][j];
  }
  for (int k = 0; k < N; k++) {
    int p = k;
    for (int i = k + 1; i < N; i++)
      if (fabs(lu[i][k]) > fabs(lu[p][k])) p = i;
    if (fabs(lu[p][k]) < 1e-12) return 0;
    if (p != k) {
      for (int j = 0; j < N; j++) {
        double t = lu[k][j]; lu[k][j] = lu[p][j]; lu[p][j] = t;
      }
      int t = perm[k]; perm[k] = perm[p]; perm[p] = t;
      *det = -*det;
    }
    *det *= lu[k][k];
    for (int i = k + 1; i < N; i++) {
      lu[i][k] /= lu[k][k];
      for (int j = k + 1; j < N; j++) lu[i][j] -= lu[i][k] * lu[k][j];
    }
  }
  return 1;
}

static void solve(void) {
  for (int i = 0; i < N; i++) {
    x[i] = b[perm[i]];
    for (int j = 0; j < i; j++) x[i] -= lu[i][j] * x[j];
  }
  for (int i = N - 1; i >= 0; i--) {
    for (int j = i + 1; j < N; j++) x[i] -= lu[i][j] * x[j];
    x[i] /= lu[i][i];
  }
}

static double reconstruction_error(void) {
  double worst = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      double s = 0;
      for (int k = 0; k <= (i < j ? i : j); k++) s += (k == i ? 1.0 : lu[i][k]) * lu[k][j];
      double e = fabs(s - a[perm[i]][j]);
      if (e > worst) worst = e;
    }
  return worst;
}

int main(void) {
  build();
  double det;
  if (!decompose(&det)) {
    puts("check: FAIL singular");
    return 1;
  }
  solve();
  double worst = 0;
  for (int i = 0; i < N; i++)
    if (fabs(x[i] - known[i]) > worst) worst = fabs(x[i] - known[i]);
  double recon = reconstruction_error();
  printf("x[0] = %.6f, x[%d] = %.6f\n", x[0], N - 1, x[N - 1]);
  printf("determinant: %.6e\n", det);
  printf("solution error below 1e-9: %s\n", worst < 1e-9 ? "yes" : "no");
  printf("L*U == P*A to 1e-12: %s\n", recon < 1e-12 ? "yes" : "no");
  int ok = worst < 1e-9 && recon < 1e-12 && det != 0;
  puts(ok ? "check: ok" : "check: FAIL");
  return ok ? 0 : 1;
}
