/*
 * <stdio.h> of the eBPF SDK: the guest console only. eBPF cannot define variadic functions,
 * so printf, snprintf and sprintf are macros that pack their arguments (up to 16, each
 * converted to long long) into an array on the stack and call the formatter of
 * sdk/ebpf/printf.c: C11 conversions for integers and strings, no floating point (eBPF has
 * none), no FILE streams. The host's bpf_printf helper (vmfleet.h) stays available.
 */
#ifndef VMFLEET_EBPF_STDIO_H
#define VMFLEET_EBPF_STDIO_H

#include <stddef.h>
#include "_libc.h"
#include "vmfleet.h"

#define EOF (-1)

__ebpf_libc int __ebpf_vprintf(const char *format, const long long *args, int count);
__ebpf_libc int __ebpf_vsnprintf(char *buf, size_t size, const char *format,
                                 const long long *args, int count);

#define __EBPF_LL(x) ((long long)(x))
#define __EBPF_M1(x) __EBPF_LL(x)
#define __EBPF_M2(x, ...) __EBPF_LL(x), __EBPF_M1(__VA_ARGS__)
#define __EBPF_M3(x, ...) __EBPF_LL(x), __EBPF_M2(__VA_ARGS__)
#define __EBPF_M4(x, ...) __EBPF_LL(x), __EBPF_M3(__VA_ARGS__)
#define __EBPF_M5(x, ...) __EBPF_LL(x), __EBPF_M4(__VA_ARGS__)
#define __EBPF_M6(x, ...) __EBPF_LL(x), __EBPF_M5(__VA_ARGS__)
#define __EBPF_M7(x, ...) __EBPF_LL(x), __EBPF_M6(__VA_ARGS__)
#define __EBPF_M8(x, ...) __EBPF_LL(x), __EBPF_M7(__VA_ARGS__)
#define __EBPF_M9(x, ...) __EBPF_LL(x), __EBPF_M8(__VA_ARGS__)
#define __EBPF_M10(x, ...) __EBPF_LL(x), __EBPF_M9(__VA_ARGS__)
#define __EBPF_M11(x, ...) __EBPF_LL(x), __EBPF_M10(__VA_ARGS__)
#define __EBPF_M12(x, ...) __EBPF_LL(x), __EBPF_M11(__VA_ARGS__)
#define __EBPF_M13(x, ...) __EBPF_LL(x), __EBPF_M12(__VA_ARGS__)
#define __EBPF_M14(x, ...) __EBPF_LL(x), __EBPF_M13(__VA_ARGS__)
#define __EBPF_M15(x, ...) __EBPF_LL(x), __EBPF_M14(__VA_ARGS__)
#define __EBPF_M16(x, ...) __EBPF_LL(x), __EBPF_M15(__VA_ARGS__)
#define __EBPF_PICK(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, m,  \
                    ...)                                                                    \
  m
#define __EBPF_MAP(...)                                                                     \
  __EBPF_PICK(__VA_ARGS__, __EBPF_M16, __EBPF_M15, __EBPF_M14, __EBPF_M13, __EBPF_M12,      \
              __EBPF_M11, __EBPF_M10, __EBPF_M9, __EBPF_M8, __EBPF_M7, __EBPF_M6, __EBPF_M5, \
              __EBPF_M4, __EBPF_M3, __EBPF_M2, __EBPF_M1)(__VA_ARGS__)
/* The arguments as a long long[] (a leading 0 so that none is an empty array) that lives
 * only during the call (a statement expression: a compound literal would keep its stack
 * until the end of the enclosing block, and a function has 512 bytes). */
#define __EBPF_ARGS(...) const long long __ebpf_a[] = { 0 __VA_OPT__(, __EBPF_MAP(__VA_ARGS__)) }
#define __EBPF_ARGV __ebpf_a + 1, (int)(sizeof __ebpf_a / sizeof __ebpf_a[0]) - 1

#define printf(format, ...)                                                                 \
  ({                                                                                        \
    __EBPF_ARGS(__VA_ARGS__);                                                               \
    __ebpf_vprintf(format, __EBPF_ARGV);                                                    \
  })
#define snprintf(buf, size, format, ...)                                                    \
  ({                                                                                        \
    __EBPF_ARGS(__VA_ARGS__);                                                               \
    __ebpf_vsnprintf(buf, size, format, __EBPF_ARGV);                                       \
  })
#define sprintf(buf, format, ...)                                                           \
  ({                                                                                        \
    __EBPF_ARGS(__VA_ARGS__);                                                               \
    __ebpf_vsnprintf(buf, (size_t)-1 / 2, format, __EBPF_ARGV);                             \
  })

static inline int puts(const char *s) {
  vm_print(s);
  vm_print("\n");
  return 0;
}

static inline int putchar(int c) {
  char text[2] = { (char)c, '\0' };
  vm_print(text);
  return (unsigned char)c;
}

#endif /* VMFLEET_EBPF_STDIO_H */
