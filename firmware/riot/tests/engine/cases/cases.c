/*
 * The cases of engine_test: drive one VM engine through vm.h without the agent, the way
 * the agent's VM thread does, in a thread of VMFLEET_VM_STACK bytes. The cases every
 * engine runs are here; the images and the cases of one VM family are in CASES_HEADER
 * (wasm.h, lua.h, js.h, ebpf.h). Each case prints machine-readable markers that
 * test/support/riot-engine.ts checks:
 *
 *   @@BEGIN <name>@@\n<guest output>\n@@END <name> exit=<code>@@
 *   @@END <name> fault=<code> <message>@@     @@REFUSED <name> <load error>@@
 *
 * The guest's output is exactly what it printed (compared with firmware/expected/).
 */
#include <stdio.h>
#include <string.h>

#include "periph/pm.h"
#include "thread.h"
#include "ztimer.h"

#include "vm.h"
#include "vm_clock.h"

#define GUEST_RAM VMFLEET_GUEST_RAM
/* Enough for every benchmark (several seconds of guest time on the slowest engine). */
#define RUN_BUDGET 2000000000u
/* spin must end as budget_exhausted: a short budget keeps the test quick. */
#define SPIN_BUDGET 20000000u

typedef struct {
    const char *name;
    const unsigned char *image;
    unsigned len;
} program_t;

/* PROGRAM("fibonacci", fibonacci, wasm): the blob of fibonacci.wasm */
#define PROGRAM(n, sym, ext) { n, sym##_##ext, sizeof(sym##_##ext) }

static uint32_t last_handler = UINT32_MAX;

uint64_t vm_clock_us(void)
{
    static uint32_t last;
    static uint64_t high;
    uint32_t now = ztimer_now(ZTIMER_USEC);
    if (now < last) {
        high += 1ull << 32;
    }
    last = now;
    return high | now;
}

static vm_sys_result_t print_string(uint32_t addr, const vm_memory_view_t *mem)
{
    char buf[65];
    for (uint32_t done = 0; done < 1024;) {
        unsigned n = 0;
        for (; n < sizeof(buf) - 1; n++, done++) {
            if (!mem->read(mem->ctx, addr + done, &buf[n], 1)) {
                return (vm_sys_result_t){ .kind = VM_SYS_FAULT, .message = "bad pointer" };
            }
            if (buf[n] == '\0') {
                fwrite(buf, 1, n, stdout);
                return (vm_sys_result_t){ .kind = VM_SYS_VALUE };
            }
        }
        fwrite(buf, 1, n, stdout);
    }
    return (vm_sys_result_t){ .kind = VM_SYS_FAULT, .message = "string over 1024 bytes" };
}

/* The host side for the test: output on stdout, no sensors, events and publishes printed. */
vm_sys_result_t vm_host_syscall(uint32_t nr, const int32_t args[4], const vm_memory_view_t *mem)
{
    vm_sys_result_t r = { .kind = VM_SYS_VALUE };
    char name[33] = { 0 };
    switch (nr) {
    case 1: r.kind = VM_SYS_EXIT; r.value = args[0]; break;
    case 2: return print_string((uint32_t)args[0], mem);
    case 3: printf("%ld", (long)args[0]); break;
    case 4: r.value = (int32_t)(vm_clock_us() / 1000); break;
    case 5: ztimer_sleep(ZTIMER_USEC, (uint32_t)args[0] * 1000u); r.kind = VM_SYS_YIELD; break;
    case 6: r.kind = VM_SYS_YIELD; break;
    case 10: case 11: break;
    case 12: r.value = -1; break;
    case 20:
        for (unsigned i = 0; i < 32 && mem->read(mem->ctx, (uint32_t)args[0] + i, &name[i], 1)
             && name[i]; i++) {}
        printf("[publish %s=%ld]\n", name, (long)args[1]);
        break;
    case 30: case 31: last_handler = (uint32_t)args[1]; break;
    case 32: printf("[emit %ld=%ld]\n", (long)args[0], (long)args[1]); break;
    default: r.kind = VM_SYS_FAULT; r.message = "unknown syscall"; break;
    }
    fflush(stdout);
    return r;
}

static void print_end(const char *name, const vm_outcome_t *out)
{
    switch (out->kind) {
    case VM_RUN_EXITED: printf("\n@@END %s exit=%ld@@\n", name, (long)out->value); break;
    case VM_RUN_RETURNED: printf("\n@@END %s returned=%ld@@\n", name, (long)out->value); break;
    case VM_RUN_FAULT:
        printf("\n@@END %s fault=%s %s@@\n", name, out->fault.code, out->fault.message);
        break;
    default: printf("\n@@END %s kind=%d@@\n", name, (int)out->kind); break;
    }
}

/* Slices of a preemptible engine's run, as the agent's runner takes them. */
#define SLICE 1000000u

