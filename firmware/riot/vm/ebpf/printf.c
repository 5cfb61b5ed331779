/*
 * bpf_printf (Femto-Container helper 0x01): devices/engines/ebpf/printf.ts. printf with at
 * most 4 value arguments (r2..r5): %d %i %u %x %X %c %s %p %%, an optional l/ll length
 * (the register's 64-bit value; without it only the low 32 bits count), an optional '-'
 * or '0' flag and a width. Anything else after a '%' is printed as it stands. The text
 * goes into the helper buffer (cut to fit, NUL-terminated); the result is its full length.
 */
#include "ebpf_internal.h"

#define MAX_FORMAT_BYTES 1024u

/* The text being built: the first EB_HELPER_BYTES - 1 bytes are kept, all are counted. */
typedef struct {
    uint8_t buf[EB_HELPER_BYTES - 1];
    uint32_t len;
} out_t;

static void emit(out_t *o, uint8_t c)
{
    if (o->len < sizeof(o->buf)) {
        o->buf[o->len] = c;
    }
    if (o->len < INT32_MAX) {
        o->len++;
    }
}

static void emit_n(out_t *o, const uint8_t *s, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        emit(o, s[k]);
    }
}

static void pad(out_t *o, uint8_t c, uint32_t n)
{
    for (uint32_t k = 0; k < n && o->len < INT32_MAX; k++) {
        emit(o, c);
    }
}

/* One conversion's text before padding: digits, a character, or a guest string. */
typedef struct {
    uint8_t small[24];
    const uint8_t *s;
    uint32_t n;
} piece_t;

static void number(piece_t *p, uint64_t u, bool negative, unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    uint8_t rev[20];
    unsigned n = 0;
    do {
        rev[n++] = (uint8_t)digits[u % base];
        u /= base;
    } while (u != 0);
    p->n = 0;
    if (negative) {
        p->small[p->n++] = '-';
    }
    while (n > 0) {
        p->small[p->n++] = rev[--n];
    }
    p->s = p->small;
}

/* printf.ts convert(): false with *fault set when a %s string is not readable. */
static bool convert(piece_t *p, char conv, uint64_t value, bool wide, vm_fault_t *fault,
                    uint32_t helper)
{
    uint64_t u = wide ? value : (uint32_t)value;
    bool negative = wide ? (value >> 63) != 0 : ((uint32_t)value >> 31) != 0;
    uint64_t magnitude = wide ? (negative ? 0 - value : value)
                              : (negative ? 0 - (uint64_t)(int64_t)(int32_t)(uint32_t)value
                                          : (uint32_t)value);
    switch (conv) {
    case 'd':
    case 'i':
        number(p, magnitude, negative, 10, false);
        return true;
    case 'u':
        number(p, u, false, 10, false);
        return true;
    case 'x':
    case 'p':
    case 'X':
        number(p, u, false, 16, conv == 'X');
        return true;
    case 'c': { /* String.fromCharCode, then UTF-8 */
        uint8_t c = (uint8_t)value;
        p->n = 0;
        if (c < 0x80) {
            p->small[p->n++] = c;
        } else {
            p->small[p->n++] = (uint8_t)(0xc0 | c >> 6);
            p->small[p->n++] = (uint8_t)(0x80 | (c & 0x3f));
        }
        p->s = p->small;
        return true;
    }
    default: { /* 's' */
        int32_t n = eb_cstring((uint32_t)value, MAX_FORMAT_BYTES, &p->s, fault, helper);
        p->n = n < 0 ? 0 : (uint32_t)n;
        return n >= 0;
    }
    }
}

/* One matched conversion, padded as printf.ts does: '-' pads right, '0' pads numbers with
 * zeros after their sign, anything else pads left with spaces. */
static void put_piece(out_t *o, const piece_t *p, char flag, uint32_t width, char conv)
{
    if (p->n >= width) {
        emit_n(o, p->s, p->n);
    } else if (flag == '-') {
        emit_n(o, p->s, p->n);
        pad(o, ' ', width - p->n);
    } else if (flag == '0' && conv != 's' && conv != 'c') {
        bool sign = p->s[0] == '-';
        emit_n(o, p->s, sign);
        pad(o, '0', width - p->n);
        emit_n(o, p->s + sign, p->n - sign);
    } else {
        pad(o, ' ', width - p->n);
        emit_n(o, p->s, p->n);
    }
}

static bool is_conversion(uint8_t c)
{
    const char *all = "diuxXcsp%";
    while (*all != '\0' && (uint8_t)*all != c) {
        all++;
    }
    return c != 0 && *all != '\0';
}

/* Formats into o; false with *fault set. */
static bool format(out_t *o, const uint8_t *fmt, uint32_t n, vm_fault_t *fault, uint32_t helper)
{
    unsigned next = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (fmt[i] != '%') {
            emit(o, fmt[i]);
            continue;
        }
        /* %([-0]?)(\d*)(l{0,2})([diuxXcsp%]), else the '%' stands for itself */
        uint32_t j = i + 1, width = 0, longs = 0;
        char flag = j < n && (fmt[j] == '-' || fmt[j] == '0') ? (char)fmt[j++] : 0;
        for (; j < n && fmt[j] >= '0' && fmt[j] <= '9'; j++) {
            width = width > 100000000u ? width : width * 10 + (fmt[j] - '0');
        }
        for (; j < n && fmt[j] == 'l' && longs < 2; j++) {
            longs++;
        }
        if (j >= n || !is_conversion(fmt[j])) {
            emit(o, '%');
            continue;
        }
        char conv = (char)fmt[j];
        i = j;
        if (conv == '%') {
            emit(o, '%');
            continue;
        }
        uint64_t value = next < 4 ? eb.r[2 + next] : 0;
        next++;
        piece_t p;
        if (!convert(&p, conv, value, longs > 0, fault, helper)) {
            return false;
        }
        put_piece(o, &p, flag, width, conv);
    }
    return true;
}

int32_t eb_printf(uint32_t address, vm_fault_t *fault, uint32_t helper)
{
    const uint8_t *fmt;
    int32_t n = eb_cstring(address, MAX_FORMAT_BYTES, &fmt, fault, helper);
    if (n < 0) {
        return -1;
    }
    /* Built aside, not in the helper buffer: the format and %s strings may lie in it. */
    out_t o;
    o.len = 0;
    if (!format(&o, fmt, (uint32_t)n, fault, helper)) {
        return -1;
    }
    uint32_t kept = o.len < sizeof(o.buf) ? o.len : sizeof(o.buf);
    eb_copy(&eb_ram[eb.helper_offset], o.buf, kept);
    eb_ram[eb.helper_offset + kept] = 0;
    return (int32_t)o.len;
}
