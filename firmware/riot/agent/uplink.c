/*
 * Uplink messages of the RIOT device (docs/protocol.md §5.2, §5.3, §9.4), POSTed to
 * /v1/<channel> (§11.1). Telemetry comes from RIOT's own accounting: malloc_monitor for
 * the heap, stack painting (DEVELHELP) for every thread's stack, schedstatistics for the
 * CPU time of the VM thread, and the app slots for flash.
 */
#include <stdio.h>
#include <string.h>

#include "malloc_monitor.h"
#include "net/gcoap.h"
#include "schedstatistics.h"
#include "thread.h"
#include "ztimer.h"

#include "agent.h"
#include "hal.h"
#include "link.h"
#include "slots.h"
#include "uplink.h"

static uint8_t _buf[UPLINK_BYTES];
static cbor_writer_t _writer;
static uint8_t _answer[256];
static size_t _answer_len;

const uint8_t *uplink_answer(size_t *len)
{
    *len = _answer_len;
    return _answer;
}

cbor_writer_t *uplink_begin(void)
{
    cbor_writer_init(&_writer, _buf, sizeof(_buf));
    return &_writer;
}

int uplink_send(const char *channel)
{
    size_t len = cbor_writer_len(&_writer);
    if (len == 0) {
        printf("vmfleet: %s message does not fit %u bytes\n", channel, (unsigned)sizeof(_buf));
        return -1;
    }
    char path[24];
    snprintf(path, sizeof(path), "/v1/%s", channel);
    link_response_t resp;
    if (link_request(COAP_METHOD_POST, path, _buf, len, _answer, sizeof(_answer), &resp) < 0) {
        return -1;
    }
    _answer_len = resp.len;
    if (resp.code / 100 != 2) {
        printf("vmfleet: %s refused with %u.%02u: %.*s\n", channel, resp.code / 100,
               resp.code % 100, (int)resp.len, (const char *)_answer);
        agent_on_refusal(resp.code);
        return (int)resp.code;
    }
    return 0;
}

void uplink_put_hello_body(cbor_writer_t *w)
{
    const agent_config_t *cfg = agent_config();
    cbor_put_map(w, 5);
    cbor_put_text(w, "board");
    cbor_put_text(w, cfg->board);
    cbor_put_text(w, "vm");
    cbor_put_map(w, 2);
    cbor_put_text(w, "kind");
    cbor_put_text(w, vm_engine.kind);
    cbor_put_text(w, "version");
    cbor_put_text(w, vm_engine.version);
    cbor_put_text(w, "firmware");
    cbor_put_text(w, "vmfleet-riot-" RIOT_VERSION);
    cbor_put_text(w, "limits");
    cbor_put_map(w, 4);
    cbor_put_text(w, "ramBytes");
    cbor_put_uint(w, VMFLEET_GUEST_RAM);
    cbor_put_text(w, "flashBytes");
    cbor_put_uint(w, SLOT_BYTES);
    cbor_put_text(w, "clockHz");
    cbor_put_uint(w, cfg->clock_hz);
    cbor_put_text(w, "maxChunkBytes");
    cbor_put_uint(w, LINK_BLOCK_BYTES);
    cbor_put_text(w, "slots");
    uplink_put_slots(w);
}

void uplink_put_slots(cbor_writer_t *w)
{
    cbor_put_array(w, 2);
    for (int i = 0; i < 2; i++) {
        const slot_t *s = slots_get(i);
        cbor_put_map(w, 5);
        cbor_put_text(w, "slot");
        cbor_put_uint(w, i);
        cbor_put_text(w, "active");
        cbor_put_bool(w, s->used && s->complete && i == slots_active());
        cbor_put_text(w, "state");
        cbor_put_text(w, !s->used ? "empty" : s->complete ? "complete" : "partial");
        cbor_put_text(w, "app");
        uplink_put_app_ref(w, s->used ? s->manifest.name : NULL, s->manifest.version);
        cbor_put_text(w, "bytes");
        cbor_put_uint(w, s->used ? s->received : 0);
    }
}

int uplink_hello(void)
{
    uplink_put_hello_body(uplink_begin());
    return uplink_send("hello");
}

