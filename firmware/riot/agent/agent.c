/*
 * The agent thread: registration (docs/protocol.md §11.1), the observation of /v1/down,
 * telemetry, and the queue that brings downlinks (from the gcoap thread) and guest events
 * (from the VM thread) to the one thread that talks to the gateway.
 */
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "mutex.h"
#include "net/gcoap.h"
#include "net/sock/util.h"
#include "thread.h"
#include "ztimer.h"

#include "agent.h"
#include "downlink.h"
#include "link.h"
#include "ota.h"
#include "runner.h"
#include "slots.h"
#include "storage.h"
#include "uplink.h"

#define MSG_DOWN   0x5601 /* a notification is waiting in _incoming */
#define MSG_EVENT  0x5602 /* guest events are waiting in _events */
#define MSG_WAKE   0x5603

#define EVENTS_MAX 16
#define INCOMING_BYTES (LINK_BLOCK_BYTES + 128)
#define INCOMING_MAX 4

typedef struct {
    enum { EV_PUBLISH, EV_EMIT, EV_STATE } kind;
    char name[33];
    int32_t value;
    uint16_t event;
    program_state_t state;
    run_end_t end;
} agent_event_t;

static agent_config_t _cfg = {
#ifdef VMFLEET_DEVICE_ID
    .id = VMFLEET_DEVICE_ID,
#endif
#ifdef VMFLEET_DEVICE_TOKEN
    .token = VMFLEET_DEVICE_TOKEN,
#endif
    .board = RIOT_BOARD,
    .clock_hz = 64000000,
    .telemetry_ms = 5000,
    .lifetime_s = 300,
};

static char _stack[THREAD_STACKSIZE_DEFAULT + 8192];
static kernel_pid_t _pid = KERNEL_PID_UNDEF;
static msg_t _queue[16];
static bool _registered;
static bool _observing;

static mutex_t _lock = MUTEX_INIT;
static agent_event_t _events[EVENTS_MAX];
static unsigned _ev_head, _ev_count, _ev_dropped;
/* Notifications wait here for the agent thread: the gateway may send the next one (an
 * offer, another command) while the agent still answers the previous one. */
typedef struct {
    uint8_t body[INCOMING_BYTES];
    size_t len;
    bool more;
} incoming_t;
static incoming_t _incoming[INCOMING_MAX];
static unsigned _in_head, _in_count;

const agent_config_t *agent_config(void)
{
    return &_cfg;
}

void agent_on_refusal(unsigned code)
{
    if (code == 401) {
        _registered = false; /* unknown or expired session: register again (§11.1) */
        _observing = false;
    }
}

static void _post(uint16_t type)
{
    msg_t m = { .type = type };
    if (_pid != KERNEL_PID_UNDEF) {
        msg_try_send(&m, _pid);
    }
}

void agent_wake(void)
{
    _post(MSG_WAKE);
}

/* gcoap thread: queue the notification for the agent thread. */
static void _on_notification(const uint8_t *body, size_t len, bool more)
{
    mutex_lock(&_lock);
    if (_in_count == INCOMING_MAX) {
        printf("vmfleet: downlink dropped (%u waiting)\n", INCOMING_MAX);
    }
    else {
        incoming_t *in = &_incoming[(_in_head + _in_count++) % INCOMING_MAX];
        in->len = len < sizeof(in->body) ? len : sizeof(in->body);
        memcpy(in->body, body, in->len);
        in->more = more;
    }
    mutex_unlock(&_lock);
    _post(MSG_DOWN);
}

static void _queue_event(const agent_event_t *ev)
{
    mutex_lock(&_lock);
    if (_ev_count == EVENTS_MAX) {
        _ev_dropped++;
    }
    else {
        _events[(_ev_head + _ev_count++) % EVENTS_MAX] = *ev;
    }
    mutex_unlock(&_lock);
    _post(MSG_EVENT);
}

