/*
 * The ebpf engine behind vm.h: the C form of devices/engines/ebpf/engine.ts, for the
 * guest ABI of docs/guest-abi.md ("ebpf images"). One program at a time, all state in
 * `eb`, the call frames and the guest RAM pool, nothing allocated.
 *
 * Where vm.h and the TS engine differ, vm.h wins: a failed load leaves the engine idle
 * (TS keeps the old program); invoke() answers a negative number where TS throws. Guest
 * RAM is data (+ .bss) + the 8 KiB stack + the 1 KiB helper buffer, as the gateway plans
 * it (validate.ts); rodata and text are read from the image, which stays where it is.
 */
#include "ebpf_internal.h"
#include "vm_clock.h"

eb_vm_t eb;
eb_frame_t eb_frames[VMFLEET_EBPF_MAX_DEPTH];
/* bpf_store_global/fetch_global: per device, so it outlives every program (helpers.c) */
eb_store_t eb_global_store;
uint8_t eb_ram[VMFLEET_GUEST_RAM] __attribute__((aligned(8)));

/* Most bytes one read_memory() call copies (engine.ts MAX_READ_BYTES). */
#define EB_MAX_READ_BYTES 4096u

/* A build without a clock still links; its load time reads 0 (vm_clock.h). */
__attribute__((weak)) uint64_t vm_clock_us(void)
{
    return 0;
}

static const char *const register_names[23] = {
    "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
    "r0.hi", "r1.hi", "r2.hi", "r3.hi", "r4.hi", "r5.hi", "r6.hi", "r7.hi", "r8.hi", "r9.hi",
    "r10.hi", "depth",
};

static vm_outcome_t no_program(void)
{
    vm_outcome_t out;
    eb_text_t t;
    eb_zero(&out, sizeof(out));
    out.kind = VM_RUN_FAULT;
    out.fault.code = "unsupported";
    eb_text_init(&t, out.fault.message, sizeof(out.fault.message));
    eb_text_str(&t, "no program loaded; load() an image first");
    return out;
}

static uint32_t guest_bytes(void)
{
    return EB_STACK_BYTES + eb.data_bytes + EB_HELPER_BYTES;
}

/* ---- run ---------------------------------------------------------------------------------- */

static vm_outcome_t settle(const vm_outcome_t *out)
{
    if (out->kind == VM_RUN_EXITED || out->kind == VM_RUN_FAULT) {
        eb.state = out->kind == VM_RUN_EXITED ? VM_STATE_EXITED : VM_STATE_FAULTED;
        eb_copy(&eb.ended, out, sizeof(*out));
        eb.ended_valid = true;
        eb.invoking = false;
    } else if (out->kind == VM_RUN_RETURNED) {
        eb.state = eb.state_before_invoke;
        eb.invoking = false;
    }
    return *out;
}

/* At most `budget` instructions; stops early on exit, return, yield or fault. After an
 * exit or fault it reports the same outcome again until reset() or load(). */
static vm_outcome_t eb_run(uint32_t budget)
{
    if (eb.state == VM_STATE_IDLE) {
        return no_program();
    }
    if (eb.ended_valid && !eb.invoking) {
        return eb.ended;
    }
    eb.state = VM_STATE_RUNNING;
    uint32_t left = budget;
    for (;;) {
        vm_outcome_t out;
        uint32_t ran = 0;
        eb_zero(&out, sizeof(out));
        eb_stop_t stop = eb_execute(left, &ran, &out.fault);
        left -= ran;
        eb.instructions += ran;
        switch (stop) {
        case EB_STOP_BUDGET:
            out.kind = VM_RUN_BUDGET;
            return out;
        case EB_STOP_HELPER:
            if (!eb_service_helper(&out)) {
                continue;
            }
            break;
        case EB_STOP_EXIT: /* r0's low 32 bits */
            out.kind = eb.invoking ? VM_RUN_RETURNED : VM_RUN_EXITED;
            out.value = (int32_t)(uint32_t)eb.r[0];
            break;
        case EB_STOP_FAULT:
            out.kind = VM_RUN_FAULT;
            break;
        }
        return settle(&out);
    }
}

