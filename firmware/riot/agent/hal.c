/*
 * vm_host_syscall (vm/vm.h): the device's side of every syscall of docs/guest-abi.md, as
 * devices/runtime/guest-host.ts serves them; the engine only decodes the call. Runs on
 * the VM thread, inside the engine's run(); the Event Handler's tables are shared with
 * the agent thread (runner_inject), so they are touched under the runner's lock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "event_handler.h"
#include "hal.h"
#include "runner.h"
#include "runner_internal.h"

enum {
    SYS_EXIT = 1, SYS_PRINT = 2, SYS_PRINT_INT = 3, SYS_TIME_MS = 4, SYS_SLEEP_MS = 5,
    SYS_YIELD = 6, SYS_HAL_PROBE = 10, SYS_HAL_READ = 11, SYS_HAL_WRITE = 12,
    SYS_PUBLISH = 20, SYS_EH_ON_RAW = 30, SYS_EH_ON_CONDITION = 31, SYS_EH_EMIT = 32,
};

#define MAX_PRINT_BYTES 1024
#define MAX_NAME_BYTES 32
/* Strings are read through the view in chunks: fewer checked calls than byte by byte. */
#define CHUNK_BYTES 64

/* A fault's message must outlive the call (vm_sys_result_t.message); one VM thread. */
static char fault_message[96];
/* vm_time_ms in bench mode: a counter, so a benchmark's timing loop always ends. */
static int32_t bench_clock;

static vm_sys_result_t value(int32_t v)
{
    return (vm_sys_result_t){ .kind = VM_SYS_VALUE, .value = v };
}

static vm_sys_result_t fault(uint32_t nr, const char *fmt, ...)
{
    int n = snprintf(fault_message, sizeof(fault_message), "syscall %u: ", (unsigned)nr);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fault_message + n, sizeof(fault_message) - n, fmt, ap);
    va_end(ap);
    return (vm_sys_result_t){ .kind = VM_SYS_FAULT, .message = fault_message };
}

/*
 * Hands the NUL-terminated string at addr to sink, at most max bytes (longer strings are
 * cut there, as the TS readCString does). false when a byte before the NUL lies outside
 * guest memory.
 */
static bool read_string(const vm_memory_view_t *mem, uint32_t addr, size_t max,
                        void (*sink)(const char *, size_t, void *), void *ctx)
{
    char chunk[CHUNK_BYTES];
    for (size_t done = 0; done < max;) {
        uint32_t want = (max - done) < CHUNK_BYTES ? (uint32_t)(max - done) : CHUNK_BYTES;
        /* Near the end of guest memory a whole chunk may not fit: then a byte at a time. */
        if (!mem->read(mem->ctx, addr + done, chunk, want)) {
            want = 1;
            if (!mem->read(mem->ctx, addr + done, chunk, 1)) {
                return false;
            }
        }
        char *nul = memchr(chunk, 0, want);
        size_t n = nul ? (size_t)(nul - chunk) : want;
        sink(chunk, n, ctx);
        if (nul) {
            return true;
        }
        done += want;
    }
    return true;
}

static void print_sink(const char *s, size_t n, void *ctx) { (void)ctx; guest_console_write(s, n); }

typedef struct { char text[MAX_NAME_BYTES + 1]; size_t len; } name_t;

static void name_sink(const char *s, size_t n, void *ctx)
{
    name_t *name = ctx;
    memcpy(name->text + name->len, s, n);
    name->len += n;
}

static vm_sys_result_t print_string(uint32_t nr, uint32_t addr, const vm_memory_view_t *mem)
{
    if (!read_string(mem, addr, MAX_PRINT_BYTES, print_sink, NULL)) {
        return fault(nr, "string at 0x%lx runs outside guest memory", (unsigned long)addr);
    }
    return value(0);
}

