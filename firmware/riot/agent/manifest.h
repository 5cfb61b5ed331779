/*
 * The signed app manifest of docs/protocol.md §10.2: a COSE_Sign1 (RFC 9052 §4.2) with
 * EdDSA/Ed25519 (RFC 9053 §2.2) over the manifest CBOR map, checked against the gateway
 * key the device was provisioned with. The C side of src/protocol/manifest.ts.
 */
#ifndef VMFLEET_MANIFEST_H
#define VMFLEET_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

/* Longest manifest payload accepted: the Sig_structure is built on the stack around it.
 * Today's manifests are ~200 bytes. */
#ifndef MANIFEST_MAX_PAYLOAD
#define MANIFEST_MAX_PAYLOAD 512
#endif

#define MANIFEST_NAME_MAX 64    /* src/protocol/manifest.ts manifestSchema */
#define MANIFEST_VERSION_MAX 64
#define MANIFEST_VM_MAX 15      /* the longest VM kind, with room to spare */

typedef struct {
    char name[MANIFEST_NAME_MAX + 1]; /* NUL-terminated */
    char version[MANIFEST_VERSION_MAX + 1];
    char vm[MANIFEST_VM_MAX + 1];
    uint64_t size;      /* payload bytes */
    uint8_t sha256[32]; /* of the payload */
    uint64_t sequence;  /* anti-rollback: must exceed the running app's */
    uint64_t ram_bytes; /* needs.ramBytes */
    uint64_t flash_bytes;
    uint64_t stack_bytes;
    uint64_t created_at; /* Unix ms */
} manifest_t;

/* Results, matching the device OTA codes of docs/protocol.md §10.1. */
typedef enum {
    MANIFEST_OK = 0,
    /* Not a COSE_Sign1 of the expected shape, no alg, or a payload that is not a valid
     * manifest (checked only after the signature verified). */
    MANIFEST_MALFORMED = -1,
    /* The signature does not verify with the key, or the alg is not EdDSA (-8): a
     * well-formed manifest this device cannot trust, as the gateway's wrong_algorithm. */
    MANIFEST_BAD_SIGNATURE = -2,
} manifest_result_t;

/* "malformed_manifest", "bad_signature" (the §10.1 code), "ok". */
const char *manifest_code(int result);

/* Verifies `cose` with `public_key`, then decodes the manifest into `out`. On failure
 * returns a manifest_result_t and writes why into `err` (always NUL-terminated when
 * err_len > 0); `out` is then undefined. Accepts the COSE_Sign1 with or without tag 18. */
int manifest_verify(const uint8_t *cose, size_t len, const uint8_t public_key[32],
                    manifest_t *out, char *err, size_t err_len);

/* The key id of the unprotected header (RFC 9052 §3.1 label 4), pointing into `cose`,
 * without verifying anything: for diagnostics ("signed by kid X, provisioned with Y").
 * Returns MANIFEST_OK, or MANIFEST_MALFORMED when there is no kid byte string. */
int manifest_kid(const uint8_t *cose, size_t len, const uint8_t **kid, size_t *kid_len);

#endif /* VMFLEET_MANIFEST_H */
