/*
 * Result lines and the self-check every program ends with: "check: ok" and exit code 0,
 * or "check: FAIL <what>" and exit code 1. Portable: uses only out.h.
 */
#ifndef VMFLEET_REPORT_H
#define VMFLEET_REPORT_H

#include <stdint.h>
#include "out.h"

/* First failed expectation, or 0 while all hold. */
static const char *report_failure;

/* Records `what` as the failure detail if `ok` is false and nothing failed before. */
static inline void expect(int ok, const char *what) {
  if (!ok && !report_failure) report_failure = what;
}

static inline void print_field_int(const char *label, int32_t v) {
  print_str(label);
  print_str(": ");
  print_int(v);
  print_newline();
}

static inline void print_field_hex(const char *label, uint32_t v) {
  print_str(label);
  print_str(": ");
  print_hex(v);
  print_newline();
}

/* Prints the check line; returns main's exit code. */
static inline int report_check(void) {
  if (!report_failure) {
    print_str("check: ok");
    print_newline();
    return 0;
  }
  print_str("check: FAIL ");
  print_str(report_failure);
  print_newline();
  return 1;
}

#endif /* VMFLEET_REPORT_H */
