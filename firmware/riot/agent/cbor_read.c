/*
 * The CBOR reader of cbor.h (RFC 8949): a checked cursor, split from the writer (cbor.c).
 */
#include <float.h>
#include <string.h>
#include "cbor.h"

/* ---- reader ------------------------------------------------------------------------ */

#define AI_INDEFINITE 31
#define TAG_SELF_DESCRIBED 55799u

typedef struct {
    uint8_t major;
    uint8_t ai;   /* additional information (RFC 8949 §3) */
    uint64_t arg; /* the argument; raw bits for floats */
} head_t;

void cbor_reader_init(cbor_reader_t *r, const uint8_t *buf, size_t len)
{
    r->p = buf;
    r->end = buf + len;
    r->err = CBOR_OK;
}

static int fail(cbor_reader_t *r, int err)
{
    r->err = r->err != CBOR_OK ? r->err : err;
    return r->err;
}

static size_t room(const cbor_reader_t *r) { return (size_t)(r->end - r->p); }

/* Reads one head, skipping tag 55799 (docs/protocol.md §1.1). Checks what RFC 8949
 * Appendix F calls well-formedness of the head itself. */
static int read_head(cbor_reader_t *r, head_t *h)
{
    for (;;) {
        if (r->err != CBOR_OK) return r->err;
        if (room(r) < 1) return fail(r, CBOR_ERR_TRUNCATED);
        h->major = r->p[0] >> 5;
        h->ai = r->p[0] & 0x1f;
        h->arg = h->ai;
        if (h->ai >= 24 && h->ai <= 27) {
            size_t n = (size_t)1 << (h->ai - 24);
            if (room(r) < 1 + n) return fail(r, CBOR_ERR_TRUNCATED);
            h->arg = 0;
            for (size_t i = 1; i <= n; i++) {
                h->arg = h->arg << 8 | r->p[i];
            }
            r->p += n;
        } else if (h->ai > 27 && h->ai < AI_INDEFINITE) {
            return fail(r, CBOR_ERR_MALFORMED); /* 28..30 are reserved */
        } else if (h->ai == AI_INDEFINITE && (h->major <= CBOR_NEGINT || h->major == CBOR_TAG)) {
            return fail(r, CBOR_ERR_MALFORMED); /* only strings, containers, break */
        }
        r->p += 1;
        if (h->major == CBOR_SIMPLE && h->ai == 24 && h->arg < 32) {
            return fail(r, CBOR_ERR_MALFORMED); /* RFC 8949 §3.3: two-byte simple < 32 */
        }
        if (h->major != CBOR_TAG || h->arg != TAG_SELF_DESCRIBED) return CBOR_OK;
    }
}

static int read_head_of(cbor_reader_t *r, head_t *h, uint8_t major)
{
    if (read_head(r, h) != CBOR_OK) return r->err;
    return h->major == major ? CBOR_OK : fail(r, CBOR_ERR_TYPE);
}

int cbor_peek_type(cbor_reader_t *r)
{
    cbor_reader_t ahead = *r;
    head_t h;
    if (read_head(&ahead, &h) != CBOR_OK) return fail(r, ahead.err);
    return h.major;
}

bool cbor_peek_null(cbor_reader_t *r)
{
    cbor_reader_t ahead = *r;
    head_t h;
    return read_head(&ahead, &h) == CBOR_OK && h.major == CBOR_SIMPLE && h.ai == 22;
}

int cbor_read_uint(cbor_reader_t *r, uint64_t *v)
{
    head_t h;
    if (read_head_of(r, &h, CBOR_UINT) == CBOR_OK) *v = h.arg;
    return r->err;
}

int cbor_read_int(cbor_reader_t *r, int64_t *v)
{
    head_t h;
    if (read_head(r, &h) != CBOR_OK) return r->err;
    if (h.major != CBOR_UINT && h.major != CBOR_NEGINT) return fail(r, CBOR_ERR_TYPE);
    if (h.arg > (uint64_t)INT64_MAX) return fail(r, CBOR_ERR_RANGE);
    *v = h.major == CBOR_UINT ? (int64_t)h.arg : -1 - (int64_t)h.arg;
    return CBOR_OK;
}

/* RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static bool utf8_ok(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i++];
        if (c < 0x80) continue;
        size_t more;
        uint32_t cp, min;
        if ((c & 0xe0) == 0xc0) { more = 1; cp = c & 0x1f; min = 0x80; }
        else if ((c & 0xf0) == 0xe0) { more = 2; cp = c & 0x0f; min = 0x800; }
        else if ((c & 0xf8) == 0xf0) { more = 3; cp = c & 0x07; min = 0x10000; }
        else { return false; }
        if (n - i < more) return false;
        while (more-- > 0) {
            uint8_t d = s[i++];
            if ((d & 0xc0) != 0x80) return false;
            cp = cp << 6 | (d & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    }
    return true;
}

/* The body of a byte or text string whose head was read. */
static int read_string_body(cbor_reader_t *r, const head_t *h, const uint8_t **b, size_t *len)
{
    if (h->ai == AI_INDEFINITE) {
        return fail(r, CBOR_ERR_UNSUPPORTED); /* docs/protocol.md §1.1 */
    }
    if (h->arg > room(r)) return fail(r, CBOR_ERR_TRUNCATED);
    if (h->major == CBOR_TEXT && !utf8_ok(r->p, (size_t)h->arg)) return fail(r, CBOR_ERR_UTF8);
    *b = r->p;
    *len = (size_t)h->arg;
    r->p += h->arg;
    return CBOR_OK;
}

int cbor_read_text(cbor_reader_t *r, const char **s, size_t *len)
{
    head_t h;
    const uint8_t *b;
    if (read_head_of(r, &h, CBOR_TEXT) == CBOR_OK && read_string_body(r, &h, &b, len) == CBOR_OK) {
        *s = (const char *)b;
    }
    return r->err;
}

int cbor_read_bytes(cbor_reader_t *r, const uint8_t **b, size_t *len)
{
    head_t h;
    if (read_head_of(r, &h, CBOR_BYTES) == CBOR_OK) read_string_body(r, &h, b, len);
    return r->err;
}

int cbor_read_bool(cbor_reader_t *r, bool *v)
{
    head_t h;
    if (read_head_of(r, &h, CBOR_SIMPLE) != CBOR_OK) return r->err;
    if (h.ai != 20 && h.ai != 21) return fail(r, CBOR_ERR_TYPE);
    *v = h.ai == 21;
    return CBOR_OK;
}

int cbor_read_null(cbor_reader_t *r)
{
    head_t h;
    if (read_head_of(r, &h, CBOR_SIMPLE) == CBOR_OK && h.ai != 22) {
        return fail(r, CBOR_ERR_TYPE);
    }
    return r->err;
}

/* IEEE 754 binary16 → binary32 by moving the fields; no libm (RFC 8949 Appendix D). */
static float half_to_float(uint16_t half)
{
    uint32_t sign = (uint32_t)(half & 0x8000) << 16;
    uint32_t exp = (half >> 10) & 0x1f;
    uint32_t mant = half & 0x3ff;
    if (exp == 0) { /* zero or subnormal: mant × 2^-24, exact in a float */
        float v = (float)mant * (1.0f / 16777216.0f);
        return sign ? -v : v;
    }
    uint32_t bits = sign | (exp == 31 ? 0xffu : exp - 15 + 127) << 23 | mant << 13;
    float f;
    memcpy(&f, &bits, sizeof(f));
    return f;
}

int cbor_read_double(cbor_reader_t *r, double *v)
{
    head_t h;
    if (read_head(r, &h) != CBOR_OK) return r->err;
    if (h.major == CBOR_UINT) {
        *v = (double)h.arg;
    } else if (h.major == CBOR_NEGINT) {
        *v = -1.0 - (double)h.arg;
    } else if (h.major == CBOR_SIMPLE && h.ai == 25) {
        *v = half_to_float((uint16_t)h.arg);
    } else if (h.major == CBOR_SIMPLE && h.ai == 26) {
        uint32_t bits = (uint32_t)h.arg;
        float f;
        memcpy(&f, &bits, sizeof(f));
        *v = f;
    } else if (h.major == CBOR_SIMPLE && h.ai == 27) {
        memcpy(v, &h.arg, sizeof(*v));
    } else {
        return fail(r, CBOR_ERR_TYPE);
    }
    return CBOR_OK;
}

int cbor_read_tag(cbor_reader_t *r, uint64_t *tag)
{
    head_t h;
    if (read_head_of(r, &h, CBOR_TAG) == CBOR_OK) *tag = h.arg;
    return r->err;
}

/* A container whose head was read. A definite count that cannot fit in what is left
 * (every item takes at least one byte) is refused here, before anyone loops over it. */
static int open_container(cbor_reader_t *r, const head_t *h, cbor_container_t *c)
{
    c->indefinite = h->ai == AI_INDEFINITE;
    c->left = c->indefinite ? 0 : h->arg;
    uint64_t min_bytes = h->major == CBOR_MAP ? room(r) / 2 : room(r);
    if (!c->indefinite && c->left > min_bytes) return fail(r, CBOR_ERR_TRUNCATED);
    return CBOR_OK;
}