void agent_on_publish(const char *name, int32_t value)
{
    agent_event_t ev = { .kind = EV_PUBLISH, .value = value };
    strncpy(ev.name, name, sizeof(ev.name) - 1);
    _queue_event(&ev);
}

void agent_on_emit(uint16_t event, int32_t value)
{
    agent_event_t ev = { .kind = EV_EMIT, .event = event, .value = value };
    _queue_event(&ev);
}

void agent_on_vm_state(program_state_t state, const run_end_t *end)
{
    agent_event_t ev = { .kind = EV_STATE, .state = state };
    if (end) {
        ev.end = *end;
    }
    ota_on_vm_state(state, end);
    _queue_event(&ev);
}

static void _send_events(void)
{
    for (;;) {
        agent_event_t ev;
        mutex_lock(&_lock);
        if (_ev_count == 0) {
            mutex_unlock(&_lock);
            return;
        }
        ev = _events[_ev_head];
        _ev_head = (_ev_head + 1) % EVENTS_MAX;
        _ev_count--;
        mutex_unlock(&_lock);
        switch (ev.kind) {
        case EV_PUBLISH: uplink_publish(ev.name, ev.value); break;
        case EV_EMIT: uplink_emit(ev.event, ev.value); break;
        case EV_STATE: uplink_vm_event(ev.state, &ev.end); break;
        }
    }
}

static void _take_downlinks(void)
{
    for (;;) {
        mutex_lock(&_lock);
        if (_in_count == 0) {
            mutex_unlock(&_lock);
            return;
        }
        incoming_t *in = &_incoming[_in_head];
        mutex_unlock(&_lock);
        /* The slot stays taken while it is handled, so the gcoap thread cannot overwrite it. */
        downlink_handle(in->body, in->len, in->more);
        mutex_lock(&_lock);
        _in_head = (_in_head + 1) % INCOMING_MAX;
        _in_count--;
        mutex_unlock(&_lock);
    }
}

static bool _register(void)
{
    cbor_writer_t *w = uplink_begin();
    cbor_put_map(w, 4);
    cbor_put_text(w, "id");
    cbor_put_text(w, _cfg.id);
    cbor_put_text(w, "token");
    cbor_put_text(w, _cfg.token);
    cbor_put_text(w, "lifetime");
    cbor_put_uint(w, _cfg.lifetime_s);
    cbor_put_text(w, "hello");
    uplink_put_hello_body(w);
    link_set_session("");
    if (uplink_send("register") != 0) {
        return false;
    }
    /* 2.01 {session, lifetime} (docs/protocol.md §11.1) */
    size_t len;
    const uint8_t *body = uplink_answer(&len);
    cbor_reader_t r, v;
    cbor_reader_init(&r, body, len);
    const char *session;
    size_t session_len;
    if (cbor_map_find(&r, "session", &v) != 0 || cbor_read_text(&v, &session, &session_len) != 0 ||
        session_len >= LINK_SESSION_BYTES) {
        printf("vmfleet: registration answer without a session\n");
        return false;
    }
    char copy[LINK_SESSION_BYTES];
    memcpy(copy, session, session_len);
    copy[session_len] = '\0';
    link_set_session(copy);
    return true;
}

static void _connect(void)
{
    link_response_t resp;
    if (!_registered) {
        _registered = _register();
        _observing = false;
        if (!_registered) {
            return;
        }
        printf("vmfleet: registered as %s\n", _cfg.id);
    }
    if (!_observing) {
        _observing = link_observe(&resp) == 0 && resp.code == 205;
        if (_observing) {
            /* The gateway re-offers pending updates on this observe (§11.1): a cut
             * transfer resumes from there, with nothing to do here. */
            printf("vmfleet: online\n");
        }
        else if (resp.code == 401) {
            _registered = false;
        }
    }
}

