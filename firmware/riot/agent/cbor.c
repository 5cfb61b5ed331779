/*
 * CBOR writer (RFC 8949) for the agent, and the error names; the reader is cbor_read.c.
 * No allocation, no libm, no recursion deeper than CBOR_MAX_DEPTH.
 */
#include <float.h>
#include <string.h>

#include "cbor.h"

const char *cbor_err_name(int err)
{
    switch (err) {
    case CBOR_OK: return "ok";
    case CBOR_ERR_TRUNCATED: return "truncated";
    case CBOR_ERR_MALFORMED: return "malformed";
    case CBOR_ERR_TYPE: return "wrong_type";
    case CBOR_ERR_RANGE: return "out_of_range";
    case CBOR_ERR_DEPTH: return "too_deep";
    case CBOR_ERR_UNSUPPORTED: return "unsupported";
    case CBOR_ERR_TRAILING: return "trailing_bytes";
    case CBOR_ERR_NOT_FOUND: return "not_found";
    case CBOR_ERR_UTF8: return "bad_utf8";
    default: return "unknown";
    }
}

/* ---- writer ------------------------------------------------------------------------ */

void cbor_writer_init(cbor_writer_t *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
    w->overflow = false;
}

size_t cbor_writer_len(const cbor_writer_t *w)
{
    return w->overflow ? 0 : w->len;
}

static void put_raw(cbor_writer_t *w, const void *src, size_t n)
{
    if (w->overflow || w->cap - w->len < n) {
        w->overflow = true;
        return;
    }
    if (n > 0) memcpy(w->buf + w->len, src, n);
    w->len += n;
}

/* One initial byte, then the low `n` bytes of `v` big-endian (RFC 8949 §3). */
static void put_be(cbor_writer_t *w, uint8_t first, uint64_t v, size_t n)
{
    uint8_t out[9];
    out[0] = first;
    for (size_t i = 0; i < n; i++) {
        out[n - i] = (uint8_t)(v >> (8 * i));
    }
    put_raw(w, out, n + 1);
}

/* The shortest head for `v` (RFC 8949 §4.2.1 preferred serialization). */
static void put_head(cbor_writer_t *w, uint8_t major, uint64_t v)
{
    uint8_t m = (uint8_t)(major << 5);
    if (v < 24) put_be(w, (uint8_t)(m | v), 0, 0);
    else if (v <= 0xff) put_be(w, m | 24, v, 1);
    else if (v <= 0xffff) put_be(w, m | 25, v, 2);
    else if (v <= 0xffffffffu) put_be(w, m | 26, v, 4);
    else put_be(w, m | 27, v, 8);
}

void cbor_put_map(cbor_writer_t *w, uint64_t pairs) { put_head(w, CBOR_MAP, pairs); }
void cbor_put_array(cbor_writer_t *w, uint64_t items) { put_head(w, CBOR_ARRAY, items); }
void cbor_put_uint(cbor_writer_t *w, uint64_t v) { put_head(w, CBOR_UINT, v); }

void cbor_put_int(cbor_writer_t *w, int64_t v)
{
    /* RFC 8949 §3.1 major type 1 carries -1 - n; ~v is that without overflow at INT64_MIN. */
    put_head(w, v < 0 ? CBOR_NEGINT : CBOR_UINT, v < 0 ? ~(uint64_t)v : (uint64_t)v);
}

void cbor_put_text_n(cbor_writer_t *w, const char *s, size_t len)
{
    put_head(w, CBOR_TEXT, len);
    put_raw(w, s, len);
}

void cbor_put_text(cbor_writer_t *w, const char *s) { cbor_put_text_n(w, s, strlen(s)); }

void cbor_put_bytes(cbor_writer_t *w, const uint8_t *b, size_t len)
{
    put_head(w, CBOR_BYTES, len);
    put_raw(w, b, len);
}

/* RFC 8949 §3.3 simple values 20 false, 21 true, 22 null. */
void cbor_put_bool(cbor_writer_t *w, bool v) { put_head(w, CBOR_SIMPLE, v ? 21 : 20); }
void cbor_put_null(cbor_writer_t *w) { put_head(w, CBOR_SIMPLE, 22); }

void cbor_put_double(cbor_writer_t *w, double v)
{
    /* Integral values go out as integers: the gateway's uint fields refuse floats. The
     * range checks come first because casting an out-of-range double is undefined. */
    if (v >= -9223372036854775808.0 && v < 9223372036854775808.0 && (double)(int64_t)v == v) {
        cbor_put_int(w, (int64_t)v);
        return;
    }
    if (v >= 0 && v < 18446744073709551616.0 && (double)(uint64_t)v == v) {
        cbor_put_uint(w, (uint64_t)v);
        return;
    }
    bool fits_float = v != v || v > DBL_MAX || v < -DBL_MAX ||
                      (v <= FLT_MAX && v >= -FLT_MAX && (double)(float)v == v);
    if (fits_float) { /* RFC 8949 §3.3: 0xfa float32, 0xfb float64 */
        float f = (float)v;
        uint32_t bits32;
        memcpy(&bits32, &f, sizeof(bits32));
        put_be(w, 0xfa, bits32, 4);
        return;
    }
    uint64_t bits64;
    memcpy(&bits64, &v, sizeof(bits64));
    put_be(w, 0xfb, bits64, 8);
}
