/*
 * The wasm engines (VM=wasm: WAMR's classic interpreter, VM=wasm-fast: its fast
 * interpreter) behind vm.h, for the guest ABI of docs/guest-abi.md ("wasm images") and
 * the semantics of devices/engines/wasm/engine.ts where WAMR 2.1.1 allows.
 *
 * WAMR runs on a static pool (VMFLEET_WAMR_POOL_BYTES, wamr.mk): the image copy WAMR's
 * loader rewrites, the module, the instance with its linear memory and the wasm stack.
 * WAMR cannot pause, so the engine is not preemptible: run() calls _start (or the invoked
 * handler) to its end, and the budget is a deadline that stops the guest with
 * budget_exhausted (wamr_budget.c). Traps become the fault codes of engine.ts by WAMR's
 * exception text (wamr_faults.c).
 */
#include <stdio.h>
#include <string.h>

#include "vm.h"
#include "vm_clock.h"
#include "wamr_budget.h"
#include "wamr_engine.h"
#include "wamr_faults.h"
#include "wamr_layout.h"
#include "wasm_export.h"
#include "wasm_scan.h"

#define PAGE_BYTES 65536u

#ifndef VMFLEET_GUEST_RAM
#define VMFLEET_GUEST_RAM 65536
#endif
#ifndef VMFLEET_WAMR_MODULE_BYTES
#define VMFLEET_WAMR_MODULE_BYTES (64 * 1024)
#endif
#ifndef VMFLEET_WAMR_WASM_STACK
#define VMFLEET_WAMR_WASM_STACK (16 * 1024)
#endif
/* WAMR allocates linear memory in whole pages, so the guest's RAM is rounded up */
#define VMFLEET_WAMR_POOL_BYTES \
    (((VMFLEET_GUEST_RAM + PAGE_BYTES - 1) / PAGE_BYTES) * PAGE_BYTES \
     + VMFLEET_WAMR_WASM_STACK + VMFLEET_WAMR_MODULE_BYTES)

wamr_call_t wamr_call;

static uint8_t pool[VMFLEET_WAMR_POOL_BYTES] __attribute__((aligned(8)));
static bool runtime_ready;

static struct {
    vm_state_t state;
    uint8_t *image;            /* WAMR's copy (its loader writes into it) */
    wasm_module_t module;
    wasm_function_inst_t start;
    bool start_returns;
    wasm_layout_t layout;
    uint32_t memory_bytes;     /* the board's cap */
    uint32_t cap;              /* accessible linear memory: min(declared, memory_bytes) */
    vm_outcome_t ended;        /* the exit or fault, repeated by run() */
    bool invoking;
    vm_state_t before_invoke;
    uint32_t handler;
    uint32_t argv[4];
} s;

uint32_t wamr_memory_cap(void) { return s.cap; }

/* The agent (or a test) provides the clock; without one, load times read 0 (vm_clock.h). */
__attribute__((weak)) uint64_t vm_clock_us(void) { return 0; }

uint8_t *wamr_memory_base(void)
{
    wamr_memory_head_t *m = wamr_call.inst ? wamr_memory_of(wamr_call.inst) : NULL;
    return m ? m->data.memory_data : NULL;
}

static bool runtime_init(void)
{
    if (runtime_ready) {
        return true;
    }
    RuntimeInitArgs args;
    memset(&args, 0, sizeof(args));
    args.mem_alloc_type = Alloc_With_Pool;
    args.mem_alloc_option.pool.heap_buf = pool;
    args.mem_alloc_option.pool.heap_size = sizeof(pool);
    args.max_thread_num = 1;
    runtime_ready = wasm_runtime_full_init(&args) && wamr_natives_register();
    return runtime_ready;
}

static void drop_instance(void)
{
    if (wamr_call.env) {
        wasm_runtime_destroy_exec_env(wamr_call.env);
    }
    if (wamr_call.inst) {
        wasm_runtime_deinstantiate(wamr_call.inst);
    }
    wamr_call.env = NULL;
    wamr_call.inst = NULL;
    s.start = NULL;
}

