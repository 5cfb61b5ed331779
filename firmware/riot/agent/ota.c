/*
 * Over-the-air updates on the RIOT device (docs/protocol.md §10.1, the CoAP form of §11.1):
 * an `offer` carries the signed manifest; the device verifies it (manifest.c), pulls the
 * payload with Block2 GETs of /v1/ota/{deployment} into the inactive slot, checks its
 * SHA-256, swaps slots, runs the new app and watches it for the health window; a fault or
 * a non-zero exit inside the window rolls back to the previous slot.
 */
#include <stdio.h>
#include <string.h>

#include "ztimer.h"

#include "agent.h"
#include "downlink.h"
#include "link.h"
#include "ota.h"
#include "runner.h"
#include "slots.h"
#include "uplink.h"

typedef enum { JOB_NONE, JOB_TRANSFERRING, JOB_WATCHING, JOB_FINAL } job_state_t;

typedef struct {
    uint32_t deployment;
    job_state_t state;
    int slot;
    uint32_t health_window_ms;
    uint32_t running_since;
    unsigned failures;          /* block fetches in a row that got no answer */
    const char *final_state;    /* the last report of a finished job, re-sent on re-offers */
    const char *final_code;
} job_t;

static job_t _job;
static volatile bool _app_failed;    /* set by the VM thread inside the health window */
static volatile bool _failed_by_exit;
static uint8_t _block[LINK_BLOCK_BYTES];

static void _report(uint32_t deployment, const char *state, const char *code, const char *reason,
                    const manifest_t *app, int64_t offset)
{
    cbor_writer_t *w = uplink_begin();
    cbor_put_map(w, 4 + (code != NULL) + (reason != NULL) + (app != NULL) + (offset >= 0));
    cbor_put_text(w, "kind");
    cbor_put_text(w, "report");
    cbor_put_text(w, "deployment");
    cbor_put_uint(w, deployment);
    cbor_put_text(w, "state");
    cbor_put_text(w, state);
    if (offset >= 0) {
        cbor_put_text(w, "offset");
        cbor_put_uint(w, offset);
    }
    if (code) {
        cbor_put_text(w, "code");
        cbor_put_text(w, code);
    }
    if (reason) {
        cbor_put_text(w, "reason");
        cbor_put_text(w, reason);
    }
    if (app) {
        cbor_put_text(w, "app");
        uplink_put_app_ref(w, app->name, app->version);
    }
    /* The slots after this step: how the gateway learns of each write, swap and revert. */
    cbor_put_text(w, "slots");
    uplink_put_slots(w);
    uplink_send("ota");
}

static void _conclude(const char *state, const char *code, const char *reason)
{
    const manifest_t *app = NULL;
    if (slots_active() >= 0) {
        app = &slots_get(slots_active())->manifest;
    }
    _job.state = JOB_FINAL;
    _job.final_state = state;
    _job.final_code = code;
    printf("vmfleet: update %lu %s%s%s\n", (unsigned long)_job.deployment, state,
           code ? " " : "", code ? code : "");
    _report(_job.deployment, state, code, reason, app, -1);
}

static void _refuse(uint32_t deployment, const char *code, const char *reason)
{
    printf("vmfleet: update %lu refused: %s (%s)\n", (unsigned long)deployment, code, reason);
    _report(deployment, "failed", code, reason, NULL, -1);
}

bool ota_busy(void)
{
    return _job.state == JOB_TRANSFERRING;
}

static int _load_and_start(int slot)
{
    const slot_t *s = slots_get(slot);
    vm_load_report_t report;
    char err[VM_ERROR_BYTES];
    runner_stop();
    int res = runner_load(slots_data(slot), s->manifest.size, s->manifest.name,
                          s->manifest.version, &report, err, sizeof(err));
    if (res < 0) {
        printf("vmfleet: %s@%s does not load: %s\n", s->manifest.name, s->manifest.version, err);
        return res;
    }
    return runner_start();
}

static bool _accept(uint32_t deployment, const manifest_t *m)
{
    int active = slots_active();
    if (strcmp(m->vm, vm_engine.kind)) {
        _refuse(deployment, "wrong_vm", "the app is for another VM kind");
        return false;
    }
    if (m->size > SLOT_BYTES) {
        _refuse(deployment, "does_not_fit", "the app is larger than an app slot");
        return false;
    }
    if (active >= 0 && m->sequence <= slots_get(active)->manifest.sequence) {
        if (m->sequence == slots_get(active)->manifest.sequence) {
            _job = (job_t){ .deployment = deployment };
            _conclude("healthy", NULL, NULL); /* already running it */
        }
        else {
            _refuse(deployment, "downgrade", "sequence not above the running app's");
        }
        return false;
    }
    return true;
}

