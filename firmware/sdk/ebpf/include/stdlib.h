/*
 * <stdlib.h> of the eBPF SDK (integer parts; sdk/ebpf/libc.c). No malloc: the .rbf format
 * has no heap and no .bss, so an arena would travel as zeros in every image (see
 * devices/engines/ebpf/README.md); no floating point (atof, strtod): eBPF has none.
 * qsort and bsearch are always inlined so that a constant comparator becomes a direct
 * call: eBPF has no indirect calls, and a comparator that is not a constant is refused at
 * build time.
 */
#ifndef VMFLEET_EBPF_STDLIB_H
#define VMFLEET_EBPF_STDLIB_H

#include <stddef.h>
#include "_libc.h"
#include "vmfleet.h"

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

typedef struct {
  int quot, rem;
} div_t;
typedef struct {
  long quot, rem;
} ldiv_t;

__attribute__((noreturn)) static inline void exit(int code) { vm_exit(code); }
/* The exit code of a process killed by SIGABRT in a shell: 128 + 6. */
__attribute__((noreturn)) static inline void abort(void) {
  vm_print("abort() called\n");
  vm_exit(134);
}
static inline int abs(int v) { return v < 0 ? -v : v; }
static inline long labs(long v) { return v < 0 ? -v : v; }
static inline long long llabs(long long v) { return v < 0 ? -v : v; }
static inline div_t div(int a, int b) { return (div_t){ a / b, a % b }; }

__ebpf_libc long strtol(const char *s, char **end, int base);
__ebpf_libc unsigned long strtoul(const char *s, char **end, int base);
static inline int atoi(const char *s) { return (int)strtol(s, NULL, 10); }
static inline long atol(const char *s) { return strtol(s, NULL, 10); }

__ebpf_libc void __ebpf_swap(unsigned char *a, unsigned char *b, size_t size) {
  for (size_t k = 0; k < size; k++) {
    unsigned char t = a[k];
    a[k] = b[k];
    b[k] = t;
  }
}

/* Heapsort: no recursion and no stack beyond a few registers, within eBPF's 512 bytes. */
__attribute__((always_inline)) static inline void qsort(void *base, size_t count, size_t size,
                                                        int (*compare)(const void *,
                                                                       const void *)) {
  unsigned char *a = base;
  for (size_t start = count / 2, end = count; end > 1;) {
    if (start > 0) start--;
    else __ebpf_swap(a, a + --end * size, size);
    for (size_t root = start, child; (child = 2 * root + 1) < end; root = child) {
      if (child + 1 < end && compare(a + child * size, a + (child + 1) * size) < 0) child++;
      if (compare(a + root * size, a + child * size) >= 0) break;
      __ebpf_swap(a + root * size, a + child * size, size);
    }
  }
}

__attribute__((always_inline)) static inline void *bsearch(const void *key, const void *base,
                                                           size_t count, size_t size,
                                                           int (*compare)(const void *,
                                                                          const void *)) {
  const unsigned char *lo = base;
  while (count > 0) {
    const unsigned char *mid = lo + (count / 2) * size;
    int c = compare(key, mid);
    if (c == 0) return (void *)mid;
    if (c > 0) {
      lo = mid + size;
      count -= count / 2 + 1;
    } else {
      count /= 2;
    }
  }
  return NULL;
}

#endif /* VMFLEET_EBPF_STDLIB_H */
