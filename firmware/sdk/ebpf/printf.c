/*
 * printf, snprintf, sprintf of the eBPF SDK (include/stdio.h), formatted in the guest:
 * eBPF cannot define variadic functions, so stdio.h's macros pack the arguments into an
 * array of long long and call these with it. C11 7.21.6.1 for integers and strings: flags
 * - + space # 0, width and precision (also *), lengths hh h l ll z j t, conversions
 * d i u o x X c s p %. No floating point (eBPF has none). The console output collects in a
 * line buffer and goes out through vm_print.
 */
#include <stddef.h>
#include <stdint.h>

typedef struct {
  char *buf; /* NULL: the console */
  size_t size;
  size_t len; /* what the whole output needs, as snprintf returns */
} __ebpf_out_t;

static char __ebpf_line[128];
static unsigned __ebpf_line_len;

__ebpf_libc void __ebpf_flush(void) {
  __ebpf_line[__ebpf_line_len] = '\0';
  if (__ebpf_line_len) vm_print(__ebpf_line);
  __ebpf_line_len = 0;
}

__ebpf_libc void __ebpf_put(__ebpf_out_t *o, char c, int times) {
  for (; times > 0; times--, o->len++) {
    if (o->buf == NULL) {
      if (__ebpf_line_len == sizeof __ebpf_line - 1) __ebpf_flush();
      __ebpf_line[__ebpf_line_len++] = c;
    } else if (o->len + 1 < o->size) {
      o->buf[o->len] = c;
    }
  }
}

/* One conversion: flags, width, precision (-1: none); for a number its base, case, sign
 * and prefix (in one struct: eBPF passes at most 5 arguments). */
typedef struct {
  int left, plus, space, alt, zero, width, precision;
  unsigned base;
  int upper, negative;
  const char *prefix;
} __ebpf_spec_t;

/* digits, with sign/prefix, padded as the spec says */
__ebpf_libc void __ebpf_number(__ebpf_out_t *o, const __ebpf_spec_t *s, unsigned long long v) {
  char digits[24];
  int n = 0;
  const char *set = s->upper ? "0123456789ABCDEF" : "0123456789abcdef";
  unsigned base = s->base;
  const char *prefix = s->prefix;
  for (; v; v /= base) digits[n++] = set[v % base];
  int precision = s->precision < 0 ? 1 : s->precision;
  if (base == 8 && s->alt && precision <= n) precision = n + 1; /* "#o": a leading 0 */
  int zeros = precision > n ? precision - n : 0;
  int plen = 0;
  while (prefix[plen]) plen++;
  char sign = s->negative ? '-' : s->plus ? '+' : s->space ? ' ' : 0;
  int body = n + zeros + plen + (sign ? 1 : 0);
  int pad = s->width > body ? s->width - body : 0;
  if (s->zero && !s->left && s->precision < 0) {
    zeros += pad;
    pad = 0;
  }
  if (!s->left) __ebpf_put(o, ' ', pad);
  if (sign) __ebpf_put(o, sign, 1);
  for (int k = 0; k < plen; k++) __ebpf_put(o, prefix[k], 1);
  __ebpf_put(o, '0', zeros);
  while (n) __ebpf_put(o, digits[--n], 1);
  if (s->left) __ebpf_put(o, ' ', pad);
}

__ebpf_libc void __ebpf_text(__ebpf_out_t *o, const __ebpf_spec_t *s, const char *t) {
  int n = 0;
  while (t[n] && (s->precision < 0 || n < s->precision)) n++;
  int pad = s->width > n ? s->width - n : 0;
  if (!s->left) __ebpf_put(o, ' ', pad);
  for (int k = 0; k < n; k++) __ebpf_put(o, t[k], 1);
  if (s->left) __ebpf_put(o, ' ', pad);
}

