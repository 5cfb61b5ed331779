/*
 * The mips1 engine behind vm.h: the C form of devices/engines/mips1/engine.ts and
 * syscalls.ts, for the guest ABI of docs/guest-abi.md. One program at a time, all state
 * in `m1` and the guest RAM array, nothing allocated.
 *
 * Where vm.h and the TS engine differ, vm.h wins, and it says so below: a failed load
 * leaves the engine idle (TS keeps the old program); invoke() refuses an address that
 * is not an aligned text address (TS accepts it and faults at the fetch). memory_bytes
 * is the board's grant, like the TS engine's limits.memoryBytes: outside
 * [M1_MIN_MEMORY_BYTES, VMFLEET_GUEST_RAM] load() refuses it ("bad_limits"), never clamps,
 * so a program sees exactly the memory the gateway planned for.
 */
#include "mips1_internal.h"
#include "vm_clock.h"

m1_vm_t m1;
uint8_t m1_ram[VMFLEET_GUEST_RAM] __attribute__((aligned(8)));

/* A build without a clock still links; its load time reads 0 (vm_clock.h). */
__attribute__((weak)) uint64_t vm_clock_us(void)
{
    return 0;
}

static const char *const register_names[32] = {
    "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
    "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "t8", "t9", "k0", "k1", "gp", "sp", "fp", "ra",
};

static vm_outcome_t no_program(void)
{
    vm_outcome_t out;
    m1_text_t t;
    m1_zero(&out, sizeof(out));
    out.kind = VM_RUN_FAULT;
    out.fault.code = "unsupported";
    m1_text_init(&t, out.fault.message, sizeof(out.fault.message));
    m1_text_str(&t, "no program loaded; load() an image first");
    return out;
}

/* ---- syscalls (syscalls.ts) ------------------------------------------------------------ */

static bool view_read(void *ctx, uint32_t addr, void *dst, uint32_t len)
{
    (void)ctx;
    const uint8_t *p = m1_guest(addr, len, m1.load_lo);
    if (p == NULL) {
        m1.access_failed = true;
        m1.failed_address = addr;
        return false;
    }
    m1_copy(dst, p, len);
    return true;
}

static bool view_write(void *ctx, uint32_t addr, const void *src, uint32_t len)
{
    (void)ctx;
    uint8_t *p = m1_guest(addr, len, m1.store_lo);
    if (p == NULL) {
        m1.access_failed = true;
        m1.failed_address = addr;
        return false;
    }
    m1_copy(p, src, len);
    return true;
}

static const vm_memory_view_t guest_view = { NULL, view_read, view_write };

/* Hands the syscall at m1.stop_pc to the host: number in $v0, args $a0..$a3 (signed),
 * result in $v0. False when the guest simply continues. */
static bool service_syscall(vm_outcome_t *out)
{
    uint32_t *r = m1.regs;
    int32_t args[4];
    for (unsigned i = 0; i < 4; i++) {
        args[i] = (int32_t)r[M1_A0 + i];
    }
    uint32_t nr = r[M1_V0];
    m1.access_failed = false;
    vm_sys_result_t res = vm_host_syscall(nr, args, &guest_view);
    switch (res.kind) {
    case VM_SYS_VALUE:
        r[M1_V0] = (uint32_t)res.value;
        return false;
    case VM_SYS_EXIT:
        out->kind = VM_RUN_EXITED;
        out->value = res.value;
        return true;
    case VM_SYS_YIELD:
        r[M1_V0] = (uint32_t)res.value;
        out->kind = VM_RUN_YIELDED;
        out->value = (int32_t)res.sleep_ms;
        return true;
    case VM_SYS_FAULT:
    default:
        out->kind = VM_RUN_FAULT;
        m1_fault_syscall(&out->fault, m1.stop_pc, (int32_t)nr, res.message);
        return true;
    }
}

/* ---- run ------------------------------------------------------------------------------ */