static void drop_module(void)
{
    drop_instance();
    if (s.module) {
        wasm_runtime_unload(s.module);
    }
    if (s.image) {
        wasm_runtime_free(s.image);
    }
    s.module = NULL;
    s.image = NULL;
    s.state = VM_STATE_IDLE;
}

/* Fresh instance: memory, globals, table, data and element segments; 0 or -1 with err. */
static int instantiate(char *err, size_t err_len)
{
    char wamr_err[VM_ERROR_BYTES];
    InstantiationArgs args = {
        .default_stack_size = VMFLEET_WAMR_WASM_STACK,
        .host_managed_heap_size = 0,
        /* memory.grow past the cap rounded up to whole pages fails (guest-abi.md) */
        .max_memory_pages = (s.memory_bytes + PAGE_BYTES - 1) / PAGE_BYTES,
    };
    if (args.max_memory_pages < s.layout.init_pages) {
        args.max_memory_pages = s.layout.init_pages;
    }
    wamr_call.inst = wasm_runtime_instantiate_ex(s.module, &args, wamr_err, sizeof(wamr_err));
    if (!wamr_call.inst) {
        wamr_load_error(wamr_err, err, err_len);
        return -1;
    }
    wamr_call.env = wasm_runtime_create_exec_env(wamr_call.inst, VMFLEET_WAMR_WASM_STACK);
    if (!wamr_call.env || !wamr_layout_check(wamr_call.inst, wamr_call.env)) {
        snprintf(err, err_len, "%s", wamr_call.env
                 ? "unsupported: WAMR's internal layout differs from the one this engine "
                   "was built for (vm/wamr/wamr_layout.h)"
                 : "too_large: no room for the wasm stack in the engine's pool");
        drop_instance();
        return -1;
    }
    /* Only [0, cap) is accessible: WAMR's bounds checks read memory_data_size. */
    wamr_memory_head_t *m = wamr_memory_of(wamr_call.inst);
    if (m && m->memory_data_size > s.cap) {
        m->memory_data_size = s.cap;
    }
    /* A shrunk memory (wamr_layout.h) ends at __heap_base: that is all there is. */
    if (m && m->memory_data_size < s.cap) {
        s.cap = (uint32_t)m->memory_data_size;
    }
    s.start = wasm_runtime_lookup_function(wamr_call.inst, "_start");
    uint32_t params = s.start ? wasm_func_get_param_count(s.start, wamr_call.inst) : 1;
    uint32_t results = s.start ? wasm_func_get_result_count(s.start, wamr_call.inst) : 2;
    if (params != 0 || results > 1) {
        snprintf(err, err_len, "no_entry: the module exports no _start of type [] -> [] "
                 "or [] -> [i32]");
        drop_instance();
        return -1;
    }
    s.start_returns = results == 1;
    return 0;
}

/* The board's cap (docs/guest-abi.md): data and the initial stack must lie below it. */
static int check_fit(char *err, size_t err_len)
{
    uint64_t declared = (uint64_t)s.layout.init_pages * PAGE_BYTES;
    s.cap = (uint32_t)(declared < s.memory_bytes ? declared : s.memory_bytes);
    uint32_t end = wasm_static_end(&s.layout);
    if (end > s.cap) {
        snprintf(err, err_len, "does_not_fit: data and stack end at %lu bytes but only %lu "
                 "are accessible; link with a smaller -z stack-size or less data",
                 (unsigned long)end, (unsigned long)s.cap);
        return -1;
    }
    return 0;
}

