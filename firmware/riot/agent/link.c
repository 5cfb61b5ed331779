/*
 * CoAP link to the gateway over gcoap (docs/protocol.md §11).
 *
 * gcoap calls response handlers in its own thread. Requests are made by the agent thread
 * only, one at a time: the handler copies the answer into the waiting request's buffer and
 * unlocks it. gcoap retransmits CON requests itself (RFC 7252 §4.2) and calls the handler
 * with GCOAP_MEMO_TIMEOUT when it gives up, so a wait always ends.
 */
#include <stdio.h>
#include <string.h>

#include "mutex.h"
#include "net/gcoap.h"
#include "ztimer.h"

#include "link.h"

#define FORMAT_CBOR 60 /* application/cbor, RFC 8949 §9.5 */

typedef struct {
    mutex_t done;
    uint8_t *buf;
    size_t cap;
    link_response_t *out;
} waiter_t;

static sock_udp_ep_t _gateway;
static link_notify_cb_t _on_notification;
static char _session[LINK_SESSION_BYTES];
static uint8_t _pdu[CONFIG_GCOAP_PDU_BUF_SIZE];
static waiter_t _waiter = { .done = MUTEX_INIT_LOCKED };
static uint8_t _obs_token[GCOAP_TOKENLEN_MAX];
static size_t _obs_token_len;
static uint32_t _last_notification_ms;

void link_init(const sock_udp_ep_t *gateway, link_notify_cb_t on_notification)
{
    _gateway = *gateway;
    _on_notification = on_notification;
}

void link_set_session(const char *session)
{
    strncpy(_session, session, sizeof(_session) - 1);
    _session[sizeof(_session) - 1] = '\0';
}

const char *link_session(void)
{
    return _session;
}

uint32_t link_ms_since_notification(void)
{
    return ztimer_now(ZTIMER_MSEC) - _last_notification_ms;
}

static void _fill(const gcoap_request_memo_t *memo, coap_pkt_t *pdu, waiter_t *w)
{
    memset(w->out, 0, sizeof(*w->out));
    if (memo->state != GCOAP_MEMO_RESP) {
        return; /* timeout or error: code 0 */
    }
    w->out->code = coap_get_code_decimal(pdu);
    size_t n = pdu->payload_len < w->cap ? pdu->payload_len : w->cap;
    if (w->buf && n) {
        memcpy(w->buf, pdu->payload, n);
    }
    w->out->len = n;
    coap_block1_t block;
    if (coap_get_block2(pdu, &block) && block.more == 1) {
        w->out->more = true;
    }
    uint32_t size2;
    if (coap_opt_get_uint(pdu, COAP_OPT_SIZE2, &size2) == 0) {
        w->out->size2 = size2;
    }
}

static void _on_response(const gcoap_request_memo_t *memo, coap_pkt_t *pdu,
                         const sock_udp_ep_t *remote)
{
    (void)remote;
    waiter_t *w = memo->context;
    _fill(memo, pdu, w);
    mutex_unlock(&w->done);
}

/* Notifications of /v1/down keep arriving on the observe memo (RFC 7641 §3.2). The first
 * answer (to the registration itself) also wakes the agent waiting in link_observe. */
static void _on_observe(const gcoap_request_memo_t *memo, coap_pkt_t *pdu,
                        const sock_udp_ep_t *remote)
{
    (void)remote;
    waiter_t *w = memo->context;
    if (w && w->out) {
        _fill(memo, pdu, w);
        w->out = NULL;
        ((gcoap_request_memo_t *)memo)->context = NULL;
        mutex_unlock(&w->done);
        return;
    }
    if (memo->state != GCOAP_MEMO_RESP || coap_get_code_class(pdu) != COAP_CLASS_SUCCESS) {
        return;
    }
    _last_notification_ms = ztimer_now(ZTIMER_MSEC);
    coap_block1_t block;
    bool more = coap_get_block2(pdu, &block) && block.more == 1;
    if (_on_notification && pdu->payload_len) {
        _on_notification(pdu->payload, pdu->payload_len, more);
    }
}

static int _begin(coap_pkt_t *pdu, unsigned method, const char *path, bool observe)
{
    if (gcoap_req_init(pdu, _pdu, sizeof(_pdu), method, NULL) < 0) {
        return -1;
    }
    coap_pkt_set_type(pdu, COAP_TYPE_CON);
    if (observe) {
        coap_opt_add_uint(pdu, COAP_OPT_OBSERVE, COAP_OBS_REGISTER); /* option 6 */
    }
    coap_opt_add_uri_path(pdu, path); /* 11 */
    return 0;
}

static void _add_session(coap_pkt_t *pdu)
{
    if (_session[0]) {
        coap_opt_add_uri_query(pdu, "s", _session); /* 15 */
    }
}

