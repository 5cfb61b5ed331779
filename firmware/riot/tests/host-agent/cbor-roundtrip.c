/*
 * cbor-roundtrip: writes a telemetry-like map (docs/protocol.md §5.3, plus edge values)
 * with the cbor.h writer and prints
 *   line 1: the bytes in hex
 *   line 2: the same bytes read back through cbor.h, as JSON (dump.h)
 *   line 3: "overflow-ok <n>" after writing it again into every smaller buffer (0..n-1):
 *           each must report overflow and leave the guard bytes after the buffer alone.
 * Any broken guard aborts (a signal), which the Jest test counts as a failure.
 */
#include <stdlib.h>
#include <string.h>

#include "dump.h"

static void write_telemetry(cbor_writer_t *w)
{
    cbor_put_map(w, 18);
    cbor_put_text(w, "ts");
    cbor_put_uint(w, 1763740800000u); /* > 2^32: the 8-byte head */
    cbor_put_text(w, "uptimeMs");
    cbor_put_uint(w, 123456);
    cbor_put_text(w, "ram");
    cbor_put_map(w, 3);
    cbor_put_text(w, "used");
    cbor_put_uint(w, 40960);
    cbor_put_text(w, "peak");
    cbor_put_uint(w, 51200);
    cbor_put_text(w, "total");
    cbor_put_uint(w, 262144);
    cbor_put_text(w, "flash");
    cbor_put_map(w, 2);
    cbor_put_text(w, "used");
    cbor_put_uint(w, 131072);
    cbor_put_text(w, "total");
    cbor_put_uint(w, 1048576);
    cbor_put_text(w, "cpu");
    cbor_put_double(w, 0.25); /* exact in float32 */
    cbor_put_text(w, "temp");
    cbor_put_double(w, 21.1); /* needs float64 */
    cbor_put_text(w, "vm");
    cbor_put_map(w, 2);
    cbor_put_text(w, "state");
    cbor_put_text(w, "running");
    cbor_put_text(w, "instructions");
    cbor_put_double(w, 987654.0); /* integral: must come out as an integer */
    cbor_put_text(w, "app");
    cbor_put_map(w, 2);
    cbor_put_text(w, "id");
    cbor_put_text_n(w, "blinky-extra", 6);
    cbor_put_text(w, "version");
    cbor_put_text(w, "1.0.0");
    cbor_put_text(w, "actuators");
    cbor_put_map(w, 2);
    cbor_put_text(w, "led");
    cbor_put_array(w, 3);
    cbor_put_int(w, 1);
    cbor_put_int(w, 0);
    cbor_put_int(w, 1);
    cbor_put_text(w, "gpio");
    cbor_put_array(w, 0);
    cbor_put_text(w, "delta");
    cbor_put_int(w, -500);
    cbor_put_text(w, "min");
    cbor_put_int(w, INT64_MIN);
    cbor_put_text(w, "max");
    cbor_put_uint(w, UINT64_MAX);
    cbor_put_text(w, "big");
    cbor_put_double(w, 68719476736.0); /* 2^36, integral */
    cbor_put_text(w, "neg");
    cbor_put_double(w, -3.0);
    cbor_put_text(w, "ok");
    cbor_put_bool(w, true);
    cbor_put_text(w, "fault");
    cbor_put_bool(w, false);
    cbor_put_text(w, "last");
    cbor_put_null(w);
    cbor_put_text(w, "blob");
    cbor_put_bytes(w, (const uint8_t *)"\xde\xad\xbe\xef", 4);
}

#define GUARD 0xa5
#define GUARD_BYTES 16

int main(void)
{
    static uint8_t buf[1024];
    cbor_writer_t w;
    cbor_writer_init(&w, buf, sizeof(buf));
    write_telemetry(&w);
    size_t len = cbor_writer_len(&w);
    if (len == 0) {
        fprintf(stderr, "telemetry does not fit in %zu bytes\n", sizeof(buf));
        return 1;
    }
    print_hex(stdout, buf, len);
    putchar('\n');

    cbor_reader_t r;
    cbor_reader_init(&r, buf, len);
    if (dump_item(&r, stdout, 0) != CBOR_OK || cbor_finish(&r) != CBOR_OK) {
        printf(" error:%s", cbor_err_name(r.err));
    }
    putchar('\n');

    for (size_t cap = 0; cap < len; cap++) {
        uint8_t *small = malloc(cap + GUARD_BYTES);
        memset(small, GUARD, cap + GUARD_BYTES);
        cbor_writer_init(&w, small, cap);
        write_telemetry(&w);
        for (size_t i = cap; i < cap + GUARD_BYTES; i++) {
            if (small[i] != GUARD) {
                abort();
            }
        }
        if (!w.overflow || cbor_writer_len(&w) != 0 || w.len > cap) {
            printf("no overflow reported at cap %zu\n", cap);
            return 1;
        }
        free(small);
    }
    printf("overflow-ok %zu\n", len);
    return 0;
}