/* One conversion at f (after '%'); the format after it. */
__ebpf_libc const char *__ebpf_convert(__ebpf_out_t *o, const char *f, const long long **arg,
                                       const long long *end) {
  __ebpf_spec_t s = { 0, 0, 0, 0, 0, 0, -1, 10, 0, 0, "" };
#define NEXT() (*arg < end ? *(*arg)++ : 0)
  for (;; f++) {
    if (*f == '-') s.left = 1;
    else if (*f == '+') s.plus = 1;
    else if (*f == ' ') s.space = 1;
    else if (*f == '#') s.alt = 1;
    else if (*f == '0') s.zero = 1;
    else break;
  }
  if (*f == '*') {
    s.width = (int)NEXT();
    if (s.width < 0) s.left = 1, s.width = -s.width;
    f++;
  }
  for (; *f >= '0' && *f <= '9'; f++) s.width = s.width * 10 + (*f - '0');
  if (*f == '.') {
    s.precision = 0;
    if (*++f == '*') {
      s.precision = (int)NEXT();
      f++;
    }
    for (; *f >= '0' && *f <= '9'; f++) s.precision = s.precision * 10 + (*f - '0');
  }
  int bits = 32; /* int; l, ll, z, j, t: 64 (LP64); h 16, hh 8 */
  for (;; f++) {
    if (*f == 'l' || *f == 'z' || *f == 'j' || *f == 't') bits = 64;
    else if (*f == 'h') bits = bits == 16 ? 8 : 16;
    else break;
  }
  char c = *f ? *f++ : 0;
  long long v = c == '%' || c == 0 ? 0 : NEXT();
#undef NEXT
  unsigned long long u = bits == 64 ? (unsigned long long)v
                       : bits == 32 ? (uint32_t)v
                       : bits == 16 ? (uint16_t)v
                                    : (uint8_t)v;
  long long i = bits == 64 ? v : bits == 32 ? (int32_t)v : bits == 16 ? (int16_t)v : (int8_t)v;
  if (c == 'u' || c == 'o' || c == 'x' || c == 'X' || c == 'p') s.plus = s.space = 0;
  switch (c) {
  case 'd':
  case 'i':
    s.negative = i < 0;
    __ebpf_number(o, &s, i < 0 ? 0 - (unsigned long long)i : (unsigned long long)i);
    break;
  case 'u':
    __ebpf_number(o, &s, u);
    break;
  case 'o':
    s.base = 8;
    __ebpf_number(o, &s, u);
    break;
  case 'x':
  case 'X':
    s.base = 16;
    s.upper = c == 'X';
    s.prefix = s.alt && u ? (c == 'X' ? "0X" : "0x") : "";
    __ebpf_number(o, &s, u);
    break;
  case 'p':
    s.base = 16;
    s.prefix = "0x";
    __ebpf_number(o, &s, (unsigned long long)v);
    break;
  case 'c': {
    char t[2] = { (char)v, 0 };
    s.precision = -1;
    if (t[0] == 0) { /* %c of '\0' writes one NUL */
      __ebpf_put(o, ' ', s.left ? 0 : s.width - 1);
      __ebpf_put(o, 0, 1);
      __ebpf_put(o, ' ', s.left ? s.width - 1 : 0);
    } else {
      __ebpf_text(o, &s, t);
    }
    break;
  }
  case 's':
    __ebpf_text(o, &s, v ? (const char *)(uintptr_t)v : "(null)");
    break;
  case '%':
    __ebpf_put(o, '%', 1);
    break;
  default: /* unknown conversion: written as it stands */
    __ebpf_put(o, '%', 1);
    if (c) __ebpf_put(o, c, 1);
  }
  return f;
}

__ebpf_libc void __ebpf_format(__ebpf_out_t *o, const char *f, const long long *args, int n) {
  const long long *end = args + n;
  while (*f) {
    if (*f != '%') __ebpf_put(o, *f++, 1);
    else f = __ebpf_convert(o, f + 1, &args, end);
  }
}

__ebpf_libc int __ebpf_vprintf(const char *f, const long long *args, int n) {
  __ebpf_out_t o = { NULL, 0, 0 };
  __ebpf_format(&o, f, args, n);
  __ebpf_flush();
  return (int)o.len;
}

__ebpf_libc int __ebpf_vsnprintf(char *buf, size_t size, const char *f, const long long *args,
                                 int n) {
  __ebpf_out_t o = { buf, size, 0 };
  __ebpf_format(&o, f, args, n);
  if (size > 0) buf[o.len < size ? o.len : size - 1] = '\0';
  return (int)o.len;
}
