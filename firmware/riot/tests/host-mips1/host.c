/*
 * vm_host_syscall() for run-m1: the guest ABI (docs/guest-abi.md) with a fixed, quiet
 * device. Output looks like `npx vmfleet run`: print and print_int verbatim, publish and
 * emit as "[publish] name = v" / "[event] id = v" (cli/commands/run.ts). sleep_ms and
 * yield yield (the runner resumes at once), hal_* answer fixed readings, handler
 * registrations are counted and reported on stderr (this runner serves no events).
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "host.h"
#include "vm_clock.h"

#define MAX_PRINT_BYTES 1024u
#define MAX_NAME_BYTES 32u
#define CONDITION_STRUCT_BYTES 20u

FILE *host_guest_out;
unsigned host_handlers;

static char message[160];

uint64_t vm_clock_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static vm_sys_result_t value(int32_t v)
{
    vm_sys_result_t r = { .kind = VM_SYS_VALUE, .value = v };
    return r;
}

static vm_sys_result_t refuse(void)
{
    vm_sys_result_t r = { .kind = VM_SYS_FAULT, .message = message };
    return r;
}

/* A NUL-terminated guest string of at most max bytes, read through the checked view (a
 * byte outside the sandbox makes the engine report bad_address at that byte). */
static bool read_string(const vm_memory_view_t *mem, uint32_t addr, uint32_t max, char *buf)
{
    for (uint32_t i = 0; i < max; i++) {
        if (!mem->read(mem->ctx, addr + i, &buf[i], 1)) {
            snprintf(message, sizeof(message), "string at 0x%08x is outside guest memory", addr);
            return false;
        }
        if (buf[i] == '\0') {
            return true;
        }
    }
    snprintf(message, sizeof(message), "string at 0x%08x has no NUL terminator within %u bytes",
             addr, max);
    return false;
}

static int32_t reading(int32_t type, int32_t index)
{
    switch (type) {
    case 1: return 21500;  /* m°C */
    case 2: return 45000;  /* m%RH */
    case 3: return 250000; /* lux·1000 */
    case 4: return 1200;   /* mm */
    case 5: return 0;      /* button up */
    default: return index == 2 ? 1000 : 0; /* accelerometer: 1 g on z */
    }
}

static vm_sys_result_t hal(uint32_t nr, const int32_t a[4])
{
    bool known = a[0] >= 1 && a[0] <= 6;
    bool present = known && (a[1] == 0 || (a[0] == 6 && a[1] >= 0 && a[1] <= 2));
    switch (nr) {
    case 10: return value(known ? 1 : 0);
    case 11:
        if (!present) {
            snprintf(message, sizeof(message), "no sensor of type %d at index %d", a[0], a[1]);
            return refuse();
        }
        return value(reading(a[0], a[1]));
    default: return value(a[0] == 1 || a[0] == 2 ? 0 : -1);
    }
}

static vm_sys_result_t on_condition(const int32_t a[4], const vm_memory_view_t *mem)
{
    int32_t c[5];
    if (!mem->read(mem->ctx, (uint32_t)a[0], c, CONDITION_STRUCT_BYTES)) {
        snprintf(message, sizeof(message), "condition struct at 0x%08x is outside guest memory",
                 (uint32_t)a[0]);
        return refuse();
    }
    if (c[2] < 0 || c[2] > 3) {
        return value(-1);
    }
    static const char *const ops[4] = { "<", "<=", ">", ">=" };
    fprintf(stderr, "-- eh_on_condition: sensor %d[%d] %s %d every %d ms -> handler 0x%08x\n",
            c[0], c[1], ops[c[2]], c[3], c[4], (uint32_t)a[1]);
    host_handlers++;
    return value(0);
}

static vm_sys_result_t device(uint32_t nr, const int32_t a[4], const vm_memory_view_t *mem)
{
    char name[MAX_NAME_BYTES];
    switch (nr) {
    case 10: case 11: case 12: return hal(nr, a);
    case 20:
        if (!read_string(mem, (uint32_t)a[0], MAX_NAME_BYTES, name)) {
            return refuse();
        }
        fprintf(host_guest_out, "[publish] %s = %d\n", name, a[1]);
        return value(0);
    case 30:
        fprintf(stderr, "-- eh_on_raw: event %d -> handler 0x%08x\n", a[0], (uint32_t)a[1]);
        host_handlers++;
        return value(0);
    case 31: return on_condition(a, mem);
    case 32:
        fprintf(host_guest_out, "[event] %d = %d\n", a[0], a[1]);
        return value(0);
    default:
        snprintf(message, sizeof(message), "unknown syscall %u", nr);
        return refuse();
    }
}

vm_sys_result_t vm_host_syscall(uint32_t nr, const int32_t args[4], const vm_memory_view_t *mem)
{
    static uint64_t started_us;
    char text[MAX_PRINT_BYTES];
    vm_sys_result_t r = { .kind = VM_SYS_VALUE };
    if (started_us == 0) {
        started_us = vm_clock_us();
    }
    switch (nr) {
    case 1: r.kind = VM_SYS_EXIT; r.value = args[0]; return r;
    case 2:
        if (!read_string(mem, (uint32_t)args[0], MAX_PRINT_BYTES, text)) {
            return refuse();
        }
        fputs(text, host_guest_out);
        return value(0);
    case 3: fprintf(host_guest_out, "%d", args[0]); return value(0);
    case 4: return value((int32_t)((vm_clock_us() - started_us) / 1000u));
    case 5: r.kind = VM_SYS_YIELD; r.sleep_ms = args[0] > 0 ? (uint32_t)args[0] : 0; return r;
    case 6: r.kind = VM_SYS_YIELD; return r;
    default: return device(nr, args, mem);
    }
}