/* A fetch outside text: the end of _start or of an invoked handler, or a fault. */
static void leave_text(vm_outcome_t *out)
{
    uint32_t pc = m1.pc;
    if (m1.invoking && pc == M1_INVOKE_RETURN_ADDRESS) {
        out->kind = VM_RUN_RETURNED;
        out->value = (int32_t)m1.regs[M1_V0];
    } else if (!m1.invoking && pc == 0 && m1.regs[M1_RA] == 0) {
        out->kind = VM_RUN_EXITED; /* jr $ra from _start (guest ABI, Start) */
        out->value = (int32_t)m1.regs[M1_V0];
    } else {
        out->kind = VM_RUN_FAULT;
        m1_fault_fetch(&out->fault, pc);
    }
}

static vm_outcome_t settle(const vm_outcome_t *out)
{
    if (out->kind == VM_RUN_EXITED || out->kind == VM_RUN_FAULT) {
        m1.state = out->kind == VM_RUN_EXITED ? VM_STATE_EXITED : VM_STATE_FAULTED;
        m1_copy(&m1.ended, out, sizeof(*out));
        m1.ended_valid = true;
        m1.invoking = false;
    } else if (out->kind == VM_RUN_RETURNED) {
        m1.state = m1.state_before_invoke;
        m1.invoking = false;
    }
    return *out;
}

/* At most `budget` instructions; stops early on exit, return, yield or fault. After an
 * exit or fault it reports the same outcome again until reset() or load(). */
static vm_outcome_t m1_run(uint32_t budget)
{
    if (m1.state == VM_STATE_IDLE) {
        return no_program();
    }
    if (m1.ended_valid && !m1.invoking) {
        return m1.ended;
    }
    m1.state = VM_STATE_RUNNING;
    uint32_t left = budget;
    for (;;) {
        vm_outcome_t out;
        uint32_t ran = 0;
        m1_zero(&out, sizeof(out));
        m1_stop_t stop = m1_execute(left, &ran, &out.fault);
        left -= ran;
        m1.instructions += ran;
        switch (stop) {
        case M1_STOP_BUDGET:
            out.kind = VM_RUN_BUDGET;
            return out;
        case M1_STOP_SYSCALL:
            if (!service_syscall(&out)) {
                continue;
            }
            break;
        case M1_STOP_LEFT_TEXT:
            leave_text(&out);
            break;
        case M1_STOP_FAULT:
            out.kind = VM_RUN_FAULT;
            break;
        }
        return settle(&out);
    }
}

/* Same as run(n): exactly n instructions unless the program stops first. */
static vm_outcome_t m1_step(uint32_t n)
{
    return m1_run(n);
}

/* ---- load, reset, unload -------------------------------------------------------------- */

/* Guest ABI start state: memory = the image, pc = entry, $sp = top - 16, all else 0. */
static void restart(void)
{
    m1_zero(m1_ram, m1.memory_bytes);
    m1_copy(&m1_ram[m1.load_lo], m1.payload, m1.payload_bytes);
    m1_zero(m1.regs, sizeof(m1.regs));
    m1.hi = m1.lo = 0;
    m1.regs[M1_SP] = m1.stack_top;
    m1.lowest_sp = m1.stack_top;
    m1.pc = m1.entry;
    m1.npc = m1.entry + 4;
    m1.state = VM_STATE_LOADED;
    m1.instructions = 0;
    m1.ended_valid = false;
    m1.invoking = false;
}

static void m1_unload(void)
{
    m1_zero(&m1, sizeof(m1));
    m1.state = VM_STATE_IDLE;
}

static bool check_memory(uint32_t memory_bytes, m1_text_t *err)
{
    if (memory_bytes >= M1_MIN_MEMORY_BYTES && memory_bytes <= VMFLEET_GUEST_RAM) {
        return true;
    }
    m1_text_str(err, "bad_limits: memory_bytes ");
    m1_text_dec(err, memory_bytes);
    m1_text_str(err, " must be in [");
    m1_text_dec(err, M1_MIN_MEMORY_BYTES);
    m1_text_str(err, ", ");
    m1_text_dec(err, VMFLEET_GUEST_RAM);
    m1_text_str(err, "], the guest RAM of this build (VMFLEET_GUEST_RAM)");
    return false;
}

