/*
 * cbor-dump: for each record on stdin (4-byte big-endian length + bytes) prints one line
 *   check=<cbor_check result> dump=<JSON through the typed reads>|error:<name>
 * The Jest test feeds it hostile input; a crash (any signal, ASan/UBSan included) fails.
 */
#include <stdlib.h>

#include "dump.h"

int main(void)
{
    static uint8_t buf[RECORD_MAX];
    long len;
    while ((len = read_record(stdin, buf, sizeof(buf))) >= 0) {
        cbor_reader_t r;
        /* A heap copy of exactly `len` bytes, so ASan sees any read past the end. */
        uint8_t *copy = malloc(len > 0 ? (size_t)len : 1);
        for (long i = 0; i < len; i++) {
            copy[i] = buf[i];
        }
        printf("check=%s dump=", cbor_err_name(cbor_check(copy, (size_t)len)));
        cbor_reader_init(&r, copy, (size_t)len);
        if (dump_item(&r, stdout, 0) == CBOR_OK && cbor_finish(&r) == CBOR_OK) {
            putchar('\n');
        }
        else {
            printf(" error:%s\n", cbor_err_name(r.err));
        }
        free(copy);
    }
    return 0;
}