static int enter(cbor_reader_t *r, cbor_container_t *c, uint8_t major)
{
    head_t h;
    if (read_head_of(r, &h, major) == CBOR_OK) open_container(r, &h, c);
    return r->err;
}

int cbor_enter_map(cbor_reader_t *r, cbor_container_t *c) { return enter(r, c, CBOR_MAP); }
int cbor_enter_array(cbor_reader_t *r, cbor_container_t *c) { return enter(r, c, CBOR_ARRAY); }

bool cbor_next(cbor_reader_t *r, cbor_container_t *c)
{
    if (r->err != CBOR_OK) return false;
    if (!c->indefinite) {
        if (c->left == 0) return false;
        c->left--;
        return true;
    }
    if (room(r) < 1) {
        fail(r, CBOR_ERR_TRUNCATED);
        return false;
    }
    if (r->p[0] == 0xff) { /* RFC 8949 §3.2.1 break */
        r->p++;
        c->indefinite = false;
        return false;
    }
    return true;
}

static int skip_item(cbor_reader_t *r, unsigned depth)
{
    head_t h;
    const uint8_t *b;
    size_t len;
    cbor_container_t c;
    if (read_head(r, &h) != CBOR_OK) return r->err;
    switch (h.major) {
    case CBOR_UINT:
    case CBOR_NEGINT:
        return CBOR_OK;
    case CBOR_BYTES:
    case CBOR_TEXT:
        return read_string_body(r, &h, &b, &len);
    case CBOR_ARRAY:
    case CBOR_MAP:
        if (depth >= CBOR_MAX_DEPTH) return fail(r, CBOR_ERR_DEPTH);
        if (open_container(r, &h, &c) != CBOR_OK) return r->err;
        while (cbor_next(r, &c)) {
            if (skip_item(r, depth + 1) != CBOR_OK ||
                (h.major == CBOR_MAP && skip_item(r, depth + 1) != CBOR_OK)) {
                return r->err;
            }
        }
        return r->err;
    case CBOR_TAG:
        return fail(r, CBOR_ERR_UNSUPPORTED); /* docs/protocol.md §1.1 */
    default: /* CBOR_SIMPLE */
        return h.ai == AI_INDEFINITE ? fail(r, CBOR_ERR_MALFORMED) : CBOR_OK; /* stray break */
    }
}

int cbor_skip(cbor_reader_t *r) { return skip_item(r, 0); }

int cbor_finish(cbor_reader_t *r)
{
    if (r->err == CBOR_OK && r->p != r->end) return fail(r, CBOR_ERR_TRAILING);
    return r->err;
}

int cbor_check(const uint8_t *buf, size_t len)
{
    cbor_reader_t r;
    cbor_reader_init(&r, buf, len);
    cbor_skip(&r);
    return cbor_finish(&r);
}

/* Reads a map key; true when it is the one asked for. Keys of other types are skipped. */
static bool key_matches(cbor_reader_t *r, const char *text, size_t text_len, int64_t number)
{
    cbor_reader_t ahead = *r;
    head_t h;
    const uint8_t *b;
    size_t len;
    if (read_head(&ahead, &h) != CBOR_OK) {
        fail(r, ahead.err);
        return false;
    }
    if (text != NULL && h.major == CBOR_TEXT) {
        *r = ahead;
        return read_string_body(r, &h, &b, &len) == CBOR_OK && len == text_len &&
               memcmp(b, text, len) == 0;
    }
    if (text == NULL && (h.major == CBOR_UINT || h.major == CBOR_NEGINT)) {
        *r = ahead;
        return number >= 0 ? h.major == CBOR_UINT && h.arg == (uint64_t)number
                           : h.major == CBOR_NEGINT && h.arg == ~(uint64_t)number;
    }
    cbor_skip(r);
    return false;
}

static int map_find(const cbor_reader_t *map, const char *text, int64_t number,
                    cbor_reader_t *value)
{
    cbor_reader_t r = *map;
    cbor_container_t c;
    size_t text_len = text != NULL ? strlen(text) : 0;
    if (cbor_enter_map(&r, &c) != CBOR_OK) return r.err;
    while (cbor_next(&r, &c)) {
        bool hit = key_matches(&r, text, text_len, number);
        if (r.err != CBOR_OK) return r.err;
        if (hit) {
            *value = r;
            return CBOR_OK;
        }
        cbor_skip(&r);
    }
    return r.err != CBOR_OK ? r.err : CBOR_ERR_NOT_FOUND;
}

int cbor_map_find(const cbor_reader_t *map, const char *key, cbor_reader_t *value)
{
    return map_find(map, key, 0, value);
}

int cbor_map_find_int(const cbor_reader_t *map, int64_t key, cbor_reader_t *value)
{
    return map_find(map, NULL, key, value);
}