int uplink_status(const char *state)
{
    cbor_writer_t *w = uplink_begin();
    cbor_put_map(w, 1);
    cbor_put_text(w, "state");
    cbor_put_text(w, state);
    return uplink_send("status");
}

/* Stack in use over all threads, measured by stack painting (thread_measure_stack_free). */
static void _stacks(uint32_t *used, uint32_t *size)
{
    *used = 0;
    *size = 0;
    for (kernel_pid_t pid = KERNEL_PID_FIRST; pid <= KERNEL_PID_LAST; pid++) {
        thread_t *t = thread_get(pid);
        if (!t) {
            continue;
        }
        size_t stack = thread_get_stacksize(t);
        *size += stack;
#ifdef DEVELHELP
        *used += stack - thread_measure_stack_free(t);
#endif
    }
}

/* The VM thread, for its CPU share; the runner defines it (a build without one reports 0). */
__attribute__((weak)) kernel_pid_t runner_pid(void)
{
    return KERNEL_PID_UNDEF;
}

/* Share of the CPU the VM thread took since the previous sample (schedstatistics). */
static double _vm_cpu(void)
{
    static uint64_t last_runtime;
    static uint32_t last_now;
    kernel_pid_t pid = runner_pid();
    uint32_t now = ztimer_now(ZTIMER_USEC);
    if (pid <= 0) {
        return 0;
    }
    uint64_t runtime = sched_pidlist[pid].runtime_us;
    double share = 0;
    if (last_now && now != last_now) {
        share = (double)(runtime - last_runtime) / (double)(uint32_t)(now - last_now);
    }
    last_runtime = runtime;
    last_now = now;
    return share < 0 ? 0 : share > 1 ? 1 : share;
}

static void _put_actuators(cbor_writer_t *w)
{
    const int32_t *led, *gpio;
    unsigned n_led, n_gpio;
    hal_actuators(&led, &n_led, &gpio, &n_gpio);
    cbor_put_text(w, "actuators");
    cbor_put_map(w, 2);
    cbor_put_text(w, "led");
    cbor_put_array(w, n_led);
    for (unsigned i = 0; i < n_led; i++) {
        cbor_put_int(w, led[i]);
    }
    cbor_put_text(w, "gpio");
    cbor_put_array(w, n_gpio);
    for (unsigned i = 0; i < n_gpio; i++) {
        cbor_put_int(w, gpio[i]);
    }
}

void uplink_put_app_ref(cbor_writer_t *w, const char *id, const char *version)
{
    if (!id || !id[0]) {
        cbor_put_null(w);
        return;
    }
    cbor_put_map(w, 2);
    cbor_put_text(w, "id");
    cbor_put_text(w, id);
    cbor_put_text(w, "version");
    cbor_put_text(w, version);
}

