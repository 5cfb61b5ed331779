/*
 * ackermann (COISA set): the Ackermann-Peter function, deep non-tail recursion.
 * ack(3, n) = 2^(n+3) - 3 and ack(2, n) = 2n + 3 give the self-check. ack(3, 6) nests
 * ~500 calls deep; gcc turns the tail calls into loops, which leaves ~3.7 KiB of stack
 * at -O2, so the image asks for 8 KiB (Makefile STACK_BYTES_ackermann).
 */
#include <stdint.h>
#include "report.h"

#define MAX_N 6

static uint32_t calls;

static int32_t ack(int32_t m, int32_t n) {
  calls++;
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

static void print_ack(int32_t m, int32_t n, int32_t value) {
  print_str("ack(");
  print_int(m);
  print_str(",");
  print_int(n);
  print_str(") = ");
  print_int(value);
  print_newline();
}

int main(void) {
  for (int32_t n = 0; n <= MAX_N; n++) {
    int32_t two = ack(2, n);
    int32_t three = ack(3, n);
    print_ack(3, n, three);
    expect(two == 2 * n + 3, "ack(2,n) != 2n+3");
    expect(three == (1 << (n + 3)) - 3, "ack(3,n) != 2^(n+3)-3");
  }
  print_field_int("calls", (int32_t)calls);
  return report_check();
}
