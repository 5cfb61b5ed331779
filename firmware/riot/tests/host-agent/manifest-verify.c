/*
 * manifest-verify <cose-file> <pubkey-hex>: verifies a COSE_Sign1 manifest with the
 * agent's manifest_verify and prints one line of JSON: the decoded manifest and kid, or
 * {"error":"<§10.1 code>","message":"…"}. Exit 0 when it verified, 1 when refused.
 * With <cose-file> "-" it reads records (4-byte big-endian length + bytes) from stdin and
 * prints one line per record, exiting 0 at the end: the hostile-input mode of the test.
 */
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "manifest.h"

static void print_kid(const uint8_t *cose, size_t len)
{
    const uint8_t *kid;
    size_t kid_len;
    if (manifest_kid(cose, len, &kid, &kid_len) == MANIFEST_OK) {
        printf("\"kid\":\"h'");
        print_hex(stdout, kid, kid_len);
        printf("'\",");
    }
}

static int verify(const uint8_t *cose, size_t len, const uint8_t key[32])
{
    manifest_t m;
    char err[128];
    int rc = manifest_verify(cose, len, key, &m, err, sizeof(err));
    printf("{");
    print_kid(cose, len);
    if (rc != MANIFEST_OK) {
        printf("\"error\":\"%s\",\"message\":\"%s\"}\n", manifest_code(rc), err);
        return 1;
    }
    /* name/version/vm are checked text without NUL; the test uses plain ASCII */
    printf("\"name\":\"%s\",\"version\":\"%s\",\"vm\":\"%s\",\"size\":%llu,\"sha256\":\"",
           m.name, m.version, m.vm, (unsigned long long)m.size);
    print_hex(stdout, m.sha256, 32);
    printf("\",\"sequence\":%llu,\"needs\":{\"ramBytes\":%llu,\"flashBytes\":%llu,"
           "\"stackBytes\":%llu},\"createdAt\":%llu}\n",
           (unsigned long long)m.sequence, (unsigned long long)m.ram_bytes,
           (unsigned long long)m.flash_bytes, (unsigned long long)m.stack_bytes,
           (unsigned long long)m.created_at);
    return 0;
}

static int parse_key(const char *hex, uint8_t key[32])
{
    if (strlen(hex) != 64) {
        return -1;
    }
    for (int i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
            return -1;
        }
        key[i] = (uint8_t)v;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static uint8_t buf[RECORD_MAX];
    uint8_t key[32];
    if (argc != 3 || parse_key(argv[2], key) != 0) {
        fprintf(stderr, "usage: manifest-verify <cose-file|-> <64 hex digits of the key>\n");
        return 2;
    }
    if (strcmp(argv[1], "-") != 0) {
        FILE *f = fopen(argv[1], "rb");
        if (f == NULL) {
            perror(argv[1]);
            return 2;
        }
        size_t len = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        uint8_t *copy = malloc(len > 0 ? len : 1); /* exact size, for ASan */
        memcpy(copy, buf, len);
        int rc = verify(copy, len, key);
        free(copy);
        return rc;
    }
    long len;
    while ((len = read_record(stdin, buf, sizeof(buf))) >= 0) {
        uint8_t *copy = malloc(len > 0 ? (size_t)len : 1);
        memcpy(copy, buf, (size_t)len);
        verify(copy, (size_t)len, key);
        free(copy);
    }
    return 0;
}