int uplink_telemetry(void)
{
    runner_status_t st;
    runner_status(&st);
    uint32_t stack_used, stack_size;
    _stacks(&stack_used, &stack_size);
    uint32_t heap = malloc_monitor_get_usage_current();
    uint32_t heap_peak = malloc_monitor_get_usage_high_watermark();
    uint32_t total = VMFLEET_GUEST_RAM + AGENT_RAM_BYTES;
    uint32_t used = st.memory.guest_bytes + heap + stack_used;
    uint32_t peak = st.memory.peak_guest_bytes + heap_peak + stack_used;
    cbor_writer_t *w = uplink_begin();
    cbor_put_map(w, 8);
    cbor_put_text(w, "uptimeMs");
    cbor_put_uint(w, ztimer_now(ZTIMER_MSEC));
    cbor_put_text(w, "ram");
    cbor_put_map(w, 3);
    cbor_put_text(w, "used");
    cbor_put_uint(w, used > total ? total : used);
    cbor_put_text(w, "peak");
    cbor_put_uint(w, peak > total ? total : peak);
    cbor_put_text(w, "total");
    cbor_put_uint(w, total);
    cbor_put_text(w, "flash");
    cbor_put_map(w, 2);
    cbor_put_text(w, "used");
    cbor_put_uint(w, slots_flash_used());
    cbor_put_text(w, "total");
    cbor_put_uint(w, 2 * SLOT_BYTES);
    cbor_put_text(w, "cpu");
    cbor_put_double(w, _vm_cpu());
    cbor_put_text(w, "vm");
    cbor_put_map(w, 2);
    cbor_put_text(w, "state");
    cbor_put_text(w, program_state_name(st.state));
    cbor_put_text(w, "instructions");
    cbor_put_uint(w, st.total_instructions);
    cbor_put_text(w, "app");
    uplink_put_app_ref(w, st.app_id, st.app_version);
    _put_actuators(w);
    /* RIOT's own figures (docs/protocol.md §5.3 "os"): what a RIOT device fills. */
    cbor_put_text(w, "os");
    cbor_put_map(w, 5);
    cbor_put_text(w, "heapUsed");
    cbor_put_uint(w, heap);
    cbor_put_text(w, "heapPeak");
    cbor_put_uint(w, heap_peak);
    cbor_put_text(w, "stackUsed");
    cbor_put_uint(w, stack_used);
    cbor_put_text(w, "stackBytes");
    cbor_put_uint(w, stack_size);
    cbor_put_text(w, "guestBytes");
    cbor_put_uint(w, st.memory.guest_bytes);
    return uplink_send("telemetry");
}

int uplink_publish(const char *name, int32_t value)
{
    cbor_writer_t *w = uplink_begin();
    cbor_put_map(w, 3);
    cbor_put_text(w, "kind");
    cbor_put_text(w, "publish");
    cbor_put_text(w, "name");
    cbor_put_text(w, name);
    cbor_put_text(w, "value");
    cbor_put_int(w, value);
    return uplink_send("event");
}

int uplink_emit(uint16_t event, int32_t value)
{
    cbor_writer_t *w = uplink_begin();
    cbor_put_map(w, 3);
    cbor_put_text(w, "kind");
    cbor_put_text(w, "emit");
    cbor_put_text(w, "event");
    cbor_put_uint(w, event);
    cbor_put_text(w, "value");
    cbor_put_int(w, value);
    return uplink_send("event");
}

void uplink_put_fault(cbor_writer_t *w, const vm_fault_t *fault)
{
    cbor_put_map(w, fault->has_address ? 4 : 3);
    cbor_put_text(w, "code");
    cbor_put_text(w, fault->code ? fault->code : "internal");
    cbor_put_text(w, "pc");
    cbor_put_uint(w, fault->pc);
    if (fault->has_address) {
        cbor_put_text(w, "address");
        cbor_put_uint(w, fault->address);
    }
    cbor_put_text(w, "message");
    cbor_put_text(w, fault->message);
}

int uplink_vm_event(program_state_t state, const run_end_t *end)
{
    bool exited = end && end->ended && end->exited && state == PROGRAM_STOPPED;
    bool faulted = end && end->ended && !end->exited && state == PROGRAM_FAULTED;
    cbor_writer_t *w = uplink_begin();
    cbor_put_map(w, 2 + (exited || faulted));
    cbor_put_text(w, "kind");
    cbor_put_text(w, "vm");
    cbor_put_text(w, "state");
    cbor_put_text(w, program_state_name(state));
    if (exited) {
        cbor_put_text(w, "exitCode");
        cbor_put_int(w, end->exit_code);
    }
    if (faulted) {
        cbor_put_text(w, "fault");
        uplink_put_fault(w, &end->fault);
    }
    return uplink_send("event");
}

int uplink_reply_error(const char *id, size_t id_len, const char *code, const char *message)
{
    cbor_writer_t *w = uplink_begin();
    cbor_put_map(w, 3);
    cbor_put_text(w, "id");
    cbor_put_text_n(w, id, id_len);
    cbor_put_text(w, "ok");
    cbor_put_bool(w, false);
    cbor_put_text(w, "error");
    cbor_put_map(w, 2);
    cbor_put_text(w, "code");
    cbor_put_text(w, code);
    cbor_put_text(w, "message");
    cbor_put_text(w, message);
    return uplink_send("reply");
}