static int _send_and_wait(coap_pkt_t *pdu, size_t len, gcoap_resp_handler_t handler,
                          uint8_t *resp, size_t cap, link_response_t *out)
{
    (void)pdu; /* built into _pdu */
    _waiter.buf = resp;
    _waiter.cap = cap;
    _waiter.out = out;
    if (gcoap_req_send(_pdu, len, &_gateway, NULL, handler, &_waiter,
                       GCOAP_SOCKET_TYPE_UDP) <= 0) {
        return -1;
    }
    mutex_lock(&_waiter.done);
    return out->code ? 0 : -1;
}

/* The token of the first block of a Block1 upload. RFC 7959 §2.5 lets a client change
 * tokens between blocks, but servers (the gateway's coap package among them) tie the
 * reassembly to the token, so every block of one body carries the first block's. */
static uint8_t _upload_token[GCOAP_TOKENLEN_MAX];

static int _one_block1(unsigned method, const char *path, const uint8_t *body, size_t len,
                       size_t offset, size_t total, uint8_t *resp, size_t cap,
                       link_response_t *out)
{
    coap_pkt_t pdu;
    if (_begin(&pdu, method, path, false) < 0) {
        return -1;
    }
    size_t tkl = coap_get_token_len(&pdu);
    if (total > LINK_BLOCK_BYTES && tkl <= sizeof(_upload_token)) {
        if (offset == 0) {
            memcpy(_upload_token, coap_get_token(&pdu), tkl);
        }
        else {
            memcpy(coap_get_token(&pdu), _upload_token, tkl);
        }
    }
    coap_opt_add_format(&pdu, FORMAT_CBOR);
    _add_session(&pdu);
    bool blockwise = total > LINK_BLOCK_BYTES;
    if (blockwise) {
        /* RFC 7959 §2.2: NUM << 4 | M << 3 | SZX */
        uint32_t num = offset / LINK_BLOCK_BYTES;
        unsigned more = offset + len < total;
        coap_opt_add_uint(&pdu, COAP_OPT_BLOCK1, (num << 4) | (more << 3) | LINK_BLOCK_SZX);
        if (offset == 0) {
            coap_opt_add_uint(&pdu, COAP_OPT_SIZE1, total); /* RFC 7959 §4 */
        }
    }
    ssize_t hdr = coap_opt_finish(&pdu, len ? COAP_OPT_FINISH_PAYLOAD : COAP_OPT_FINISH_NONE);
    if (hdr < 0 || (size_t)hdr + len > sizeof(_pdu)) {
        return -1;
    }
    memcpy(pdu.payload, body, len);
    return _send_and_wait(&pdu, hdr + len, _on_response, resp, cap, out);
}

int link_request(unsigned method, const char *path, const uint8_t *body, size_t len,
                 uint8_t *resp, size_t resp_cap, link_response_t *out)
{
    size_t offset = 0;
    do {
        size_t n = len - offset > LINK_BLOCK_BYTES ? LINK_BLOCK_BYTES : len - offset;
        if (_one_block1(method, path, body + offset, n, offset, len, resp, resp_cap, out) < 0) {
            return -1;
        }
        offset += n;
        /* 2.31 Continue asks for the next block; anything else is the final answer. */
        if (out->code != 231) {
            return 0;
        }
    } while (offset < len);
    return 0;
}

int link_get_block(const char *path, uint32_t num, unsigned szx, uint8_t *resp,
                   size_t resp_cap, link_response_t *out)
{
    coap_pkt_t pdu;
    if (_begin(&pdu, COAP_METHOD_GET, path, false) < 0) {
        return -1;
    }
    _add_session(&pdu);
    coap_opt_add_uint(&pdu, COAP_OPT_BLOCK2, (num << 4) | szx); /* 23 */
    if (num == 0) {
        coap_opt_add_uint(&pdu, COAP_OPT_SIZE2, 0); /* 28: ask for the size, RFC 7959 §4 */
    }
    ssize_t len = coap_opt_finish(&pdu, COAP_OPT_FINISH_NONE);
    if (len < 0) {
        return -1;
    }
    return _send_and_wait(&pdu, len, _on_response, resp, resp_cap, out);
}

int link_observe(link_response_t *out)
{
    if (_obs_token_len) {
        /* A new registration replaces the old one on the gateway; forget the old memo
         * here so it does not hold a slot of gcoap's request table forever. */
        gcoap_obs_req_forget(&_gateway, _obs_token, _obs_token_len);
        _obs_token_len = 0;
    }
    coap_pkt_t pdu;
    if (_begin(&pdu, COAP_METHOD_GET, "/v1/down", true) < 0) {
        return -1;
    }
    _add_session(&pdu);
    ssize_t len = coap_opt_finish(&pdu, COAP_OPT_FINISH_NONE);
    if (len < 0) {
        return -1;
    }
    _obs_token_len = coap_get_token_len(&pdu);
    memcpy(_obs_token, coap_get_token(&pdu), _obs_token_len);
    _last_notification_ms = ztimer_now(ZTIMER_MSEC);
    return _send_and_wait(&pdu, len, _on_observe, NULL, 0, out);
}
