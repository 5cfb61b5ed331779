/*
 * The runner's shared state, between the agent-side calls (runner.c), the VM thread
 * (runner_loop.c) and the benchmark run (runner_bench.c).
 *
 * Two locks, always taken in this order: engine_lock around every call into vm_engine,
 * then state_lock around the fields below. The VM thread holds engine_lock for one slice
 * and state_lock only between engine calls, so a state change from the agent (stop,
 * pause, inject, status) never waits for the engine, and one that needs the engine
 * (load, step, reset, inspect) waits at most one slice. Syscalls run inside a slice and
 * take state_lock through runner_lock() for the Event Handler's tables.
 */
#ifndef VMFLEET_RUNNER_INTERNAL_H
#define VMFLEET_RUNNER_INTERNAL_H

#include "mutex.h"
#include "sched.h"

#include "runner.h"

/* Instructions per run() of a preemptible engine: ~0.1-1 ms, so a stop or pause is quick. */
#ifndef RUNNER_SLICE
#define RUNNER_SLICE 10000u
#endif
/* The TS defaults (vm-runner.ts DEFAULTS): what main and one event handler may run. */
#ifndef RUNNER_MAIN_BUDGET
#define RUNNER_MAIN_BUDGET 20000000000ull
#endif
#ifndef RUNNER_HANDLER_BUDGET
#define RUNNER_HANDLER_BUDGET 50000000ull
#endif
/* A bench run beyond this ends as "budget" (guest-bench.ts INSTRUCTION_CAP). */
#ifndef RUNNER_BENCH_CAP
#define RUNNER_BENCH_CAP 1000000000ull
#endif

typedef enum { PHASE_NONE, PHASE_MAIN, PHASE_HANDLER, PHASE_SERVING } runner_phase_t;

/** A lifecycle change to tell the agent once the locks are released. */
typedef struct {
    bool pending;
    program_state_t state;
    run_end_t end;
} runner_note_t;

typedef struct {
    mutex_t engine_lock;
    mutex_t state_lock;
    kernel_pid_t pid;

    program_state_t state;
    runner_phase_t phase;      /* the VM thread's, kept while paused */
    bool handler_active;       /* a handler is under way (started by a slice or a step) */
    uint64_t used;             /* instructions of the current budget (main or handler) */
    bool sleeping;             /* vm_sleep_ms: no slice before wake_at_ms (ZTIMER_MSEC) */
    uint32_t wake_at_ms;
    uint32_t generation;       /* bumped by stop/reset/load: a slice in flight is void */

    const uint8_t *image;      /* the installed program, reloaded after a bench */
    size_t image_len;
    char app_id[RUNNER_APP_ID_BYTES];
    char app_version[RUNNER_APP_VERSION_BYTES];

    uint64_t instructions;     /* since load */
    uint64_t total_instructions;
    uint32_t pc;               /* as of the last slice or step */
    vm_memory_report_t memory;
    run_end_t last_end;

    const uint8_t *bench_image; /* a bench request for the VM thread, or NULL */
    size_t bench_len;
    runner_bench_t *bench_out;
    int bench_rc;
    mutex_t bench_done;         /* locked until the VM thread has served the request */
} runner_t;

extern runner_t runner;

void runner_lock(void);
void runner_unlock(void);
/** Wakes the VM thread (a start, resume, event or bench request); never blocks. */
void runner_wake(void);
/** Calls agent_on_vm_state for a note taken under the lock. */
void runner_announce(const runner_note_t *note);
/** Ends the run as exited or faulted (state_lock held). */
void runner_finish(const vm_outcome_t *outcome, runner_note_t *note);
/** Refreshes pc and memory from the engine and counts `ran` (both locks held). */
void runner_account(uint64_t ran);
/** The engine's instruction count (engine_lock held). */
uint64_t runner_engine_instructions(void);
/** A freshly loaded program (both locks held). */
void runner_attach(const uint8_t *image, size_t len, const char *app_id, const char *app_version);
/** The VM thread's part of runner_bench (runner_bench.c). */
void runner_bench_serve(void);
/** The thread body (runner_loop.c). */
void *runner_thread(void *arg);

#endif /* VMFLEET_RUNNER_INTERNAL_H */
