/*
 * Assembles a downlink notification and routes it by channel (docs/protocol.md §11.1).
 */
#include <stdio.h>
#include <string.h>

#include "downlink.h"
#include "link.h"

static uint8_t _down[DOWNLINK_BYTES];

/* The rest of a large notification: GET /v1/down with Block2 NUM 1, 2, … (RFC 7959 §3.4). */
static size_t _fetch_rest(size_t have)
{
    link_response_t resp = { .more = true };
    for (uint32_t num = 1; resp.more; num++) {
        if (have + LINK_BLOCK_BYTES > sizeof(_down)) {
            printf("vmfleet: downlink larger than %u bytes dropped\n", (unsigned)sizeof(_down));
            return 0;
        }
        if (link_get_block("/v1/down", num, LINK_BLOCK_SZX, _down + have, LINK_BLOCK_BYTES,
                           &resp) < 0 || resp.code != 205) {
            printf("vmfleet: downlink block %lu failed (%u)\n", (unsigned long)num, resp.code);
            return 0;
        }
        have += resp.len;
    }
    return have;
}

void downlink_handle(const uint8_t *first, size_t len, bool more_blocks)
{
    if (len > sizeof(_down)) {
        return;
    }
    memcpy(_down, first, len);
    if (more_blocks && (len = _fetch_rest(len)) == 0) {
        return;
    }
    cbor_reader_t r, channel, body;
    cbor_reader_init(&r, _down, len);
    const char *name;
    size_t name_len;
    if (cbor_check(_down, len) != 0 || cbor_map_find(&r, "channel", &channel) != 0 ||
        cbor_peek_null(&channel)) {
        return; /* the answer to the registration itself: {channel: null} */
    }
    if (cbor_read_text(&channel, &name, &name_len) != 0 ||
        cbor_map_find(&r, "body", &body) != 0) {
        printf("vmfleet: malformed downlink\n");
        return;
    }
    if (name_len == 3 && !memcmp(name, "cmd", 3)) {
        monitor_handle(&body);
    }
    else if (name_len == 6 && !memcmp(name, "update", 6)) {
        ota_handle(&body);
    }
    else if (name_len == 5 && !memcmp(name, "error", 5)) {
        cbor_reader_t msg;
        const char *text = "";
        size_t text_len = 0;
        if (cbor_map_find(&body, "message", &msg) == 0) {
            cbor_read_text(&msg, &text, &text_len);
        }
        printf("vmfleet: gateway refused a message: %.*s\n", (int)text_len, text);
    }
}
