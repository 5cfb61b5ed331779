/*
 * run-m1: runs a mips1 image on the C engine on the host.
 *
 *   run-m1 [--budget N] [--memory BYTES] image.m1
 *       runs main to its end in 1M-instruction slices, as devices/runtime/vm-runner.ts
 *       does: guest output on stdout, then "-- exited with N" or "-- fault CODE at pc
 *       0x..." on stderr (like `npx vmfleet run`); a main that runs N instructions without
 *       ending is stopped with budget_exhausted. Exit status: the guest's code & 0xff, 3
 *       for a fault, 2 when the image is refused ("run-m1: <file>: <code>: <why>").
 *   run-m1 --step N [--registers] image.m1
 *       loads, calls step(N) once, prints the outcome, then (with --registers) every
 *       register as name=0x%08x, pc and instructions: key=value lines on stdout only.
 *   run-m1 --step N --trace image.m1
 *       step(1) N times (or until the program ends), the --registers report after each.
 *   run-m1 --invoke ADDR [--value V] [--times K] [--registers] image.m1
 *       after main exits, calls the handler at ADDR with V, K times, each run to its
 *       return (the Event Handler's part, which run-m1 otherwise leaves out); with
 *       --registers the final state follows on stderr as key=value lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

#define SLICE 1000000u
#define DEFAULT_MAIN_BUDGET 20000000000ull /* vm-runner.ts DEFAULTS.mainBudget */
#define DEFAULT_HANDLER_BUDGET 50000000ull /* vm-runner.ts DEFAULTS.handlerBudget */

typedef struct {
    uint64_t budget;
    uint32_t memory_bytes;
    long step;
    bool registers;
    bool trace;
    bool invoke;
    uint32_t handler;
    int32_t value;
    uint32_t times;
    const char *file;
} options_t;

static const char *const kinds[] = { "budget", "exited", "returned", "yielded", "fault" };
static const char *const states[] = { "idle", "loaded", "running", "exited", "faulted" };

static void usage(void)
{
    fputs("usage: run-m1 [--budget N] [--memory BYTES] image.m1\n"
          "       run-m1 --step N [--registers] [--memory BYTES] image.m1\n"
          "       run-m1 --invoke ADDR [--value V] [--times K] [--registers] image.m1\n",
          stderr);
    exit(64);
}

static uint64_t number(const char *text)
{
    char *end;
    unsigned long long n = strtoull(text, &end, 0);
    if (*text == '\0' || *end != '\0' || *text == '-') {
        usage();
    }
    return n;
}

static options_t parse(int argc, char **argv)
{
    options_t o = { DEFAULT_MAIN_BUDGET, 65536, -1, false, false, false, 0, 0, 1, NULL };
    for (int i = 1; i < argc; i++) {
        bool more = i + 1 < argc;
        if (!strcmp(argv[i], "--budget") && more) {
            o.budget = number(argv[++i]);
        } else if (!strcmp(argv[i], "--memory") && more) {
            o.memory_bytes = (uint32_t)number(argv[++i]);
        } else if (!strcmp(argv[i], "--step") && more) {
            o.step = (long)number(argv[++i]);
        } else if (!strcmp(argv[i], "--invoke") && more) {
            o.invoke = true;
            o.handler = (uint32_t)number(argv[++i]);
        } else if (!strcmp(argv[i], "--value") && more) {
            o.value = (int32_t)strtol(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--times") && more) {
            o.times = (uint32_t)number(argv[++i]);
        } else if (!strcmp(argv[i], "--trace")) {
            o.trace = true;
        } else if (!strcmp(argv[i], "--registers")) {
            o.registers = true;
        } else if (argv[i][0] == '-' || o.file != NULL) {
            usage();
        } else {
            o.file = argv[i];
        }
    }
    if (o.file == NULL) {
        usage();
    }
    return o;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(66);
    }
    size_t cap = 4096, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            buf = realloc(buf, cap *= 2);
        }
    }
    fclose(f);
    if (buf == NULL) {
        exit(70);
    }
    *len = n;
    return buf;
}

static uint64_t executed(void)
{
    vm_inspection_t in;
    vm_engine.inspect(&in);
    return in.instructions;
}

/* vm-runner.ts: main (or a handler) in slices until it ends; past its budget it stops. */
static vm_outcome_t run_to_end(uint64_t budget)
{
    uint64_t used = 0;
    vm_outcome_t out;
    for (;;) {
        uint64_t left = budget - used;
        uint64_t before = executed();
        out = vm_engine.run(left < SLICE ? (uint32_t)left : SLICE);
        used += executed() - before;
        if (out.kind != VM_RUN_YIELDED && (out.kind != VM_RUN_BUDGET || used >= budget)) {
            return out;
        }
    }
}

