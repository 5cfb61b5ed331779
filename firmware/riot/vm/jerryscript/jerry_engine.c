/*
 * The js engine: JerryScript 2.4.0 (RIOT's pkg/jerryscript) behind vm.h, with the
 * behaviour of devices/engines/js (the TypeScript engine on QuickJS): the image is UTF-8
 * source; the program body is a generator, so `yield sleep_ms(ms)` gives the device the
 * CPU back (VM_RUN_YIELDED) and run() resumes it; `return n` at top level is the exit
 * code. JerryScript can stop a script from its exec-stop callback but never pause it, so
 * the engine is not preemptible: a budget that runs out ends the program
 * (budget_exhausted). Handlers registered with events.on run through invoke().
 *
 * Every call into JerryScript is guarded (js_guarded()): a fatal error, i.e. the heap
 * exhausted, jumps back there (jerry_port.c), the program ends with out_of_memory, and
 * the next load starts a fresh context.
 */
#include <stdio.h>
#include <string.h>

#include "jerry_context.h"
#include "vm_clock.h"

#define MAX_SOURCE_BYTES (256u * 1024u) /* src/guest-scripts/source.ts */

js_program_t js;

__attribute__((weak)) uint64_t vm_clock_us(void) { return 0; }

/* Runs fn with jerry_port_fatal's way back set; false when a fatal error lost the context. */
bool js_guarded(void (*fn)(void *), void *arg)
{
    jmp_buf here;
    js_stack_base = (uintptr_t)&here;
    if (setjmp(here) != 0) {
        js_fatal_exit = NULL;
        js_context_lost();
        return false;
    }
    js_fatal_exit = &here;
    fn(arg);
    js_fatal_exit = NULL;
    return true;
}

vm_outcome_t js_finish(vm_outcome_t out)
{
    if (out.kind == VM_RUN_EXITED) {
        js.state = VM_STATE_EXITED;
        js.exit_code = out.value;
        return out;
    }
    js.state = VM_STATE_FAULTED;
    js.line = out.fault.pc;
    js.has_final = true;
    js.final = out;
    return out;
}

/* ---- load ------------------------------------------------------------------------------ */

typedef struct {
    char *err;
    size_t err_len;
    int rc;
} prepare_t;

static void prepare_body(void *arg)
{
    prepare_t *p = arg;
    p->rc = js_context_prepare(js.source, js.len, p->err, p->err_len);
}

int js_prepare(char *err, size_t err_len)
{
    prepare_t p = { .err = err, .err_len = err_len, .rc = -1 };
    js_stack_cap = VMFLEET_JERRY_LOAD_STACK; /* the agent loads on its own, smaller stack */
    if (!js_guarded(prepare_body, &p)) {
        snprintf(err, err_len, "does_not_fit: the device API and the program need more than "
                 "JerryScript's %u-byte heap", (unsigned)VMFLEET_JERRY_HEAP_BYTES);
        return -1;
    }
    return p.rc;
}

static int refuse(char *err, size_t err_len, const char *reason)
{
    snprintf(err, err_len, "bad_source: JavaScript source %s", reason);
    return -1;
}

static void drop_body(void *arg)
{
    (void)arg;
    js_context_drop();
}

static void jerry_unload(void)
{
    (void)js_guarded(drop_body, NULL);
    memset(&js, 0, sizeof(js));
    js.state = VM_STATE_IDLE;
}

static int jerry_load(const uint8_t *image, size_t len, uint32_t memory_bytes,
                      vm_load_report_t *report, char *err, size_t err_len)
{
    uint64_t started = vm_clock_us();
    jerry_unload();
    if (len == 0) {
        return refuse(err, err_len, "is empty");
    }
    if (len > MAX_SOURCE_BYTES) {
        return refuse(err, err_len, "is over the 262144-byte limit");
    }
    if (!jerry_is_valid_utf8_string(image, (jerry_size_t)len)) {
        return refuse(err, err_len, "is not valid UTF-8");
    }
    if (memchr(image, 0, len) != NULL) {
        return refuse(err, err_len, "contains a NUL byte");
    }
    if (len >= 3 && memcmp(image, "\xef\xbb\xbf", 3) == 0) { /* a BOM is not source */
        image += 3;
        len -= 3;
    }
    if (memory_bytes < VMFLEET_JERRY_HEAP_BYTES) {
        /* the heap is one static size: a program within it could use more than granted */
        snprintf(err, err_len, "does_not_fit: JerryScript's heap is %u bytes, the board "
                 "grants %u", (unsigned)VMFLEET_JERRY_HEAP_BYTES, (unsigned)memory_bytes);
        return -1;
    }
    js.source = image;
    js.len = len;
    js.granted = VMFLEET_JERRY_HEAP_BYTES;
    if (js_prepare(err, err_len) != 0) {
        jerry_unload();
        return -1;
    }
    js.state = VM_STATE_LOADED;
    report->load_time_us = (uint32_t)(vm_clock_us() - started);
    report->image_bytes = (uint32_t)len;
    report->guest_memory_bytes = js.granted;
    return 0;
}


