#include <stdlib.h>
#include <string.h>

#include "dump.h"

long read_record(FILE *in, uint8_t *buf, size_t cap)
{
    uint8_t head[4];
    size_t got = fread(head, 1, 4, in);
    if (got == 0) {
        return -1;
    }
    unsigned long len = (unsigned long)head[0] << 24 | (unsigned long)head[1] << 16 |
                        (unsigned long)head[2] << 8 | head[3];
    if (got != 4 || len > cap || fread(buf, 1, len, in) != len) {
        fprintf(stderr, "bad record on stdin\n");
        exit(2);
    }
    return (long)len;
}

void print_hex(FILE *out, const uint8_t *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        fprintf(out, "%02x", b[i]);
    }
}

static void print_text(FILE *out, const char *s, size_t len)
{
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            fprintf(out, "\\%c", c);
        }
        else if (c < 0x20) {
            fprintf(out, "\\u%04x", c);
        }
        else {
            fputc(c, out);
        }
    }
    fputc('"', out);
}

static void print_double(FILE *out, double v)
{
    char buf[40];
    if (v != v || v > 1.7976931348623157e308 || v < -1.7976931348623157e308) {
        fprintf(out, "\"%s\"", v != v ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        return;
    }
    snprintf(buf, sizeof(buf), "%.17g", v);
    fputs(buf, out);
    if (strpbrk(buf, ".e") == NULL) {
        fputs(".0", out);
    }
}

static int dump_container(cbor_reader_t *r, FILE *out, unsigned depth, int type)
{
    cbor_container_t c;
    bool first = true;
    if (depth >= CBOR_MAX_DEPTH) {
        return r->err = CBOR_ERR_DEPTH;
    }
    if ((type == CBOR_MAP ? cbor_enter_map(r, &c) : cbor_enter_array(r, &c)) != CBOR_OK) {
        return r->err;
    }
    fputc(type == CBOR_MAP ? '{' : '[', out);
    while (cbor_next(r, &c)) {
        if (!first) {
            fputc(',', out);
        }
        first = false;
        if (type == CBOR_MAP) {
            const char *key;
            size_t len;
            int64_t number;
            if (cbor_peek_type(r) == CBOR_TEXT) {
                if (cbor_read_text(r, &key, &len) == CBOR_OK) {
                    print_text(out, key, len);
                }
            }
            else if (cbor_read_int(r, &number) == CBOR_OK) {
                fprintf(out, "\"%lld\"", (long long)number);
            }
            fputc(':', out);
        }
        if (dump_item(r, out, depth + 1) != CBOR_OK) {
            return r->err;
        }
    }
    fputc(type == CBOR_MAP ? '}' : ']', out);
    return r->err;
}

int dump_item(cbor_reader_t *r, FILE *out, unsigned depth)
{
    int type = cbor_peek_type(r);
    const char *s;
    const uint8_t *b;
    size_t len;
    uint64_t u;
    int64_t i;
    double d;
    bool flag;
    switch (type) {
    case CBOR_UINT:
        if (cbor_read_uint(r, &u) == CBOR_OK) {
            fprintf(out, "%llu", (unsigned long long)u);
        }
        return r->err;
    case CBOR_NEGINT:
        if (cbor_read_int(r, &i) == CBOR_OK) {
            fprintf(out, "%lld", (long long)i);
        }
        return r->err;
    case CBOR_TEXT:
        if (cbor_read_text(r, &s, &len) == CBOR_OK) {
            print_text(out, s, len);
        }
        return r->err;
    case CBOR_BYTES:
        if (cbor_read_bytes(r, &b, &len) == CBOR_OK) {
            fputs("\"h'", out);
            print_hex(out, b, len);
            fputs("'\"", out);
        }
        return r->err;
    case CBOR_MAP:
    case CBOR_ARRAY:
        return dump_container(r, out, depth, type);
    case CBOR_SIMPLE:
        if (cbor_peek_null(r)) {
            cbor_read_null(r);
            fputs("null", out);
        }
        else if (cbor_read_bool(&(cbor_reader_t){ r->p, r->end, 0 }, &flag) == CBOR_OK) {
            cbor_read_bool(r, &flag);
            fputs(flag ? "true" : "false", out);
        }
        else if (cbor_read_double(r, &d) == CBOR_OK) {
            print_double(out, d);
        }
        return r->err;
    case CBOR_TAG: {
        uint64_t tag;
        if (cbor_read_tag(r, &tag) == CBOR_OK) {
            r->err = CBOR_ERR_UNSUPPORTED; /* docs/protocol.md §1.1 */
        }
        return r->err;
    }
    default:
        return r->err;
    }
}
