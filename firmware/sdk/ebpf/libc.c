/*
 * The eBPF SDK's C library (the headers in include/), pre-included with runtime.c into every program.
 * Plain byte loops: small, alignment-safe, and every access goes through the engine's
 * checked path. -ffreestanding keeps clang from turning a loop back into a memcpy call.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__ebpf_libc void *memcpy(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

__ebpf_libc void *memmove(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  if (d <= s || d >= s + n) return memcpy(dst, src, n);
  while (n--) d[n] = s[n];
  return dst;
}

__ebpf_libc void *memset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

__ebpf_libc int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *x = a, *y = b;
  for (; n; n--, x++, y++) {
    if (*x != *y) return *x - *y;
  }
  return 0;
}

__ebpf_libc void *memchr(const void *s, int c, size_t n) {
  const unsigned char *p = s;
  for (; n; n--, p++) {
    if (*p == (unsigned char)c) return (void *)p;
  }
  return NULL;
}

__ebpf_libc size_t strlen(const char *s) {
  const char *p = s;
  while (*p) p++;
  return (size_t)(p - s);
}

__ebpf_libc int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}

__ebpf_libc int strncmp(const char *a, const char *b, size_t n) {
  for (; n; n--, a++, b++) {
    if (*a != *b || !*a) return (unsigned char)*a - (unsigned char)*b;
  }
  return 0;
}

__ebpf_libc char *strchr(const char *s, int c) {
  for (;; s++) {
    if (*s == (char)c) return (char *)s;
    if (!*s) return NULL;
  }
}

__ebpf_libc char *strrchr(const char *s, int c) {
  const char *last = NULL;
  for (;; s++) {
    if (*s == (char)c) last = s;
    if (!*s) return (char *)last;
  }
}

__ebpf_libc char *strstr(const char *haystack, const char *needle) {
  size_t n = strlen(needle);
  for (; *haystack; haystack++) {
    if (strncmp(haystack, needle, n) == 0) return (char *)haystack;
  }
  return n == 0 ? (char *)haystack : NULL;
}

__ebpf_libc char *strcpy(char *dst, const char *src) {
  char *d = dst;
  while ((*d++ = *src++)) {
  }
  return dst;
}

__ebpf_libc char *strncpy(char *dst, const char *src, size_t n) {
  size_t k = 0;
  for (; k < n && src[k]; k++) dst[k] = src[k];
  for (; k < n; k++) dst[k] = '\0';
  return dst;
}

__ebpf_libc char *strcat(char *dst, const char *src) {
  strcpy(dst + strlen(dst), src);
  return dst;
}

__ebpf_libc char *strncat(char *dst, const char *src, size_t n) {
  char *d = dst + strlen(dst);
  while (n-- && *src) *d++ = *src++;
  *d = '\0';
  return dst;
}

__ebpf_libc size_t strspn(const char *s, const char *accept) {
  size_t n = 0;
  while (s[n] && strchr(accept, s[n])) n++;
  return n;
}

__ebpf_libc size_t strcspn(const char *s, const char *reject) {
  size_t n = 0;
  while (s[n] && !strchr(reject, s[n])) n++;
  return n;
}

__ebpf_libc char *strtok(char *s, const char *delimiters) {
  static char *rest;
  if (s == NULL) s = rest;
  if (s == NULL) return NULL;
  s += strspn(s, delimiters);
  if (*s == '\0') return rest = NULL;
  char *end = s + strcspn(s, delimiters);
  rest = *end ? end + 1 : NULL;
  *end = '\0';
  return s;
}

/* C11 7.22.1.4: optional sign, base 0 (0x / 0 prefixes), 2..36; saturates on overflow. */
__ebpf_libc unsigned long __ebpf_strtoul(const char *s, char **end, int base, int *negative,
                                         int *overflow) {
  const char *p = s;
  while (isspace((unsigned char)*p)) p++;
  *negative = *p == '-';
  if (*p == '+' || *p == '-') p++;
  if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 32) == 'x' && isxdigit((unsigned char)p[2])) {
    p += 2;
    base = 16;
  } else if (base == 0) {
    base = *p == '0' ? 8 : 10;
  }
  unsigned long value = 0;
  const char *digits = p;
  *overflow = 0;
  for (;; p++) {
    int c = (unsigned char)*p, d = isdigit(c) ? c - '0' : isalpha(c) ? (c | 32) - 'a' + 10 : 99;
    if (d >= base) break;
    if (value > (ULONG_MAX - (unsigned long)d) / (unsigned long)base) *overflow = 1;
    value = value * (unsigned long)base + (unsigned long)d;
  }
  if (end) *end = (char *)(p == digits ? s : p);
  return value;
}

__ebpf_libc unsigned long strtoul(const char *s, char **end, int base) {
  int negative, overflow;
  unsigned long v = __ebpf_strtoul(s, end, base, &negative, &overflow);
  if (overflow) return ULONG_MAX;
  return negative ? 0 - v : v;
}

__ebpf_libc long strtol(const char *s, char **end, int base) {
  int negative, overflow;
  unsigned long v = __ebpf_strtoul(s, end, base, &negative, &overflow);
  unsigned long limit = negative ? (unsigned long)LONG_MAX + 1 : (unsigned long)LONG_MAX;
  if (overflow || v > limit) return negative ? LONG_MIN : LONG_MAX;
  return negative ? (long)(0 - v) : (long)v;
}

#include "printf.c"
