/*
 * Byte copies and the tiny bounded formatter of error and fault messages: the engine has
 * no libc, so no memcpy or snprintf (as in vm/mips1/fault.c).
 */
#include "ebpf_internal.h"

void eb_copy(void *dst, const void *src, uint32_t len)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (len--) {
        *d++ = *s++;
    }
}

void eb_zero(void *dst, uint32_t len)
{
    uint8_t *d = dst;
    while (len--) {
        *d++ = 0;
    }
}

/* A bounded, always NUL-terminated string builder; what does not fit is dropped. */
void eb_text_init(eb_text_t *t, char *buf, size_t cap)
{
    t->buf = buf;
    t->cap = buf == NULL ? 0 : cap;
    t->len = 0;
    if (t->cap > 0) {
        buf[0] = '\0';
    }
}

void eb_text_char(eb_text_t *t, char c)
{
    if (t->len + 1 < t->cap) {
        t->buf[t->len++] = c;
        t->buf[t->len] = '\0';
    }
}

void eb_text_str(eb_text_t *t, const char *s)
{
    while (s != NULL && *s != '\0') {
        eb_text_char(t, *s++);
    }
}

/* Lower-case hex, at least `digits` digits (0: as many as needed), no prefix. */
void eb_text_hex(eb_text_t *t, uint64_t v, unsigned digits)
{
    static const char hex[] = "0123456789abcdef";
    unsigned n = 1;
    while (n < 16 && (v >> (4 * n)) != 0) {
        n++;
    }
    for (unsigned k = n < digits ? digits : n; k-- > 0;) {
        eb_text_char(t, k < 16 ? hex[(v >> (4 * k)) & 15] : '0');
    }
}

void eb_text_dec(eb_text_t *t, int64_t v)
{
    char digits[20];
    unsigned n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (v < 0) {
        eb_text_char(t, '-');
    }
    do {
        digits[n++] = (char)('0' + (u % 10));
        u /= 10;
    } while (u != 0);
    while (n > 0) {
        eb_text_char(t, digits[--n]);
    }
}