static int load_module(const uint8_t *image, size_t len, char *err, size_t err_len)
{
    char wamr_err[VM_ERROR_BYTES];
    s.image = wasm_runtime_malloc(len ? len : 1);
    if (!s.image) {
        snprintf(err, err_len, "too_large: a %lu-byte image does not fit the engine's pool",
                 (unsigned long)len);
        return -1;
    }
    memcpy(s.image, image, len);
    s.module = wasm_runtime_load(s.image, len, wamr_err, sizeof(wamr_err));
    if (!s.module) {
        wamr_load_error(wamr_err, err, err_len);
        return -1;
    }
    if (wamr_check_imports(s.module, err, err_len) != 0) {
        return -1;
    }
    if (!wasm_scan(image, len, &s.layout)) {
        snprintf(err, err_len, "unsupported_feature: a segment or global this engine cannot "
                 "place (only MVP i32.const offsets)");
        return -1;
    }
    if (check_fit(err, err_len) != 0) {
        return -1;
    }
    return instantiate(err, err_len);
}

static void reset_run_state(void)
{
    s.state = VM_STATE_LOADED;
    s.invoking = false;
    memset(&s.ended, 0, sizeof(s.ended));
}

static int wamr_load(const uint8_t *image, size_t len, uint32_t memory_bytes,
                     vm_load_report_t *report, char *err, size_t err_len)
{
    uint64_t started = vm_clock_us();
    drop_module();
    if (!runtime_init()) {
        snprintf(err, err_len, "unsupported: WAMR failed to initialise on its pool");
        return -1;
    }
    s.memory_bytes = memory_bytes;
    if (load_module(image, len, err, err_len) != 0) {
        drop_module();
        return -1;
    }
    reset_run_state();
    if (report) {
        report->load_time_us = (uint32_t)(vm_clock_us() - started);
        report->image_bytes = (uint32_t)len;
        report->guest_memory_bytes = s.cap;
    }
    return 0;
}

static vm_outcome_t fault_outcome(const char *code, const char *message)
{
    vm_outcome_t out = { .kind = VM_RUN_FAULT };
    out.fault.code = code;
    snprintf(out.fault.message, sizeof(out.fault.message), "%s", message);
    return out;
}

/* Why the call ended, by the flags the imports and the deadline set, then WAMR's text. */
static vm_outcome_t classify(bool ok, bool out_of_budget)
{
    vm_outcome_t out = { .kind = VM_RUN_EXITED };
    if (wamr_call.exit_pending) {
        out.value = wamr_call.exit_code;
    }
    else if (wamr_call.fault_pending) {
        out.kind = VM_RUN_FAULT;
        out.fault = wamr_call.fault;
    }
    else if (out_of_budget) {
        out = fault_outcome("budget_exhausted", "the run() budget ran out (the deadline "
                            "it maps to passed)");
    }
    else if (!ok) {
        out.kind = VM_RUN_FAULT;
        wamr_trap_fault(wasm_runtime_get_exception(wamr_call.inst), &out.fault);
    }
    else if (s.invoking) {
        out.kind = VM_RUN_RETURNED;
        bool returns = (s.layout.handler_returns >> s.handler) & 1;
        out.value = returns ? (int32_t)s.argv[0] : 0;
    }
    else {
        out.value = s.start_returns ? (int32_t)s.argv[0] : 0;
    }
    return out;
}

static vm_outcome_t settle(vm_outcome_t out)
{
    if (out.kind == VM_RUN_RETURNED) {
        s.state = s.before_invoke;
    }
    else {
        s.state = out.kind == VM_RUN_EXITED ? VM_STATE_EXITED : VM_STATE_FAULTED;
        s.ended = out;
    }
    s.invoking = false;
    return out;
}

