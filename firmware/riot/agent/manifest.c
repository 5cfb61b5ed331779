/*
 * Signed manifest verification (docs/protocol.md §10.2): COSE_Sign1 per RFC 9052 §4.2,
 * Sig_structure per RFC 9052 §4.4, EdDSA per RFC 9053 §2.2 with Monocypher's
 * crypto_ed25519_check (RFC 8032 Ed25519, pkg/monocypher's optional part).
 *
 * Order matters: the outer structure and the protected header are checked first, the
 * signature next, and only a payload that verified is decoded, so unsigned bytes never
 * reach the manifest decoder.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cbor.h"
#include "manifest.h"
#include "monocypher-ed25519.h"

#define COSE_SIGN1_TAG 18 /* RFC 9052 §2 */
#define HEADER_ALG 1      /* RFC 9052 §3.1 labels */
#define HEADER_CRIT 2
#define HEADER_KID 4
#define ALG_EDDSA (-8) /* RFC 9053 §2.2 */
#define ED25519_SIG_BYTES 64

/* {1: -8} is 3 bytes; leave room for a few more parameters, refuse anything larger. */
#define PROTECTED_MAX 32
/* RFC 9052 §4.4: array(4) "Signature1" bstr(protected) h'' bstr(payload), heads included. */
#define SIG_STRUCTURE_MAX (1 + 11 + 2 + PROTECTED_MAX + 1 + 3 + MANIFEST_MAX_PAYLOAD)

typedef struct {
    const uint8_t *protected_hdr; /* the serialized protected map, exactly as signed */
    size_t protected_len;
    cbor_reader_t unprotected; /* at the unprotected map */
    const uint8_t *payload;
    size_t payload_len;
    const uint8_t *signature;
    size_t signature_len;
} cose_sign1_t;

const char *manifest_code(int result)
{
    switch (result) {
    case MANIFEST_OK: return "ok";
    case MANIFEST_BAD_SIGNATURE: return "bad_signature";
    default: return "malformed_manifest";
    }
}

