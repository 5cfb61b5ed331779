/*
 * The device's CoAP link to the gateway (docs/protocol.md §11) over gcoap: requests that
 * the agent thread makes one at a time and waits for, Block1 for bodies over 1024 bytes
 * (RFC 7959 §2.5), Block2 GETs (§2.4, §3.4), and the observation of /v1/down (RFC 7641)
 * whose notifications arrive in the gcoap thread and are handed to the agent.
 */
#ifndef VMFLEET_LINK_H
#define VMFLEET_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/sock/udp.h"

/* The largest block and the Block1 threshold of docs/protocol.md §11 (COAP_MAX_BLOCK). */
#define LINK_BLOCK_BYTES 1024
#define LINK_BLOCK_SZX 6

#define LINK_SESSION_BYTES 23 /* 22 base64url characters + NUL */

/* Response codes as class*100 + detail: 205 = 2.05 Content, 401 = 4.01 Unauthorized. */
typedef struct {
    unsigned code;   /* 0 when no answer came (timeout) */
    size_t len;      /* payload bytes copied into the caller's buffer */
    bool more;       /* Block2 M bit */
    uint32_t size2;  /* Size2, when the answer carried it */
} link_response_t;

/** A downlink notification: called in the gcoap thread; copy what you need and return. */
typedef void (*link_notify_cb_t)(const uint8_t *body, size_t len, bool more_blocks);

void link_init(const sock_udp_ep_t *gateway, link_notify_cb_t on_notification);
void link_set_session(const char *session);
const char *link_session(void);

/**
 * POST (or DELETE) `path`, with `?s=<session>` when one is set, body in CBOR; waits for
 * the answer, sending the body block-wise when it is larger than LINK_BLOCK_BYTES.
 * Returns 0 when an answer came (see resp->code), negative when none did.
 */
int link_request(unsigned method, const char *path, const uint8_t *body, size_t len,
                 uint8_t *resp, size_t resp_cap, link_response_t *out);

/** GET one block `num` of `path` with block size 2^(szx+4); asks for Size2 on block 0. */
int link_get_block(const char *path, uint32_t num, unsigned szx, uint8_t *resp,
                   size_t resp_cap, link_response_t *out);

/** (Re)registers the observation of /v1/down; the first answer is waited for. */
int link_observe(link_response_t *out);

/** ms since the last notification or observe answer (to detect a silent observation). */
uint32_t link_ms_since_notification(void);

#endif /* VMFLEET_LINK_H */
