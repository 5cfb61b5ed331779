/*
 * One benchmark run on the VM thread (runner_bench in runner.h; bench-runner.ts and
 * guest-bench.ts): the device's program was stopped by the caller, the engine is
 * emptied for the bench image, which gets the console ABI only and runs to its end or
 * RUNNER_BENCH_CAP instructions; then the installed program is loaded again.
 */
#include <stdio.h>
#include <string.h>

#include "ztimer.h"

#include "event_handler.h"
#include "hal.h"
#include "runner_internal.h"

/* Fewer, longer run() calls than a device run: the bench owns the VM thread. */
#define BENCH_SLICE 1000000u

static void run_to_end(runner_bench_t *out)
{
    uint64_t slice = vm_engine.preemptible ? BENCH_SLICE : RUNNER_BENCH_CAP;
    vm_outcome_t end;
    uint32_t started = ztimer_now(ZTIMER_USEC);
    do {
        end = vm_engine.run((uint32_t)slice);
    } while ((end.kind == VM_RUN_BUDGET || end.kind == VM_RUN_YIELDED)
             && runner_engine_instructions() < RUNNER_BENCH_CAP);
    out->exec_us = ztimer_now(ZTIMER_USEC) - started;
    out->instructions = runner_engine_instructions();
    vm_memory_report_t mem;
    vm_engine.memory(&mem);
    out->ram_bytes = mem.peak_guest_bytes + mem.engine_bytes;
    out->end = end.kind == VM_RUN_EXITED ? "exit" : end.kind == VM_RUN_FAULT ? "fault" : "budget";
    out->exit_code = end.kind == VM_RUN_EXITED ? end.value : 0;
    if (end.kind == VM_RUN_FAULT) {
        out->fault = end.fault;
    }
}

/* The installed program again, in state loaded (or idle if there is none). */
static void restore(void)
{
    char err[VM_ERROR_BYTES];
    vm_load_report_t report;
    bool ok = runner.image != NULL
              && vm_engine.load(runner.image, runner.image_len, VMFLEET_GUEST_RAM, &report, err,
                                sizeof(err)) == 0;
    mutex_lock(&runner.state_lock);
    if (ok) {
        runner_attach(runner.image, runner.image_len, runner.app_id, runner.app_version);
    }
    else {
        runner.state = PROGRAM_IDLE;
        runner.image = NULL;
    }
    mutex_unlock(&runner.state_lock);
}

void runner_bench_serve(void)
{
    runner_bench_t *out = runner.bench_out;
    mutex_lock(&runner.engine_lock);
    vm_engine.unload();
    memset(out, 0, sizeof(*out));
    vm_load_report_t report = { 0 };
    char err[VM_ERROR_BYTES] = "";
    hal_bench_begin(out->output, sizeof(out->output) - 1);
    uint32_t started = ztimer_now(ZTIMER_USEC);
    int rc = vm_engine.load(runner.bench_image, runner.bench_len, VMFLEET_GUEST_RAM, &report,
                            err, sizeof(err));
    out->load_us = ztimer_now(ZTIMER_USEC) - started;
    out->code_bytes = report.image_bytes;
    if (rc == 0) {
        run_to_end(out);
    }
    out->output_len = hal_bench_end(&out->check);
    if (rc != 0) { /* the refusal's reason is the output, for the reply */
        out->output_len = (size_t)snprintf(out->output, sizeof(out->output), "%s", err);
        out->end = "fault";
    }
    out->output[out->output_len] = '\0';
    vm_engine.unload();
    restore();
    mutex_unlock(&runner.engine_lock);

    mutex_lock(&runner.state_lock);
    runner.bench_rc = rc == 0 ? 0 : RUNNER_EIMAGE;
    runner.bench_out = NULL;
    mutex_unlock(&runner.state_lock);
    mutex_unlock(&runner.bench_done);
}
