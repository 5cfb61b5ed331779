/*
 * The Thing Monitor of the RIOT device: one `cmd` in, exactly one `reply` out
 * (docs/protocol.md §9.2, §9.3), with the result fields of devices/runtime/monitor-types.ts.
 */
#include <stdio.h>
#include <string.h>

#include "downlink.h"
#include "runner.h"
#include "uplink.h"

#define MAX_STEP 100000
#define MAX_MEMORY_READ 1024

typedef struct {
    const char *id;
    size_t id_len;
    cbor_reader_t args; /* at the args map, when has_args */
    bool has_args;
} command_t;

static const char *_error_code(int err)
{
    switch (err) {
    case RUNNER_ENOAPP: return "no_app";
    case RUNNER_ESTATE: return "bad_state";
    case RUNNER_EIMAGE: return "image_rejected";
    case RUNNER_EUNSUP: return "unsupported";
    case RUNNER_EADDRESS: return "bad_address";
    default: return "internal";
    }
}

static cbor_writer_t *_ok(const command_t *c, unsigned result_fields)
{
    cbor_writer_t *w = uplink_begin();
    cbor_put_map(w, 3);
    cbor_put_text(w, "id");
    cbor_put_text_n(w, c->id, c->id_len);
    cbor_put_text(w, "ok");
    cbor_put_bool(w, true);
    cbor_put_text(w, "result");
    cbor_put_map(w, result_fields);
    return w;
}

static void _fail(const command_t *c, int err, const char *message)
{
    uplink_reply_error(c->id, c->id_len, _error_code(err), message);
}

static bool _arg_uint(const command_t *c, const char *key, uint64_t *v)
{
    cbor_reader_t r;
    return c->has_args && cbor_map_find(&c->args, key, &r) == 0 && cbor_read_uint(&r, v) == 0;
}

static void _state_reply(const command_t *c, int err)
{
    if (err < 0) {
        _fail(c, err, "not possible in the program's current state");
        return;
    }
    runner_status_t st;
    runner_status(&st);
    cbor_writer_t *w = _ok(c, 1);
    cbor_put_text(w, "state");
    cbor_put_text(w, program_state_name(st.state));
    uplink_send("reply");
}

static void _put_last_end(cbor_writer_t *w, const run_end_t *end)
{
    cbor_put_text(w, "lastEnd");
    if (!end->ended) {
        cbor_put_null(w);
        return;
    }
    if (end->stopped) {
        cbor_put_map(w, 1);
        cbor_put_text(w, "kind");
        cbor_put_text(w, "stopped");
        return;
    }
    cbor_put_map(w, 2);
    cbor_put_text(w, "kind");
    cbor_put_text(w, end->exited ? "exited" : "fault");
    if (end->exited) {
        cbor_put_text(w, "code");
        cbor_put_int(w, end->exit_code);
    }
    else {
        cbor_put_text(w, "fault");
        uplink_put_fault(w, &end->fault);
    }
}

static void _status(const command_t *c)
{
    runner_status_t st;
    runner_status(&st);
    cbor_writer_t *w = _ok(c, 11);
    cbor_put_text(w, "state");
    cbor_put_text(w, program_state_name(st.state));
    cbor_put_text(w, "vm");
    cbor_put_text(w, vm_engine.kind);
    cbor_put_text(w, "app");
    uplink_put_app_ref(w, st.app_id, st.app_version);
    cbor_put_text(w, "phase");
    if (st.phase) {
        cbor_put_text(w, st.phase);
    }
    else {
        cbor_put_null(w);
    }
    cbor_put_text(w, "pc");
    cbor_put_uint(w, st.pc);
    cbor_put_text(w, "instructions");
    cbor_put_uint(w, st.instructions);
    cbor_put_text(w, "pendingEvents");
    cbor_put_uint(w, st.pending_events);
    cbor_put_text(w, "guestMemoryBytes");
    cbor_put_uint(w, st.memory.guest_bytes);
    cbor_put_text(w, "peakGuestBytes");
    cbor_put_uint(w, st.memory.peak_guest_bytes);
    _put_last_end(w, &st.last_end);
    cbor_put_text(w, "console");
    cbor_put_text(w, "");
    uplink_send("reply");
}