/* Same as run(n): exactly n instructions unless the program stops first. */
static vm_outcome_t eb_step(uint32_t n)
{
    return eb_run(n);
}

/* ---- load, reset, unload ------------------------------------------------------------------ */

/* Femto-Container start state: all registers 0 but r10 = the stack top (r1 = the context,
 * empty here), no frames, pc = start. */
static void fresh_cpu(uint32_t start)
{
    eb_zero(eb.r, sizeof(eb.r));
    eb.r[EB_R10] = EB_STACK_TOP;
    eb.pc = start;
    eb.depth = 0;
    uint32_t frame = eb_frame_at(start);
    uint32_t lowest = frame < EB_STACK_BYTES ? EB_STACK_TOP - frame : EB_STACK_BASE;
    if (lowest < eb.lowest_stack) {
        eb.lowest_stack = lowest;
    }
}

/* Fresh data, a zeroed stack and helper buffer, the local store and GPIO levels cleared. */
static void restart(void)
{
    eb_zero(eb_ram, EB_STACK_BYTES);
    eb_copy(&eb_ram[EB_DATA_OFFSET], eb.data_init, eb.data_bytes);
    eb_zero(&eb_ram[eb.helper_offset], EB_HELPER_BYTES);
    eb.local.count = 0;
    eb.gpio_count = 0;
    eb.lowest_stack = EB_STACK_TOP;
    fresh_cpu(eb.entry);
    eb.state = VM_STATE_LOADED;
    eb.instructions = 0;
    eb.ended_valid = false;
    eb.invoking = false;
}

static void eb_unload(void)
{
    eb_zero(&eb, sizeof(eb));
    eb.state = VM_STATE_IDLE;
}

/* engine.ts load(): the program's RAM must fit the board's grant and this build's pool. */
static bool check_memory(const eb_image_t *img, uint32_t memory_bytes, eb_text_t *err)
{
    uint64_t needs = (uint64_t)EB_STACK_BYTES + img->data_bytes + EB_HELPER_BYTES;
    if (img->data_bytes > EB_MAX_REGION_BYTES || img->rodata_bytes > EB_MAX_REGION_BYTES) {
        eb_text_str(err, "does_not_fit: data or rodata exceeds a region's 256 MiB");
        return false;
    }
    if (needs <= memory_bytes && needs <= VMFLEET_GUEST_RAM) {
        return true;
    }
    eb_text_str(err, "does_not_fit: the program needs ");
    eb_text_dec(err, (int64_t)needs);
    eb_text_str(err, " bytes of guest memory (data, stack, helper buffer); ");
    if (needs > memory_bytes) {
        eb_text_str(err, "the board grants ");
        eb_text_dec(err, memory_bytes);
    } else {
        eb_text_str(err, "this build has ");
        eb_text_dec(err, VMFLEET_GUEST_RAM);
        eb_text_str(err, " (VMFLEET_GUEST_RAM)");
    }
    return false;
}

static int eb_load(const uint8_t *image, size_t len, uint32_t memory_bytes,
                   vm_load_report_t *report, char *err, size_t err_len)
{
    uint64_t started = vm_clock_us();
    eb_text_t t;
    eb_image_t img;
    eb_text_init(&t, err, err_len);
    eb_unload();
    if (!eb_parse(image, len, &img, &t) || !eb_verify(&img, &t) ||
        !check_memory(&img, memory_bytes, &t) || !eb_frames_compute(&img, &t)) {
        eb_unload();
        return -1;
    }
    eb.text = img.text;
    eb.count = img.text_bytes / EB_INSN_BYTES;
    eb.rodata = img.rodata;
    eb.rodata_bytes = img.rodata_bytes;
    eb.data_init = img.data;
    eb.data_bytes = img.data_bytes;
    eb.helper_offset = EB_DATA_OFFSET + img.data_bytes;
    /* entry: function table entry 0 (the packer puts main there), else instruction 0 */
    eb.entry = img.function_count > 0 ? eb_u16(img.functions + 4) / EB_INSN_BYTES : 0;
    restart();
    if (report != NULL) {
        report->load_time_us = (uint32_t)(vm_clock_us() - started);
        report->image_bytes = (uint32_t)len;
        report->guest_memory_bytes = guest_bytes();
    }
    return 0;
}

