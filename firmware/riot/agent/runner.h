/*
 * The program runner of the RIOT device: the VM thread that drives the engine of this
 * build (vm/vm.h) through the run state machine of devices/runtime/program-control.ts,
 * the Event Handler of docs/guest-abi.md (raw events, sensor conditions polled, one
 * handler at a time) and the HAL behind vm_host_syscall (agent/hal.c).
 *
 * Every runner_* call is made from the agent thread; they are serialised with the VM
 * thread by a mutex, so a Thing Monitor op never races a running slice. Calls return 0
 * or a negative RUNNER_E* code, which the Thing Monitor maps to its error codes.
 */
#ifndef VMFLEET_RUNNER_H
#define VMFLEET_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RUNNER_ENOAPP    (-1) /* nothing loaded: "no_app" */
#define RUNNER_ESTATE    (-2) /* not in this state: "bad_state" */
#define RUNNER_EIMAGE    (-3) /* the engine refused the image: "image_rejected" */
#define RUNNER_EUNSUP    (-4) /* the engine cannot do this: "unsupported" */
#define RUNNER_EADDRESS  (-5) /* outside guest memory: "bad_address" */
#define RUNNER_EFULL     (-6) /* event queue full */

#define RUNNER_APP_ID_BYTES 129
#define RUNNER_APP_VERSION_BYTES 65

/** The protocol's VM states (vmStateSchema): idle loaded running paused stopped faulted. */
typedef enum {
    PROGRAM_IDLE, PROGRAM_LOADED, PROGRAM_RUNNING, PROGRAM_PAUSED, PROGRAM_STOPPED,
    PROGRAM_FAULTED,
} program_state_t;

const char *program_state_name(program_state_t state);

/** How the last run ended (status `lastEnd`). */
typedef struct {
    bool ended;
    bool stopped;         /* stop()ped or reset while running: neither exited nor faulted
                           * (TS RunEnd kind "stopped"; fault.code then reads "stopped") */
    bool exited;          /* exited with exit_code, else faulted with fault */
    int32_t exit_code;
    vm_fault_t fault;
} run_end_t;

typedef struct {
    program_state_t state;
    char app_id[RUNNER_APP_ID_BYTES];      /* "" when loaded by hand without an app ref */
    char app_version[RUNNER_APP_VERSION_BYTES];
    const char *phase;                     /* "main", "handler", "serving" (events) or NULL */
    uint32_t pc;
    uint64_t instructions;                 /* since load; only grows */
    uint64_t total_instructions;           /* since boot (telemetry vm.instructions) */
    unsigned pending_events;
    vm_memory_report_t memory;
    run_end_t last_end;
} runner_status_t;

/** Step answer: where the program is after at most n instructions. */
typedef struct {
    uint32_t pc;
    uint64_t instructions;
    uint32_t executed;
    const char *outcome;     /* "budget" (all n ran), "exited", "returned", "yielded", "fault" */
    bool has_fault;
    vm_fault_t fault;
} runner_step_t;

/** One benchmark run (docs/benchmarks.md; benchResultSchema of src/protocol/monitor.ts). */
typedef struct {
    uint32_t load_us;
    uint32_t exec_us;
    uint64_t instructions;
    uint32_t ram_bytes;      /* engine + guest memory touched */
    uint32_t code_bytes;
    const char *end;         /* "exit", "fault", "budget" */
    int32_t exit_code;
    vm_fault_t fault;        /* when end is "fault" */
    const char *check;       /* "ok", "fail", "absent": the program's `check:` line */
    char output[1024];       /* console output of the run, truncated */
    size_t output_len;
} runner_bench_t;

/** Starts the VM thread. */
void runner_init(void);

/**
 * Loads an image (not while running or paused); the old program is unloaded first. The
 * runner keeps `image` to reload it after a bench run: it must stay valid (an app slot)
 * until the next load.
 */
int runner_load(const uint8_t *image, size_t len, const char *app_id, const char *app_version,
                vm_load_report_t *report, char *err, size_t err_len);
int runner_start(void);
int runner_stop(void);
int runner_pause(void);
int runner_resume(void);
int runner_reset(void);
/** Executes n instructions of a loaded or paused program (RUNNER_EUNSUP if the engine cannot). */
int runner_step(uint32_t n, runner_step_t *out);
int runner_inspect(vm_inspection_t *out);
int runner_read_memory(uint32_t addr, uint8_t *dst, uint32_t len);
/** Queues a raw event (1 = button, 100-199 user events); returns the queue length. */
int runner_inject(uint16_t event, int32_t value);
void runner_status(runner_status_t *out);

/** Instructions main may run before it faults budget_exhausted (RUNNER_MAIN_BUDGET by
 * default; the shell's `vmfleet budget`): a device owner's cap on a guest's CPU. */
void runner_set_main_budget(uint64_t instructions);
/**
 * One benchmark run of `image` on the engine: the device's own program is stopped and
 * unloaded for it (the C engines are singletons), then the installed app (if any) is
 * reloaded in state loaded. Blocks the caller until the run ends or its budget runs out.
 */
int runner_bench(const uint8_t *image, size_t len, runner_bench_t *out);

/* ---- What the runner tells the agent (called from the VM thread; must not block long) --- */

/** The guest called vm_publish. */
void agent_on_publish(const char *name, int32_t value);
/** The guest called eh_emit. */
void agent_on_emit(uint16_t event, int32_t value);
/** A lifecycle change: running, paused, stopped (exit code when it exited), faulted. */
void agent_on_vm_state(program_state_t state, const run_end_t *end);

#ifdef __cplusplus
}
#endif

#endif /* VMFLEET_RUNNER_H */