static void _load(const command_t *c)
{
    cbor_reader_t r, app, field;
    const uint8_t *image;
    size_t len;
    const char *vm;
    size_t vm_len;
    if (!c->has_args || cbor_map_find(&c->args, "image", &r) != 0 ||
        cbor_read_bytes(&r, &image, &len) != 0 || cbor_map_find(&c->args, "vm", &r) != 0 ||
        cbor_read_text(&r, &vm, &vm_len) != 0) {
        _fail(c, RUNNER_EIMAGE, "load needs args.vm and args.image (bytes)");
        return;
    }
    if (vm_len != strlen(vm_engine.kind) || memcmp(vm, vm_engine.kind, vm_len)) {
        uplink_reply_error(c->id, c->id_len, "vm_mismatch", "this device runs another VM kind");
        return;
    }
    char id[RUNNER_APP_ID_BYTES] = "", version[RUNNER_APP_VERSION_BYTES] = "";
    const char *s;
    size_t n;
    if (cbor_map_find(&c->args, "app", &app) == 0 && !cbor_peek_null(&app)) {
        if (cbor_map_find(&app, "id", &field) == 0 && cbor_read_text(&field, &s, &n) == 0 &&
            n < sizeof(id)) {
            memcpy(id, s, n);
            id[n] = '\0';
        }
        if (cbor_map_find(&app, "version", &field) == 0 &&
            cbor_read_text(&field, &s, &n) == 0 && n < sizeof(version)) {
            memcpy(version, s, n);
            version[n] = '\0';
        }
    }
    /* The runner keeps the image to reload it after a bench; the downlink buffer it came
     * in is reused by the next downlink, so it is copied into a buffer of its own. */
    static uint8_t loaded[DOWNLINK_BYTES];
    if (len > sizeof(loaded)) {
        _fail(c, RUNNER_EIMAGE, "image larger than the device's load buffer");
        return;
    }
    memcpy(loaded, image, len);
    vm_load_report_t report;
    char err[VM_ERROR_BYTES];
    int res = runner_load(loaded, len, id, version, &report, err, sizeof(err));
    if (res < 0) {
        _fail(c, res, res == RUNNER_EIMAGE ? err : "cannot load while a program runs");
        return;
    }
    cbor_writer_t *w = _ok(c, 4);
    cbor_put_text(w, "loadTimeMs");
    cbor_put_double(w, report.load_time_us / 1000.0);
    cbor_put_text(w, "imageBytes");
    cbor_put_uint(w, report.image_bytes);
    cbor_put_text(w, "guestMemoryBytes");
    cbor_put_uint(w, report.guest_memory_bytes);
    cbor_put_text(w, "state");
    cbor_put_text(w, "loaded");
    uplink_send("reply");
}

static void _step(const command_t *c)
{
    uint64_t n = 0;
    if (!_arg_uint(c, "n", &n) || n < 1 || n > MAX_STEP) {
        _fail(c, RUNNER_ESTATE, "step needs args.n from 1 to 100000");
        return;
    }
    runner_step_t out;
    int res = runner_step(n, &out);
    if (res < 0) {
        _fail(c, res, res == RUNNER_EUNSUP ? "this engine cannot step" : "step needs a loaded or paused program");
        return;
    }
    cbor_writer_t *w = _ok(c, 4 + out.has_fault);
    cbor_put_text(w, "pc");
    cbor_put_uint(w, out.pc);
    cbor_put_text(w, "instructions");
    cbor_put_uint(w, out.instructions);
    cbor_put_text(w, "executed");
    cbor_put_uint(w, out.executed);
    cbor_put_text(w, "outcome");
    cbor_put_text(w, out.outcome);
    if (out.has_fault) {
        cbor_put_text(w, "fault");
        uplink_put_fault(w, &out.fault);
    }
    uplink_send("reply");
}

static void _registers(const command_t *c)
{
    static vm_inspection_t insp;
    int res = runner_inspect(&insp);
    if (res < 0) {
        _fail(c, res, "nothing loaded");
        return;
    }
    cbor_writer_t *w = _ok(c, 3);
    cbor_put_text(w, "pc");
    cbor_put_uint(w, insp.pc);
    cbor_put_text(w, "instructions");
    cbor_put_uint(w, insp.instructions);
    /* The TypeScript mips1 engine names the pc among its registers; so does this one. */
    bool named_pc = !strcmp(vm_engine.kind, "mips1");
    cbor_put_text(w, "registers");
    cbor_put_map(w, insp.register_count + named_pc);
    for (unsigned i = 0; i < insp.register_count; i++) {
        cbor_put_text(w, insp.registers[i].name);
        cbor_put_uint(w, insp.registers[i].value);
    }
    if (named_pc) {
        cbor_put_text(w, "pc");
        cbor_put_uint(w, insp.pc);
    }
    uplink_send("reply");
}