static void *_agent_thread(void *arg)
{
    (void)arg;
    msg_init_queue(_queue, ARRAY_SIZE(_queue));
    link_init(&_cfg.gateway, _on_notification);
    uint32_t next_telemetry = 0;
    uint32_t backoff = 1000;
    for (;;) {
        if (!_registered || !_observing) {
            _connect();
            if (!_registered || !_observing) {
                ztimer_sleep(ZTIMER_MSEC, backoff);
                backoff = backoff < 16000 ? backoff * 2 : backoff;
                continue;
            }
            backoff = 1000;
        }
        uint32_t now = ztimer_now(ZTIMER_MSEC);
        /* Re-observe well before the session lifetime runs out (RFC 7641 §3.3.1). */
        if (link_ms_since_notification() > _cfg.lifetime_s * 500) {
            _observing = false;
            continue;
        }
        if ((int32_t)(now - next_telemetry) >= 0) {
            uplink_telemetry();
            next_telemetry = now + _cfg.telemetry_ms;
        }
        ota_poll();
        _take_downlinks();
        _send_events();
        msg_t m;
        uint32_t wait = ota_busy() ? 0 : 200;
        if (wait && ztimer_msg_receive_timeout(ZTIMER_MSEC, &m, wait) < 0) {
            continue;
        }
    }
    return NULL;
}

void agent_save_config(void)
{
    stored_config_t *c = &storage_state()->config;
    memset(c, 0, sizeof(*c));
    strcpy(c->id, _cfg.id);
    strcpy(c->token, _cfg.token);
    strcpy(c->gateway, _cfg.gateway_str);
    strcpy(c->address, _cfg.address_str);
    memcpy(c->key, _cfg.key, sizeof(c->key));
    c->has_key = _cfg.has_key;
    c->provisioned = true;
    storage_commit();
}

/* A device that was provisioned before comes back by itself: identity, address, gateway. */
static void _restore_config(void)
{
    const stored_config_t *c = &storage_state()->config;
    if (!c->provisioned) {
        return;
    }
    strcpy(_cfg.id, c->id);
    strcpy(_cfg.token, c->token);
    strcpy(_cfg.gateway_str, c->gateway);
    strcpy(_cfg.address_str, c->address);
    memcpy(_cfg.key, c->key, sizeof(_cfg.key));
    _cfg.has_key = c->has_key;
    _cfg.has_gateway = sock_udp_name2ep(&_cfg.gateway, c->gateway) == 0;
    if (c->address[0]) {
        agent_add_address(c->address);
    }
    printf("vmfleet: provisioned as %s (from flash)\n", _cfg.id);
}

/* The installed app runs again after a reboot, as on any device with an app in flash. */
static void _boot_app(void)
{
    int slot = slots_active();
    if (slot < 0 || !slots_get(slot)->complete) {
        return;
    }
    const slot_t *s = slots_get(slot);
    vm_load_report_t report;
    char err[VM_ERROR_BYTES];
    if (runner_load(slots_data(slot), s->manifest.size, s->manifest.name, s->manifest.version,
                    &report, err, sizeof(err)) == 0) {
        printf("vmfleet: booting %s@%s\n", s->manifest.name, s->manifest.version);
        runner_start();
    }
}

void agent_start(void)
{
    runner_init();
    if (slots_init()) {
        _restore_config();
        _boot_app();
    }
#ifdef VMFLEET_GATEWAY
    sock_udp_name2ep(&_cfg.gateway, VMFLEET_GATEWAY);
    _cfg.has_gateway = true;
#endif
    if (_cfg.id[0] && _cfg.token[0] && _cfg.has_gateway) {
        agent_connect();
    }
}

void agent_connect(void)
{
    if (_pid == KERNEL_PID_UNDEF) {
        /* STACKTEST: the shell's ps shows how much of its stack the agent has used */
        _pid = thread_create(_stack, sizeof(_stack), THREAD_PRIORITY_MAIN - 1,
                             THREAD_CREATE_STACKTEST, _agent_thread, NULL, "vmfleet-agent");
    }
}

agent_config_t *agent_config_mut(void)
{
    return &_cfg;
}

bool agent_running(void)
{
    return _pid != KERNEL_PID_UNDEF;
}

bool agent_online(void)
{
    return _registered && _observing;
}