static int m1_load(const uint8_t *image, size_t len, uint32_t memory_bytes,
                   vm_load_report_t *report, char *err, size_t err_len)
{
    uint64_t started = vm_clock_us();
    m1_text_t t;
    m1_header_t h;
    m1_text_init(&t, err, err_len);
    m1_unload();
    if (!check_memory(memory_bytes, &t) || !m1_parse(image, len, &h, &t) ||
        !m1_lay_out(&h, memory_bytes, &t)) {
        m1_unload();
        return -1;
    }
    m1.payload = image + 32;
    m1.payload_bytes = h.text_bytes + h.data_bytes;
    restart();
    if (report != NULL) {
        report->load_time_us = (uint32_t)(vm_clock_us() - started);
        report->image_bytes = (uint32_t)len;
        report->guest_memory_bytes = memory_bytes;
    }
    return 0;
}

static void m1_reset(void)
{
    if (m1.state != VM_STATE_IDLE) {
        restart();
    }
}

/* ---- invoke, inspect, memory ---------------------------------------------------------- */

/* Calls `address` with $a0..$a3 = args (missing ones 0), $ra = M1_INVOKE_RETURN_ADDRESS,
 * $sp where it is; run() until VM_RUN_RETURNED. Nothing is saved. Allowed once loaded or
 * exited (COISA: handlers run after main returns), one call at a time. */
static int m1_invoke(uint32_t address, const int32_t *args, unsigned argc)
{
    if (m1.state == VM_STATE_IDLE || m1.state == VM_STATE_FAULTED ||
        m1.state == VM_STATE_RUNNING) {
        return -1;
    }
    if (argc > 4 || (argc > 0 && args == NULL)) {
        return -2;
    }
    if ((address & 3) != 0 || address - m1.load_lo >= m1.store_lo - m1.load_lo) {
        return -3;
    }
    for (unsigned i = 0; i < 4; i++) {
        m1.regs[M1_A0 + i] = i < argc ? (uint32_t)args[i] : 0;
    }
    m1.regs[M1_RA] = M1_INVOKE_RETURN_ADDRESS;
    m1.pc = address;
    m1.npc = address + 4;
    m1.state_before_invoke = m1.state;
    m1.state = VM_STATE_RUNNING;
    m1.invoking = true;
    return 0;
}

static void m1_inspect(vm_inspection_t *out)
{
    out->state = m1.state;
    out->pc = m1.pc;
    out->instructions = m1.instructions;
    out->register_count = 34;
    for (unsigned i = 0; i < 32; i++) {
        out->registers[i].name = register_names[i];
        out->registers[i].value = m1.regs[i];
    }
    out->registers[32].name = "hi";
    out->registers[32].value = m1.hi;
    out->registers[33].name = "lo";
    out->registers[33].value = m1.lo;
}

static bool m1_read_memory(uint32_t addr, uint8_t *dst, uint32_t len)
{
    if (m1.state == VM_STATE_IDLE || len > M1_MAX_READ_BYTES) {
        return false;
    }
    const uint8_t *p = m1_guest(addr, len, m1.load_lo);
    if (p == NULL) {
        return false;
    }
    m1_copy(dst, p, len);
    return true;
}

/* peak = static size + deepest stack seen (engine.ts memory()); the engine's own RAM is
 * its state struct: no decoded program (exec.c). */
static void m1_memory(vm_memory_report_t *out)
{
    m1_zero(out, sizeof(*out));
    if (m1.state == VM_STATE_IDLE) {
        return;
    }
    int32_t sp = (int32_t)m1.lowest_sp;
    if (sp > (int32_t)m1.stack_top) {
        sp = (int32_t)m1.stack_top;
    }
    if (sp < (int32_t)m1.static_end) {
        sp = (int32_t)m1.static_end;
    }
    out->guest_bytes = m1.memory_bytes;
    out->peak_guest_bytes = m1.static_end - m1.load_lo + (m1.memory_bytes - (uint32_t)sp);
    out->engine_bytes = (uint32_t)sizeof(m1);
}

static vm_state_t m1_state(void)
{
    return m1.state;
}

const vm_engine_t vm_engine = {
    .kind = "mips1", .version = "c-1.0.0", .preemptible = true, /* the C engine, beside the TS one */
    .load = m1_load, .run = m1_run, .step = m1_step, .reset = m1_reset,
    .invoke = m1_invoke, .inspect = m1_inspect, .read_memory = m1_read_memory,
    .memory = m1_memory, .state = m1_state, .unload = m1_unload,
};