/* ---- the rest of vm.h -------------------------------------------------------------------- */

/* Back to the loaded program: the context is made anew when run() starts it, on the VM
 * thread (reset comes from the Thing Monitor's thread). */
static void jerry_reset(void)
{
    if (js.state == VM_STATE_IDLE) {
        return;
    }
    js.state = VM_STATE_LOADED;
    js.has_final = js.pending = false;
    js.line = 0;
    js_ctx.started = false;
    js_call.instructions = 0;
    js_call.handler_count = 0;
    js.stale = true;
}

static vm_outcome_t jerry_step(uint32_t n)
{
    (void)n;
    vm_outcome_t out = { .kind = VM_RUN_FAULT };
    out.fault.code = "unsupported";
    snprintf(out.fault.message, sizeof(out.fault.message),
             "JerryScript cannot stop a script after n instructions and resume it");
    return out;
}

static void heap_stats(jerry_heap_stats_t *stats)
{
    memset(stats, 0, sizeof(*stats));
    if (js_ctx.up) {
        jerry_get_memory_stats(stats);
    }
}

/* No pc or registers in a script: the line of the last fault, the heap, the handlers. */
static void jerry_inspect(vm_inspection_t *out)
{
    jerry_heap_stats_t stats;
    heap_stats(&stats);
    memset(out, 0, sizeof(*out));
    out->state = js.state;
    out->pc = js.line;
    out->instructions = js_call.instructions;
    const vm_register_t regs[] = {
        { "line", js.line },
        { "heap_used", (uint32_t)stats.allocated_bytes },
        { "heap_peak", (uint32_t)stats.peak_allocated_bytes },
        { "heap_size", (uint32_t)VMFLEET_JERRY_HEAP_BYTES },
        { "handlers", js_call.handler_count },
        { "parse_stack", (uint32_t)js_parse_peak },
    };
    out->register_count = sizeof(regs) / sizeof(regs[0]);
    memcpy(out->registers, regs, sizeof(regs));
}

static bool jerry_read_memory(uint32_t addr, uint8_t *dst, uint32_t len)
{
    (void)addr, (void)dst, (void)len;
    return false; /* a JavaScript program has no flat guest memory */
}

/* guest: the heap the program may hold; peak: JerryScript's own high-water mark of its
 * heap (builtins, device API, program); engine: the heap and the engine's static state. */
static void jerry_memory(vm_memory_report_t *out)
{
    jerry_heap_stats_t stats;
    heap_stats(&stats);
    uint32_t peak = (uint32_t)stats.peak_allocated_bytes;
    out->guest_bytes = js.granted;
    out->peak_guest_bytes = peak > js_call.peak ? peak : js_call.peak;
    out->engine_bytes = (uint32_t)(VMFLEET_JERRY_HEAP_BYTES + sizeof(js) + sizeof(js_call)
                                   + sizeof(js_ctx));
}

static vm_state_t jerry_state(void)
{
    return js.state;
}

const vm_engine_t vm_engine = {
    .kind = "js",
    .version = "jerryscript-2.4.0",
    .preemptible = false,
    .load = jerry_load,
    .run = js_run,
    .step = jerry_step,
    .reset = jerry_reset,
    .invoke = js_invoke,
    .inspect = jerry_inspect,
    .read_memory = jerry_read_memory,
    .memory = jerry_memory,
    .state = jerry_state,
    .unload = jerry_unload,
};