static void _memory(const command_t *c)
{
    static uint8_t bytes[MAX_MEMORY_READ];
    static char hex[2 * MAX_MEMORY_READ + 1];
    uint64_t addr, len;
    if (!_arg_uint(c, "address", &addr) || !_arg_uint(c, "length", &len) || len < 1 ||
        len > MAX_MEMORY_READ || addr > UINT32_MAX) {
        _fail(c, RUNNER_EADDRESS, "memory needs args.address and args.length (1-1024)");
        return;
    }
    int res = runner_read_memory(addr, bytes, len);
    if (res < 0) {
        _fail(c, res, res == RUNNER_EADDRESS ? "outside guest memory" : "cannot read memory");
        return;
    }
    for (unsigned i = 0; i < len; i++) {
        snprintf(&hex[2 * i], 3, "%02x", bytes[i]);
    }
    cbor_writer_t *w = _ok(c, 3);
    cbor_put_text(w, "address");
    cbor_put_uint(w, addr);
    cbor_put_text(w, "length");
    cbor_put_uint(w, len);
    cbor_put_text(w, "hex");
    cbor_put_text_n(w, hex, 2 * len);
    uplink_send("reply");
}

static void _inject(const command_t *c)
{
    uint64_t event = 0;
    int64_t value = 0;
    cbor_reader_t r;
    if (!_arg_uint(c, "event", &event) || event > 0xffff) {
        _fail(c, RUNNER_ESTATE, "inject needs args.event (0-65535)");
        return;
    }
    if (cbor_map_find(&c->args, "value", &r) == 0) {
        cbor_read_int(&r, &value);
    }
    int res = runner_inject(event, (int32_t)value);
    cbor_writer_t *w = _ok(c, 1);
    cbor_put_text(w, "queued");
    cbor_put_bool(w, res >= 0);
    uplink_send("reply");
}

void monitor_bench(const char *id, size_t id_len);

/* `bench {native}` asks for the host build of a program: a RIOT device has none, and the
 * campaign counts the cell as skipped rather than measuring the app under that name. */
static void _bench(const command_t *c)
{
    cbor_reader_t r;
    if (c->has_args && cbor_map_find(&c->args, "native", &r) == 0) {
        uplink_reply_error(c->id, c->id_len, "unsupported", "no native builds on a RIOT device");
        return;
    }
    monitor_bench(c->id, c->id_len);
}

void monitor_handle(cbor_reader_t *body)
{
    command_t c = { 0 };
    cbor_reader_t r;
    const char *op;
    size_t op_len;
    if (cbor_map_find(body, "id", &r) != 0 || cbor_read_text(&r, &c.id, &c.id_len) != 0 ||
        cbor_map_find(body, "op", &r) != 0 || cbor_read_text(&r, &op, &op_len) != 0) {
        printf("vmfleet: cmd without id or op\n");
        return;
    }
    c.has_args = cbor_map_find(body, "args", &c.args) == 0;
    printf("vmfleet: cmd %.*s\n", (int)op_len, op);
#define IS(name) (op_len == sizeof(name) - 1 && !memcmp(op, name, op_len))
    if (IS("status")) _status(&c);
    else if (IS("load")) _load(&c);
    else if (IS("start")) _state_reply(&c, runner_start());
    else if (IS("stop")) _state_reply(&c, runner_stop());
    else if (IS("pause")) _state_reply(&c, runner_pause());
    else if (IS("resume")) _state_reply(&c, runner_resume());
    else if (IS("reset")) _state_reply(&c, runner_reset());
    else if (IS("step")) _step(&c);
    else if (IS("registers")) _registers(&c);
    else if (IS("memory")) _memory(&c);
    else if (IS("inject")) _inject(&c);
    else if (IS("bench")) _bench(&c);
    else uplink_reply_error(c.id, c.id_len, "unsupported", "unknown operation");
#undef IS
}
