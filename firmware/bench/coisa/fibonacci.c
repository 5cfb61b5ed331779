/*
 * fibonacci (COISA set): doubly recursive fib(n), checked against the iterative sum.
 * Exercises calls, returns and the stack: fib(25) makes 242785 calls.
 */
#include <stdint.h>
#include "report.h"

#define RECURSIVE_N 25

static uint32_t calls;

static uint32_t fib_recursive(uint32_t n) {
  calls++;
  return n < 2 ? n : fib_recursive(n - 1) + fib_recursive(n - 2);
}

static uint32_t fib_iterative(uint32_t n) {
  uint32_t a = 0, b = 1;
  while (n--) {
    uint32_t next = a + b;
    a = b;
    b = next;
  }
  return a;
}

int main(void) {
  uint32_t r = fib_recursive(RECURSIVE_N);
  print_field_int("fib(25) recursive", (int32_t)r);
  print_field_int("calls", (int32_t)calls);
  expect(r == fib_iterative(RECURSIVE_N), "recursive fib(25) != iterative");
  /* calls(n) = 2 fib(n+1) - 1 */
  expect(calls == 2 * fib_iterative(RECURSIVE_N + 1) - 1, "call count");

  for (uint32_t n = 40; n <= 46; n += 3) {
    print_str("fib(");
    print_int((int32_t)n);
    print_str(") = ");
    print_int((int32_t)fib_iterative(n));
    print_newline();
  }
  expect(fib_iterative(46) == 1836311903u, "fib(46)");
  return report_check();
}