static vm_outcome_t wamr_run(uint32_t budget)
{
    if (s.state == VM_STATE_IDLE) {
        return fault_outcome("unsupported", "no program loaded; load() an image first");
    }
    if ((s.state == VM_STATE_EXITED || s.state == VM_STATE_FAULTED) && !s.invoking) {
        return s.ended;
    }
    if (budget == 0) {
        return (vm_outcome_t){ .kind = VM_RUN_BUDGET };
    }
    s.state = VM_STATE_RUNNING;
    wamr_call.exit_pending = false;
    wamr_call.fault_pending = false;
    wasm_runtime_clear_exception(wamr_call.inst);
    wamr_budget_start(budget);
    bool ok;
    if (s.invoking) {
        uint32_t params = (uint32_t)s.layout.handler_params[s.handler];
        ok = wasm_runtime_call_indirect(wamr_call.env, s.handler, params, s.argv);
    }
    else {
        memset(s.argv, 0, sizeof(s.argv));
        ok = wasm_runtime_call_wasm(wamr_call.env, s.start, 0, s.argv);
    }
    bool out_of_budget = wamr_budget_stop();
    vm_outcome_t out = settle(classify(ok, out_of_budget));
    /* also clears the terminate flag a stop left on the exec env */
    wasm_runtime_clear_exception(wamr_call.inst);
    return out;
}

static vm_outcome_t wamr_step(uint32_t n)
{
    (void)n;
    return fault_outcome("unsupported", "WAMR cannot execute single instructions");
}

static void wamr_reset(void)
{
    if (s.state == VM_STATE_IDLE) {
        return;
    }
    char err[VM_ERROR_BYTES];
    drop_instance();
    if (instantiate(err, sizeof(err)) != 0) {
        /* the same module instantiated before; only a full pool gets here */
        drop_module();
        return;
    }
    reset_run_state();
}

static int wamr_invoke(uint32_t address, const int32_t *args, unsigned argc)
{
    bool idle_enough = s.state == VM_STATE_LOADED || s.state == VM_STATE_EXITED;
    if (!idle_enough || s.invoking || address >= s.layout.table_size
        || address >= WASM_SCAN_TABLE_SLOTS || argc > 4
        || s.layout.handler_params[address] < (int)argc) {
        return -1;
    }
    memset(s.argv, 0, sizeof(s.argv));
    for (unsigned i = 0; i < argc; i++) {
        s.argv[i] = (uint32_t)args[i];
    }
    s.handler = address;
    s.before_invoke = s.state;
    s.invoking = true;
    s.state = VM_STATE_RUNNING;
    return 0;
}

static void wamr_inspect(vm_inspection_t *out)
{
    memset(out, 0, sizeof(*out));
    out->state = s.state; /* WAMR counts no instructions and exposes no registers */
}

static bool wamr_read_memory(uint32_t addr, uint8_t *dst, uint32_t len)
{
    uint8_t *base = wamr_memory_base();
    if (s.state == VM_STATE_IDLE || !base || (uint64_t)addr + len > s.cap) {
        return false;
    }
    memcpy(dst, base + addr, len);
    return true;
}

static void wamr_memory(vm_memory_report_t *out)
{
    memset(out, 0, sizeof(*out));
    uint8_t *base = wamr_memory_base();
    if (s.state == VM_STATE_IDLE || !base) {
        return;
    }
    mem_alloc_info_t info;
    out->guest_bytes = s.cap;
    out->peak_guest_bytes = wasm_peak_bytes(&s.layout, base, s.cap);
    if (wasm_runtime_get_mem_alloc_info(&info)) {
        out->engine_bytes = info.total_size - info.total_free_size;
    }
}

static vm_state_t wamr_state(void) { return s.state; }

static void wamr_unload(void) { drop_module(); }

const vm_engine_t vm_engine = {
    .kind = VMFLEET_VM_KIND,
#if VMFLEET_WAMR_FAST
    .version = "wamr-2.1.1-fast",
#else
    .version = "wamr-2.1.1",
#endif
    .preemptible = false,
    .load = wamr_load, .run = wamr_run, .step = wamr_step, .reset = wamr_reset,
    .invoke = wamr_invoke, .inspect = wamr_inspect, .read_memory = wamr_read_memory,
    .memory = wamr_memory, .state = wamr_state, .unload = wamr_unload,
};