static vm_sys_result_t publish(uint32_t nr, const int32_t args[4], const vm_memory_view_t *mem)
{
    name_t name = { .len = 0 };
    if (!read_string(mem, (uint32_t)args[0], MAX_NAME_BYTES, name_sink, &name)) {
        return fault(nr, "name at 0x%lx runs outside guest memory",
                     (unsigned long)(uint32_t)args[0]);
    }
    name.text[name.len] = '\0';
    agent_on_publish(name.text, args[1]);
    return value(0);
}

static vm_sys_result_t on_condition(uint32_t nr, const int32_t args[4], const vm_memory_view_t *mem)
{
    uint8_t raw[20];
    if (!mem->read(mem->ctx, (uint32_t)args[0], raw, sizeof(raw))) {
        return fault(nr, "condition at 0x%lx lies outside guest memory",
                     (unsigned long)(uint32_t)args[0]);
    }
    int32_t field[5];
    for (unsigned i = 0; i < 5; i++) { /* little-endian, whatever the host's order */
        const uint8_t *b = raw + 4 * i;
        field[i] = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16
                             | (uint32_t)b[3] << 24);
    }
    eh_condition_t c = { field[0], field[1], field[2], field[3], field[4] };
    runner_lock();
    bool ok = eh_on_condition(&c, (uint32_t)args[1], hal_program_ms());
    runner_unlock();
    return value(ok ? 0 : -1);
}

/* The syscalls beyond the console ABI: sensors, actuators, messages, events. */
static vm_sys_result_t device_syscall(uint32_t nr, const int32_t args[4],
                                      const vm_memory_view_t *mem)
{
    int32_t reading;
    bool ok;
    switch (nr) {
    case SYS_HAL_PROBE:
        return value(hal_probe(args[0]));
    case SYS_HAL_READ:
        runner_lock(); /* the button's press time comes from the agent thread */
        ok = hal_read(args[0], args[1], hal_program_ms(), &reading);
        runner_unlock();
        if (!ok) {
            return fault(nr, "no sensor of type %ld at index %ld", (long)args[0], (long)args[1]);
        }
        return value(reading);
    case SYS_HAL_WRITE:
        return value(hal_write(args[0], args[1], args[2]) ? 0 : -1);
    case SYS_PUBLISH:
        return publish(nr, args, mem);
    case SYS_EH_ON_RAW:
        runner_lock();
        ok = eh_on_raw(args[0], (uint32_t)args[1]);
        runner_unlock();
        return value(ok ? 0 : -1);
    case SYS_EH_ON_CONDITION:
        return on_condition(nr, args, mem);
    case SYS_EH_EMIT:
        agent_on_emit((uint16_t)args[0], args[1]);
        return value(0);
    default:
        return fault(nr, "unknown syscall");
    }
}

vm_sys_result_t vm_host_syscall(uint32_t nr, const int32_t args[4], const vm_memory_view_t *mem)
{
    bool benching = guest_console_benching();
    char digits[12];
    switch (nr) {
    case SYS_EXIT:
        return (vm_sys_result_t){ .kind = VM_SYS_EXIT, .value = args[0] };
    case SYS_PRINT:
        return print_string(nr, (uint32_t)args[0], mem);
    case SYS_PRINT_INT:
        guest_console_write(digits, (size_t)snprintf(digits, sizeof(digits), "%ld", (long)args[0]));
        return value(0);
    case SYS_TIME_MS:
        return value(benching ? bench_clock++ : (int32_t)hal_program_ms());
    case SYS_SLEEP_MS:
    case SYS_YIELD: {
        uint32_t ms = (nr == SYS_SLEEP_MS && args[0] > 0 && !benching) ? (uint32_t)args[0] : 0;
        return (vm_sys_result_t){ .kind = VM_SYS_YIELD, .value = 0, .sleep_ms = ms };
    }
    default:
        if (benching) { /* guest-bench.ts: benchmarks only print and exit */
            return fault(nr, "not part of the console ABI");
        }
        return device_syscall(nr, args, mem);
    }
}

void hal_bench_clock_reset(void) { bench_clock = 0; }