static void eb_reset(void)
{
    if (eb.state != VM_STATE_IDLE) {
        restart();
    }
}

/* ---- invoke, inspect, memory -------------------------------------------------------------- */

/* Calls the function at text byte offset `address` (what the packer makes of a function's
 * address) with r1..r4 = args sign-extended, r10 at the top of a fresh stack, no frames;
 * run() until VM_RUN_RETURNED with r0's low 32 bits. Allowed once loaded or exited. */
static int eb_invoke(uint32_t address, const int32_t *args, unsigned argc)
{
    if (eb.state == VM_STATE_IDLE || eb.state == VM_STATE_FAULTED ||
        eb.state == VM_STATE_RUNNING) {
        return -1;
    }
    if (argc > 4 || (argc > 0 && args == NULL)) {
        return -2;
    }
    uint32_t pc = address / EB_INSN_BYTES;
    if (address % EB_INSN_BYTES != 0 || pc >= eb.count ||
        eb.text[pc * EB_INSN_BYTES] == 0 /* an LDDW's second half (rbf.c is_tail) */) {
        return -3;
    }
    fresh_cpu(pc);
    for (unsigned i = 0; i < argc; i++) {
        eb.r[1 + i] = (uint64_t)(int64_t)args[i];
    }
    eb.state_before_invoke = eb.state;
    eb.state = VM_STATE_RUNNING;
    eb.invoking = true;
    return 0;
}

/* pc = instruction index; r0..r10 as low words, then their high words, then the depth. */
static void eb_inspect(vm_inspection_t *out)
{
    out->state = eb.state;
    out->pc = eb.pc;
    out->instructions = eb.instructions;
    out->register_count = 23;
    for (unsigned i = 0; i < 11; i++) {
        out->registers[i].name = register_names[i];
        out->registers[i].value = (uint32_t)eb.r[i];
        out->registers[11 + i].name = register_names[11 + i];
        out->registers[11 + i].value = (uint32_t)(eb.r[i] >> 32);
    }
    out->registers[22].name = register_names[22];
    out->registers[22].value = eb.depth;
}

static bool eb_read_memory(uint32_t addr, uint8_t *dst, uint32_t len)
{
    if (eb.state == VM_STATE_IDLE || len > EB_MAX_READ_BYTES) {
        return false;
    }
    const uint8_t *p = eb_map_read(addr, len);
    if (p == NULL) {
        return false;
    }
    eb_copy(dst, p, len);
    return true;
}

/* Everything but the stack counts whole; of the stack, what the deepest frame reached.
 * The engine's own RAM: its state, the call frames and the global store. */
static void eb_memory(vm_memory_report_t *out)
{
    eb_zero(out, sizeof(*out));
    if (eb.state == VM_STATE_IDLE) {
        return;
    }
    out->guest_bytes = guest_bytes();
    out->peak_guest_bytes = guest_bytes() - EB_STACK_BYTES + (EB_STACK_TOP - eb.lowest_stack);
    out->engine_bytes = (uint32_t)(sizeof(eb) + sizeof(eb_frames) + sizeof(eb_global_store));
}

static vm_state_t eb_state(void)
{
    return eb.state;
}

const vm_engine_t vm_engine = {
    .kind = "ebpf", .version = "c-1.0.0", .preemptible = true,
    .load = eb_load, .run = eb_run, .step = eb_step, .reset = eb_reset,
    .invoke = eb_invoke, .inspect = eb_inspect, .read_memory = eb_read_memory,
    .memory = eb_memory, .state = eb_state, .unload = eb_unload,
};