static int failf(char *err, size_t err_len, int code, const char *fmt, ...)
{
    if (err_len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_len, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* COSE_Sign1 = [protected: bstr, unprotected: map, payload: bstr, signature: bstr],
 * optionally as tag 18 (RFC 9052 §4.2). A nil (detached) payload is refused. */
static int parse_cose(const uint8_t *cose, size_t len, cose_sign1_t *c, char *err, size_t n)
{
    cbor_reader_t r;
    cbor_container_t items;
    uint64_t tag;
    cbor_reader_init(&r, cose, len);
    if (cbor_peek_type(&r) == CBOR_TAG && cbor_read_tag(&r, &tag) == CBOR_OK &&
        tag != COSE_SIGN1_TAG) {
        return failf(err, n, MANIFEST_MALFORMED, "COSE tag %llu is not COSE_Sign1 (18)",
                     (unsigned long long)tag);
    }
    /* The tag's content must be exactly one well-formed item, nothing after it. */
    int rc = r.err != CBOR_OK ? r.err : cbor_check(r.p, (size_t)(r.end - r.p));
    if (rc != CBOR_OK) {
        return failf(err, n, MANIFEST_MALFORMED, "COSE_Sign1: %s CBOR", cbor_err_name(rc));
    }
    cbor_enter_array(&r, &items);
    bool four = cbor_next(&r, &items);
    cbor_read_bytes(&r, &c->protected_hdr, &c->protected_len);
    four = four && cbor_next(&r, &items) && cbor_peek_type(&r) == CBOR_MAP;
    c->unprotected = r;
    cbor_skip(&r);
    four = four && cbor_next(&r, &items);
    cbor_read_bytes(&r, &c->payload, &c->payload_len);
    four = four && cbor_next(&r, &items);
    cbor_read_bytes(&r, &c->signature, &c->signature_len);
    four = four && !cbor_next(&r, &items);
    if (!four || cbor_finish(&r) != CBOR_OK) {
        return failf(err, n, MANIFEST_MALFORMED,
                     "not a COSE_Sign1 [protected bstr, unprotected map, payload bstr, "
                     "signature bstr]");
    }
    return MANIFEST_OK;
}

/* The protected header must name EdDSA and nothing critical (RFC 9052 §3.1 crit). */
static int check_protected(const cose_sign1_t *c, char *err, size_t n)
{
    cbor_reader_t hdr, alg;
    int64_t value;
    if (c->protected_len > PROTECTED_MAX) {
        return failf(err, n, MANIFEST_MALFORMED, "protected header is %u bytes (max %u)",
                     (unsigned)c->protected_len, PROTECTED_MAX);
    }
    cbor_reader_init(&hdr, c->protected_hdr, c->protected_len);
    int rc = cbor_check(c->protected_hdr, c->protected_len);
    if (rc == CBOR_OK && cbor_peek_type(&hdr) != CBOR_MAP) {
        rc = CBOR_ERR_TYPE;
    }
    if (rc != CBOR_OK) {
        return failf(err, n, MANIFEST_MALFORMED, "protected header is not a CBOR map (%s)",
                     cbor_err_name(rc));
    }
    if (cbor_map_find_int(&hdr, HEADER_CRIT, &alg) == CBOR_OK) {
        return failf(err, n, MANIFEST_MALFORMED, "protected header has critical parameters");
    }
    if (cbor_map_find_int(&hdr, HEADER_ALG, &alg) != CBOR_OK) {
        return failf(err, n, MANIFEST_MALFORMED, "protected header has no alg (label 1)");
    }
    if (cbor_read_int(&alg, &value) != CBOR_OK) {
        /* A text alg (RFC 9052 §3.1 allows tstr) is well-formed, just not ours. */
        return failf(err, n, MANIFEST_BAD_SIGNATURE, "manifest alg is not EdDSA (-8)");
    }
    if (value != ALG_EDDSA) {
        return failf(err, n, MANIFEST_BAD_SIGNATURE, "manifest alg %lld is not EdDSA (-8)",
                     (long long)value);
    }
    return MANIFEST_OK;
}

/* RFC 9052 §4.4: Sig_structure = ["Signature1", body_protected, external_aad = h'',
 * payload], with the empty external_aad as the plain byte string 0x40. */
static int check_signature(const cose_sign1_t *c, const uint8_t public_key[32], char *err,
                           size_t n)
{
    uint8_t buf[SIG_STRUCTURE_MAX];
    cbor_writer_t w;
    if (c->payload_len > MANIFEST_MAX_PAYLOAD) {
        return failf(err, n, MANIFEST_MALFORMED, "manifest payload is %u bytes (max %u)",
                     (unsigned)c->payload_len, MANIFEST_MAX_PAYLOAD);
    }
    if (c->signature_len != ED25519_SIG_BYTES) {
        return failf(err, n, MANIFEST_MALFORMED, "signature is %u bytes, Ed25519 has 64",
                     (unsigned)c->signature_len);
    }
    cbor_writer_init(&w, buf, sizeof(buf));
    cbor_put_array(&w, 4);
    cbor_put_text(&w, "Signature1");
    cbor_put_bytes(&w, c->protected_hdr, c->protected_len);
    cbor_put_bytes(&w, NULL, 0);
    cbor_put_bytes(&w, c->payload, c->payload_len);
    size_t len = cbor_writer_len(&w);
    if (len == 0) { /* cannot happen with the limits above; refuse rather than truncate */
        return failf(err, n, MANIFEST_MALFORMED, "Sig_structure does not fit");
    }
    if (crypto_ed25519_check(c->signature, public_key, buf, len) != 0) {
        return failf(err, n, MANIFEST_BAD_SIGNATURE,
                     "manifest signature does not verify with the provisioned key");
    }
    return MANIFEST_OK;
}

/* Positions `v` at the value of `key` in `map`. */
static int field(const cbor_reader_t *map, const char *key, cbor_reader_t *v, char *err,
                 size_t n)
{
    int rc = cbor_map_find(map, key, v);
    if (rc == CBOR_ERR_NOT_FOUND) {
        return failf(err, n, MANIFEST_MALFORMED, "manifest: %s is missing", key);
    }
    if (rc != CBOR_OK) {
        return failf(err, n, MANIFEST_MALFORMED, "manifest: %s", cbor_err_name(rc));
    }
    return MANIFEST_OK;
}

static int get_uint(const cbor_reader_t *map, const char *key, uint64_t *out, char *err,
                    size_t n)
{
    cbor_reader_t v;
    if (field(map, key, &v, err, n) != MANIFEST_OK) return MANIFEST_MALFORMED;
    if (cbor_read_uint(&v, out) != CBOR_OK) {
        return failf(err, n, MANIFEST_MALFORMED, "manifest: %s must be an unsigned integer",
                     key);
    }
    return MANIFEST_OK;
}

/* Text of 1..max bytes into a NUL-terminated `out` of max + 1. */
static int get_text(const cbor_reader_t *map, const char *key, char *out, size_t max,
                    char *err, size_t n)
{
    cbor_reader_t v;
    const char *s;
    size_t len;
    if (field(map, key, &v, err, n) != MANIFEST_OK) return MANIFEST_MALFORMED;
    if (cbor_read_text(&v, &s, &len) != CBOR_OK) {
        return failf(err, n, MANIFEST_MALFORMED, "manifest: %s must be UTF-8 text", key);
    }
    if (len == 0 || len > max || memchr(s, '\0', len) != NULL) {
        return failf(err, n, MANIFEST_MALFORMED,
                     "manifest: %s must be 1..%u bytes without NUL", key, (unsigned)max);
    }
    memcpy(out, s, len);
    out[len] = '\0';
    return MANIFEST_OK;
}

static int get_sha256(const cbor_reader_t *map, uint8_t out[32], char *err, size_t n)
{
    cbor_reader_t v;
    const uint8_t *b;
    size_t len;
    if (field(map, "sha256", &v, err, n) != MANIFEST_OK) return MANIFEST_MALFORMED;
    /* A plain byte string: the tag-64 typed-array form is refused like any tag. */
    if (cbor_read_bytes(&v, &b, &len) != CBOR_OK || len != 32) {
        return failf(err, n, MANIFEST_MALFORMED, "manifest: sha256 must be a 32-byte bstr");
    }
    memcpy(out, b, 32);
    return MANIFEST_OK;
}

/* The manifest map of docs/protocol.md §10.2; unknown fields are ignored (§1.1). */
static int decode_manifest(const uint8_t *payload, size_t len, manifest_t *m, char *err,
                           size_t n)
{
    cbor_reader_t map, needs;
    cbor_reader_init(&map, payload, len);
    int rc = cbor_check(payload, len);
    if (rc == CBOR_OK && cbor_peek_type(&map) != CBOR_MAP) {
        rc = CBOR_ERR_TYPE;
    }
    if (rc != CBOR_OK) {
        return failf(err, n, MANIFEST_MALFORMED, "manifest payload is not a CBOR map (%s)",
                     cbor_err_name(rc));
    }
    if (get_text(&map, "name", m->name, MANIFEST_NAME_MAX, err, n) ||
        get_text(&map, "version", m->version, MANIFEST_VERSION_MAX, err, n) ||
        get_text(&map, "vm", m->vm, MANIFEST_VM_MAX, err, n) ||
        get_uint(&map, "size", &m->size, err, n) || get_sha256(&map, m->sha256, err, n) ||
        get_uint(&map, "sequence", &m->sequence, err, n) ||
        get_uint(&map, "createdAt", &m->created_at, err, n) ||
        field(&map, "needs", &needs, err, n)) {
        return MANIFEST_MALFORMED;
    }
    if (cbor_peek_type(&needs) != CBOR_MAP) {
        return failf(err, n, MANIFEST_MALFORMED, "manifest: needs must be a map");
    }
    if (get_uint(&needs, "ramBytes", &m->ram_bytes, err, n) ||
        get_uint(&needs, "flashBytes", &m->flash_bytes, err, n) ||
        get_uint(&needs, "stackBytes", &m->stack_bytes, err, n)) {
        return MANIFEST_MALFORMED;
    }
    return MANIFEST_OK;
}

int manifest_verify(const uint8_t *cose, size_t len, const uint8_t public_key[32],
                    manifest_t *out, char *err, size_t err_len)
{
    cose_sign1_t c;
    int rc;
    if (err_len > 0) {
        err[0] = '\0';
    }
    if ((rc = parse_cose(cose, len, &c, err, err_len)) != MANIFEST_OK ||
        (rc = check_protected(&c, err, err_len)) != MANIFEST_OK ||
        (rc = check_signature(&c, public_key, err, err_len)) != MANIFEST_OK) {
        return rc;
    }
    return decode_manifest(c.payload, c.payload_len, out, err, err_len);
}

int manifest_kid(const uint8_t *cose, size_t len, const uint8_t **kid, size_t *kid_len)
{
    cose_sign1_t c;
    cbor_reader_t v;
    if (parse_cose(cose, len, &c, NULL, 0) != MANIFEST_OK ||
        cbor_map_find_int(&c.unprotected, HEADER_KID, &v) != CBOR_OK ||
        cbor_read_bytes(&v, kid, kid_len) != CBOR_OK) {
        return MANIFEST_MALFORMED;
    }
    return MANIFEST_OK;
}