/* Runs the way the agent's runner does (agent/runner_loop.c): a preemptible engine in
 * slices, sleeps served in place, and a budget used up ends as budget_exhausted. */
static vm_outcome_t run_to_end(uint32_t budget)
{
    uint32_t used = 0;
    for (;;) {
        uint32_t left = budget - used;
        uint32_t slice = vm_engine.preemptible && left > SLICE ? SLICE : left;
        vm_outcome_t out = vm_engine.run(slice);
        if (out.kind == VM_RUN_YIELDED) {
            if (out.value > 0) {
                ztimer_sleep(ZTIMER_MSEC, (uint32_t)out.value);
            }
            continue;
        }
        if (out.kind != VM_RUN_BUDGET) {
            return out;
        }
        used += slice;
        if (used >= budget) {
            out = (vm_outcome_t){ .kind = VM_RUN_FAULT };
            out.fault.code = "budget_exhausted";
            snprintf(out.fault.message, sizeof(out.fault.message),
                     "ran %lu instructions without finishing", (unsigned long)budget);
            return out;
        }
    }
}

static bool load(const char *name, const uint8_t *image, size_t len, uint32_t ram)
{
    char err[VM_ERROR_BYTES];
    vm_load_report_t report;
    if (vm_engine.load(image, len, ram, &report, err, sizeof(err)) != 0) {
        printf("@@REFUSED %s %s@@\n", name, err);
        return false;
    }
    printf("@@LOADED %s us=%lu bytes=%lu guest=%lu@@\n", name, (unsigned long)report.load_time_us,
           (unsigned long)report.image_bytes, (unsigned long)report.guest_memory_bytes);
    return true;
}

static void run_capped(const char *name, const uint8_t *image, size_t len, uint32_t budget,
                       uint32_t ram)
{
    if (!load(name, image, len, ram)) {
        return;
    }
    printf("@@BEGIN %s@@\n", name);
    fflush(stdout);
    uint32_t started = ztimer_now(ZTIMER_USEC);
    vm_outcome_t out = run_to_end(budget);
    uint32_t us = ztimer_now(ZTIMER_USEC) - started;
    print_end(name, &out);
    vm_memory_report_t m;
    vm_engine.memory(&m);
    printf("@@MEMORY %s guest=%lu peak=%lu engine=%lu run_us=%lu@@\n", name,
           (unsigned long)m.guest_bytes, (unsigned long)m.peak_guest_bytes,
           (unsigned long)m.engine_bytes, (unsigned long)us);
}

static void run_program(const char *name, const uint8_t *image, size_t len, uint32_t budget)
{
    run_capped(name, image, len, budget, GUEST_RAM);
}

/* button-counter registers a handler and exits; the handler then serves five presses. */
static void __attribute__((unused)) handler_test(const program_t *button_counter)
{
    run_program(button_counter->name, button_counter->image, button_counter->len, RUN_BUDGET);
    printf("@@HANDLER %lu@@\n", (unsigned long)last_handler);
    for (int press = 1; press <= 5; press++) {
        const int32_t value = 1000;
        if (vm_engine.invoke(last_handler, &value, 1) != 0) {
            printf("@@INVOKE refused@@\n");
            return;
        }
        printf("@@BEGIN press%d@@\n", press);
        vm_outcome_t out = run_to_end(RUN_BUDGET);
        char name[12];
        snprintf(name, sizeof(name), "press%d", press);
        print_end(name, &out);
    }
    const int32_t value = 0;
    printf("@@INVOKE bad=%d@@\n", vm_engine.invoke(9999, &value, 1));
    uint8_t byte;
    printf("@@READ inside=%d outside=%d@@\n", vm_engine.read_memory(0, &byte, 1),
           vm_engine.read_memory(GUEST_RAM, &byte, 1));
}

/* The family's images (programs[], spin, wild_store) and its own cases (family_cases). */
#include CASES_HEADER

static void *engine_thread(void *arg)
{
    (void)arg;
    printf("@@ENGINE %s %s preemptible=%d@@\n", vm_engine.kind, vm_engine.version,
           vm_engine.preemptible);
    for (unsigned i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
        run_program(programs[i].name, programs[i].image, programs[i].len, RUN_BUDGET);
    }
    run_program(spin.name, spin.image, spin.len, SPIN_BUDGET);
    run_program(wild_store.name, wild_store.image, wild_store.len, RUN_BUDGET);
    family_cases();
    vm_engine.unload();
    printf("@@DONE@@\n");
    fflush(stdout);
    pm_off();
    return NULL;
}

static char stack[VMFLEET_VM_STACK];

void engine_cases_start(void)
{
    thread_create(stack, sizeof(stack), THREAD_PRIORITY_MAIN - 1, 0, engine_thread, NULL,
                  "vm");
}
