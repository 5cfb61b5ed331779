/*
 * A small, allocation-free CBOR (RFC 8949) writer and reader for the protocol v1 agent
 * (docs/protocol.md §1.1, §5, §9, §10, §11).
 *
 * Writer: appends to a caller buffer; running out of room sets `overflow` and writes
 * nothing more (never past `cap`), so a message is built with no checks and checked once.
 *
 * Reader: a cursor [p, end) over a caller buffer. Every read checks the bytes it needs
 * first, so truncated or hostile input is an error, never a read out of bounds. The first
 * error sticks in the cursor (later reads return it), so decoders check once at the end.
 * Tags are refused except 55799 (self-described CBOR, RFC 8949 §3.4.6), which is skipped
 * (docs/protocol.md §1.1); indefinite-length maps and arrays are accepted (§3.2.2),
 * indefinite-length strings are not. Integers are limited to int64/uint64.
 */
#ifndef VMFLEET_CBOR_H
#define VMFLEET_CBOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Deepest nesting skip and the decoders follow. v1 messages nest at most three levels
 * (docs/protocol.md §1.1); the margin is for COSE and future fields. */
#ifndef CBOR_MAX_DEPTH
#define CBOR_MAX_DEPTH 16
#endif

/* RFC 8949 §3.1 major types. */
typedef enum {
    CBOR_UINT = 0,
    CBOR_NEGINT = 1,
    CBOR_BYTES = 2,
    CBOR_TEXT = 3,
    CBOR_ARRAY = 4,
    CBOR_MAP = 5,
    CBOR_TAG = 6,
    CBOR_SIMPLE = 7, /* false, true, null, undefined, floats */
} cbor_type_t;

/* Reader results: 0 or one of these (negative). */
typedef enum {
    CBOR_OK = 0,
    CBOR_ERR_TRUNCATED = -1,   /* the item runs past the end of the buffer */
    CBOR_ERR_MALFORMED = -2,   /* not well-formed (RFC 8949 §5.3.1, Appendix F) */
    CBOR_ERR_TYPE = -3,        /* well-formed, but not the type asked for */
    CBOR_ERR_RANGE = -4,       /* an integer outside what the caller accepts */
    CBOR_ERR_DEPTH = -5,       /* nested deeper than CBOR_MAX_DEPTH */
    CBOR_ERR_UNSUPPORTED = -6, /* a tag other than 55799, an indefinite-length string */
    CBOR_ERR_TRAILING = -7,    /* bytes after the item (docs/protocol.md §1.1) */
    CBOR_ERR_NOT_FOUND = -8,   /* cbor_map_find: no such key */
    CBOR_ERR_UTF8 = -9,        /* a text string that is not UTF-8 (RFC 8949 §3.1) */
} cbor_err_t;

/* A short name for an error code ("truncated", …), for logs and the host tools. */
const char *cbor_err_name(int err);

/* ---- writer ------------------------------------------------------------------------ */

typedef struct {
    uint8_t *buf;
    size_t cap;
    size_t len;
    bool overflow; /* set once something did not fit; nothing is written after that */
} cbor_writer_t;

void cbor_writer_init(cbor_writer_t *w, uint8_t *buf, size_t cap);
/* Bytes written, or 0 when the message overflowed. */
size_t cbor_writer_len(const cbor_writer_t *w);

void cbor_put_map(cbor_writer_t *w, uint64_t pairs);
void cbor_put_array(cbor_writer_t *w, uint64_t items);
void cbor_put_uint(cbor_writer_t *w, uint64_t v);
void cbor_put_int(cbor_writer_t *w, int64_t v);
void cbor_put_text(cbor_writer_t *w, const char *s);
void cbor_put_text_n(cbor_writer_t *w, const char *s, size_t len);
void cbor_put_bytes(cbor_writer_t *w, const uint8_t *b, size_t len);
void cbor_put_bool(cbor_writer_t *w, bool v);
void cbor_put_null(cbor_writer_t *w);
/* A number: an integral value is written as an integer (the gateway's "uint" fields must
 * never see a float), otherwise float32 when exact, else float64. */
void cbor_put_double(cbor_writer_t *w, double v);

/* ---- reader ------------------------------------------------------------------------ */

typedef struct {
    const uint8_t *p;
    const uint8_t *end;
    int err; /* first error; sticky */
} cbor_reader_t;

/* An entered map or array: how many items (pairs for a map) are left. */
typedef struct {
    uint64_t left;
    bool indefinite;
} cbor_container_t;

void cbor_reader_init(cbor_reader_t *r, const uint8_t *buf, size_t len);
/* Checks that `buf` is exactly one well-formed item within CBOR_MAX_DEPTH, nothing after. */
int cbor_check(const uint8_t *buf, size_t len);
/* CBOR_ERR_TRAILING unless the cursor is at the end; returns the sticky error first. */
int cbor_finish(cbor_reader_t *r);

/* The major type of the next item (after any tag 55799), or a negative error. */
int cbor_peek_type(cbor_reader_t *r);
bool cbor_peek_null(cbor_reader_t *r);

int cbor_read_uint(cbor_reader_t *r, uint64_t *v);
int cbor_read_int(cbor_reader_t *r, int64_t *v);
/* Points into the buffer (not NUL-terminated); text is checked to be UTF-8. */
int cbor_read_text(cbor_reader_t *r, const char **s, size_t *len);
int cbor_read_bytes(cbor_reader_t *r, const uint8_t **b, size_t *len);
int cbor_read_bool(cbor_reader_t *r, bool *v);
int cbor_read_null(cbor_reader_t *r);
/* A protocol "number": a half, single or double float, or an integer. */
int cbor_read_double(cbor_reader_t *r, double *v);
/* Reads the number of a tag other than 55799 (for COSE's tag 18, RFC 9052 §4.2). */
int cbor_read_tag(cbor_reader_t *r, uint64_t *tag);

int cbor_enter_map(cbor_reader_t *r, cbor_container_t *c);
int cbor_enter_array(cbor_reader_t *r, cbor_container_t *c);
/* True when the container has another item (map: another key/value pair); consumes the
 * break (0xff) that ends an indefinite-length container. False on an error too. */
bool cbor_next(cbor_reader_t *r, cbor_container_t *c);

/* Skips one item, whatever it is, nested at most CBOR_MAX_DEPTH levels. */
int cbor_skip(cbor_reader_t *r);

/* With `map` at a map: sets `value` to a cursor at the value of text key `key` (the
 * first one), or returns CBOR_ERR_NOT_FOUND. Other keys, of any type, are skipped.
 * `map` itself does not move. */
int cbor_map_find(const cbor_reader_t *map, const char *key, cbor_reader_t *value);
/* The same for an integer key (COSE header labels, RFC 9052 §3.1). */
int cbor_map_find_int(const cbor_reader_t *map, int64_t key, cbor_reader_t *value);

#endif /* VMFLEET_CBOR_H */