/* The end of a run as `npx vmfleet run` says it; the exit status run-m1 returns. */
static int report_end(const vm_outcome_t *out, uint64_t budget)
{
    vm_inspection_t in;
    vm_engine.inspect(&in);
    fflush(stdout);
    switch (out->kind) {
    case VM_RUN_EXITED:
        fprintf(stderr, "\n-- exited with %d", out->value);
        if (host_handlers > 0) {
            fprintf(stderr, " (%u event handlers registered)", host_handlers);
        }
        break;
    case VM_RUN_RETURNED:
        fprintf(stderr, "\n-- handler returned %d", out->value);
        break;
    case VM_RUN_BUDGET:
        fprintf(stderr, "\n-- fault budget_exhausted at pc 0x%x: ran %llu instructions "
                "without finishing; stopped", in.pc, (unsigned long long)budget);
        break;
    default:
        fprintf(stderr, "\n-- fault %s at pc 0x%x", out->fault.code, out->fault.pc);
        if (out->fault.has_address) {
            fprintf(stderr, " address 0x%x", out->fault.address);
        }
        fprintf(stderr, ": %s", out->fault.message);
        break;
    }
    fprintf(stderr, "\n-- %llu instructions\n", (unsigned long long)in.instructions);
    return out->kind == VM_RUN_EXITED ? out->value & 0xff : out->kind == VM_RUN_RETURNED ? 0 : 3;
}

static void print_registers(FILE *to)
{
    vm_inspection_t in;
    vm_engine.inspect(&in);
    fprintf(to, "state=%s\n", states[in.state]);
    for (unsigned i = 0; i < in.register_count; i++) {
        fprintf(to, "%s=0x%08x\n", in.registers[i].name, in.registers[i].value);
    }
    fprintf(to, "pc=0x%08x\ninstructions=%llu\n", in.pc, (unsigned long long)in.instructions);
}

static void print_step(const vm_outcome_t *out, bool registers)
{
    printf("outcome=%s\nvalue=%d\n", kinds[out->kind], out->value);
    if (out->kind == VM_RUN_FAULT) {
        printf("fault=%s\nfault_pc=0x%08x\n", out->fault.code, out->fault.pc);
        if (out->fault.has_address) {
            printf("fault_address=0x%08x\n", out->fault.address);
        }
    }
    if (registers) {
        print_registers(stdout);
    } else {
        vm_inspection_t in;
        vm_engine.inspect(&in);
        printf("state=%s\n", states[in.state]);
    }
}

/* One instruction at a time: each report is a block that starts with step=i. */
static void trace(long n)
{
    for (long i = 1; i <= n; i++) {
        vm_outcome_t out = vm_engine.step(1);
        printf("step=%ld\n", i);
        print_step(&out, true);
        if (out.kind != VM_RUN_BUDGET && out.kind != VM_RUN_YIELDED) {
            return;
        }
    }
}

/* main, then (--invoke) the handler K times, as the Event Handler would serve events. */
static int run_program(const options_t *o)
{
    vm_outcome_t out = run_to_end(o->budget);
    int status = report_end(&out, o->budget);
    for (uint32_t i = 0; o->invoke && out.kind == VM_RUN_EXITED && i < o->times; i++) {
        int rc = vm_engine.invoke(o->handler, &o->value, 1);
        if (rc != 0) {
            fprintf(stderr, "-- invoke(0x%x) refused: %d\n", o->handler, rc);
            return 4;
        }
        vm_outcome_t handled = run_to_end(DEFAULT_HANDLER_BUDGET);
        status = report_end(&handled, DEFAULT_HANDLER_BUDGET);
        if (handled.kind != VM_RUN_RETURNED) {
            break;
        }
    }
    if (o->registers) {
        print_registers(stderr);
    }
    return status;
}

int main(int argc, char **argv)
{
    options_t o = parse(argc, argv);
    size_t len;
    uint8_t *image = read_file(o.file, &len);
    char err[VM_ERROR_BYTES];
    vm_load_report_t report;
    host_guest_out = o.step >= 0 ? stderr : stdout;
    if (vm_engine.load(image, len, o.memory_bytes, &report, err, sizeof(err)) != 0) {
        fprintf(stderr, "run-m1: %s: %s\n", o.file, err);
        free(image);
        return 2;
    }
    int status = 0;
    if (o.step >= 0 && o.trace) {
        trace(o.step);
    } else if (o.step >= 0) {
        vm_outcome_t out = vm_engine.step((uint32_t)o.step);
        print_step(&out, o.registers);
    } else {
        status = run_program(&o);
        vm_memory_report_t mem;
        vm_engine.memory(&mem);
        fprintf(stderr, "-- load %u us, image %u B, guest RAM peak %u of %u B, engine %u B\n",
                report.load_time_us, report.image_bytes, mem.peak_guest_bytes, mem.guest_bytes,
                mem.engine_bytes);
    }
    vm_engine.unload();
    free(image);
    return status;
}
