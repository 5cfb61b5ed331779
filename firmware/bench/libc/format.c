/*
 * format: printf/snprintf conversions a device log uses (%d %i %u %x %X %o %c %s,
 * widths, precision, flags - + 0 space #, %ld %lld %llu %llx %zu, %%), strtol/strtoul/atoi
 * back. Self-check: each snprintf result equals the string C11 7.21.6.1 specifies, its
 * return value is the full length even when truncated, and parsing gives the numbers back.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void expect_format(const char *got, int length, const char *want) {
  int ok = strcmp(got, want) == 0 && length == (int)strlen(want);
  printf("%-28s %s\n", got, ok ? "ok" : "WRONG");
  if (!ok) {
    printf("  want \"%s\" (%d), got length %d\n", want, (int)strlen(want), length);
    failures++;
  }
}

#define CHECK(want, ...)                                      \
  do {                                                        \
    char buf_[64];                                            \
    int n_ = snprintf(buf_, sizeof buf_, __VA_ARGS__);        \
    expect_format(buf_, n_, want);                            \
  } while (0)

int main(void) {
  CHECK("42 -17 +5", "%d %i %+d", 42, -17, 5);
  CHECK("4294967295", "%u", UINT_MAX);
  CHECK("ff FF 0xff 0377", "%x %X %#x %#o", 255u, 255u, 255u, 255u);
  CHECK("[   7] [7   ] [0007]", "[%4d] [%-4d] [%04d]", 7, 7, 7);
  CHECK("[ 12] [-012]", "[% d] [%04d]", 12, -12);
  CHECK("[def] [  ab] [x]", "[%s] [%4.2s] [%c]", "abcdef" + 3, "abcdef", 'x');
  CHECK("-2147483648 2147483647", "%ld %ld", (long)INT32_MIN, (long)INT32_MAX);
  CHECK("-9223372036854775808", "%lld", (long long)INT64_MIN);
  CHECK("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
  CHECK("123456789abcdef0", "%llx", 0x123456789abcdef0ULL);
  CHECK("size 12 100%", "size %zu 100%%", sizeof(int[3]));
  CHECK("[00042] [   -42]", "[%.5d] [%6.2d]", 42, -42);

  /* Writable, so the compiler does not see the truncation coming (-Wformat-truncation). */
  static char word[] = "truncated";
  char small[8];
  int n = snprintf(small, sizeof small, "%s-%d", word, 12345);
  printf("truncated: \"%s\", would be %d\n", small, n);
  if (strcmp(small, "truncat") != 0 || n != 15) failures++;

  char *end;
  long parsed = strtol("  -12345xyz", &end, 10);
  unsigned long hex = strtoul("0xDEADbeef", NULL, 16);
  long octal = strtol("0755", NULL, 0);
  printf("strtol %ld (rest \"%s\"), strtoul 0x%lx, base 0: %ld, atoi %d\n", parsed, end,
         hex, octal, atoi("  314 "));
  if (parsed != -12345 || strcmp(end, "xyz") != 0 || hex != 0xDEADBEEFul || octal != 493 ||
      atoi("  314 ") != 314)
    failures++;
  printf("failures: %d\n", failures);
  puts(failures == 0 ? "check: ok" : "check: FAIL");
  return failures == 0 ? 0 : 1;
}
