/*
 * The engine of a build without a VM (VM=none): the agent alone, as the baseline the
 * footprint of every real engine is measured against. It refuses every image.
 */
#include <stdio.h>
#include <string.h>

#include "vm.h"

static vm_outcome_t no_program(void)
{
    vm_outcome_t out = { .kind = VM_RUN_FAULT };
    out.fault.code = "unsupported";
    strcpy(out.fault.message, "this firmware has no VM engine");
    return out;
}

static int none_load(const uint8_t *image, size_t len, uint32_t memory_bytes,
                     vm_load_report_t *report, char *err, size_t err_len)
{
    (void)image; (void)len; (void)memory_bytes; (void)report;
    snprintf(err, err_len, "unsupported: this firmware has no VM engine");
    return -1;
}

static vm_outcome_t none_run(uint32_t budget) { (void)budget; return no_program(); }
static vm_outcome_t none_step(uint32_t n) { (void)n; return no_program(); }
static void none_reset(void) {}
static int none_invoke(uint32_t a, const int32_t *v, unsigned n) { (void)a; (void)v; (void)n; return -1; }
static void none_inspect(vm_inspection_t *out) { memset(out, 0, sizeof(*out)); }
static bool none_read(uint32_t a, uint8_t *d, uint32_t n) { (void)a; (void)d; (void)n; return false; }
static void none_memory(vm_memory_report_t *out) { memset(out, 0, sizeof(*out)); }
static vm_state_t none_state(void) { return VM_STATE_IDLE; }
static void none_unload(void) {}

const vm_engine_t vm_engine = {
    .kind = "none", .version = "0", .preemptible = true,
    .load = none_load, .run = none_run, .step = none_step, .reset = none_reset,
    .invoke = none_invoke, .inspect = none_inspect, .read_memory = none_read,
    .memory = none_memory, .state = none_state, .unload = none_unload,
};