static void _offer(cbor_reader_t *body, uint32_t deployment)
{
    if (_job.deployment == deployment && _job.state != JOB_NONE) {
        if (_job.state == JOB_FINAL) {
            _report(deployment, _job.final_state, _job.final_code, NULL,
                    slots_active() >= 0 ? &slots_get(slots_active())->manifest : NULL, -1);
        }
        else if (_job.state == JOB_TRANSFERRING) {
            _report(deployment, "transferring", NULL, NULL, NULL, slots_get(_job.slot)->received);
        }
        return; /* idempotent (§10.1) */
    }
    if (_job.state == JOB_WATCHING) {
        _refuse(deployment, "busy", "another update is being installed");
        return;
    }
    const agent_config_t *cfg = agent_config();
    if (!cfg->has_key) {
        _refuse(deployment, "no_key", "this device was provisioned without the gateway key");
        return;
    }
    cbor_reader_t r;
    const uint8_t *cose;
    size_t cose_len;
    uint64_t window = 0;
    if (cbor_map_find(body, "manifest", &r) != 0 || cbor_read_bytes(&r, &cose, &cose_len) != 0) {
        _refuse(deployment, "malformed_manifest", "offer without a manifest byte string");
        return;
    }
    if (cbor_map_find(body, "healthWindowMs", &r) == 0) {
        cbor_read_uint(&r, &window);
    }
    manifest_t m;
    char err[96];
    int res = manifest_verify(cose, cose_len, cfg->key, &m, err, sizeof(err));
    if (res != MANIFEST_OK) {
        _refuse(deployment, manifest_code(res), err);
        return;
    }
    if (!_accept(deployment, &m)) {
        return;
    }
    int slot = slots_begin(&m);
    _job = (job_t){ .deployment = deployment, .state = JOB_TRANSFERRING, .slot = slot,
                    .health_window_ms = window };
    printf("vmfleet: update %lu: %s@%s, %lu bytes from %lu\n", (unsigned long)deployment,
           m.name, m.version, (unsigned long)m.size, (unsigned long)slots_get(slot)->received);
    _report(deployment, "transferring", NULL, NULL, NULL, slots_get(slot)->received);
}

void ota_handle(cbor_reader_t *body)
{
    cbor_reader_t r;
    const char *op;
    size_t op_len;
    uint64_t deployment;
    if (cbor_map_find(body, "op", &r) != 0 || cbor_read_text(&r, &op, &op_len) != 0 ||
        cbor_map_find(body, "deployment", &r) != 0 || cbor_read_uint(&r, &deployment) != 0) {
        printf("vmfleet: malformed update message\n");
        return;
    }
    if (op_len == 5 && !memcmp(op, "offer", 5)) {
        _offer(body, deployment);
    }
    else if (op_len == 6 && !memcmp(op, "cancel", 6) && _job.deployment == deployment &&
             _job.state == JOB_TRANSFERRING) {
        slots_discard(_job.slot);
        _conclude("failed", "cancelled", "cancelled by the gateway");
    }
    /* `chunk` answers a POST fetch; a CoAP device pulls with Block2 instead. */
}

static void _install(void)
{
    const slot_t *s = slots_get(_job.slot);
    _report(_job.deployment, "verifying", NULL, NULL, NULL, -1);
    if (!slots_verify(_job.slot)) {
        slots_discard(_job.slot);
        _conclude("failed", "digest_mismatch", "the payload's SHA-256 differs from the manifest's");
        return;
    }
    int previous = slots_active();
    /* Watch from the first instruction: a new app can fault before the reports go out. */
    _app_failed = false;
    _job.state = JOB_WATCHING;
    _job.running_since = ztimer_now(ZTIMER_MSEC);
    if (_load_and_start(_job.slot) < 0) {
        if (previous >= 0) {
            _load_and_start(previous);
        }
        slots_discard(_job.slot);
        _conclude("failed", "image_rejected", "the engine refused the verified payload");
        return;
    }
    slots_activate(_job.slot);
    _report(_job.deployment, "installed", NULL, NULL, &s->manifest, -1);
    _report(_job.deployment, "running", NULL, NULL, &s->manifest, -1);
}

static void _fetch_next(void)
{
    const slot_t *s = slots_get(_job.slot);
    if (s->received >= s->manifest.size) {
        _install();
        return;
    }
    char path[32];
    snprintf(path, sizeof(path), "/v1/ota/%lu", (unsigned long)_job.deployment);
    link_response_t resp;
    uint32_t num = s->received / LINK_BLOCK_BYTES;
    if (link_get_block(path, num, LINK_BLOCK_SZX, _block, sizeof(_block), &resp) < 0) {
        if (++_job.failures >= 5) {
            _job.state = JOB_NONE; /* give up until the gateway offers again */
        }
        return;
    }
    _job.failures = 0;
    if (resp.code != 205) {
        printf("vmfleet: block %lu of update %lu: %u\n", (unsigned long)num,
               (unsigned long)_job.deployment, resp.code);
        if (resp.code == 404) {
            _job.state = JOB_NONE; /* not sending to us any more (cancelled or superseded) */
        }
        return;
    }
    uint32_t len = resp.len;
    if (s->received + len > s->manifest.size || slots_write(_job.slot, s->received, _block, len) < 0) {
        slots_discard(_job.slot);
        _conclude("failed", "bad_offset", "the payload is larger than the manifest says");
    }
}

static void _watch(void)
{
    if (_app_failed) {
        const char *code = _failed_by_exit ? "app_exit" : "app_fault";
        if (slots_previous() < 0) {
            _conclude("failed", "no_previous", code);
            return;
        }
        int slot = slots_revert();
        _load_and_start(slot);
        _conclude("rolled-back", code, "the new app failed inside its health window");
        return;
    }
    if (ztimer_now(ZTIMER_MSEC) - _job.running_since >= _job.health_window_ms) {
        _conclude("healthy", NULL, NULL);
    }
}

void ota_poll(void)
{
    switch (_job.state) {
    case JOB_TRANSFERRING: _fetch_next(); break;
    case JOB_WATCHING: _watch(); break;
    default: break;
    }
}

void ota_on_vm_state(program_state_t state, const run_end_t *end)
{
    if (_job.state != JOB_WATCHING) {
        return;
    }
    bool fault = state == PROGRAM_FAULTED;
    bool bad_exit = state == PROGRAM_STOPPED && end && end->ended && end->exited &&
                    end->exit_code != 0;
    if (fault || bad_exit) {
        _failed_by_exit = bad_exit;
        _app_failed = true;
        agent_wake();
    }
}
