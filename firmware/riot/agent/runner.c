/*
 * The runner's API for the agent (runner.h): the run state machine of
 * devices/runtime/program-control.ts over the shared state of runner_internal.h. State
 * changes (start, stop, pause, resume, inject) only flip the state under state_lock and
 * wake the VM thread, which honours them between two slices; nothing here waits for a
 * run. Calls that need the engine (load, step, reset, inspect, memory) wait for the
 * slice in flight, at most RUNNER_SLICE instructions on a preemptible engine.
 */
#include <string.h>

#include "thread.h"

#include "event_handler.h"
#include "hal.h"
#include "runner_internal.h"

/* Below the network stack and the shell (lower priority = higher number in RIOT). */
#ifndef RUNNER_PRIORITY
#define RUNNER_PRIORITY (THREAD_PRIORITY_MAIN + 1)
#endif
#ifdef VMFLEET_VM_STACK
#define RUNNER_STACK VMFLEET_VM_STACK
#else
#define RUNNER_STACK (4096 + THREAD_EXTRA_STACKSIZE_PRINTF)
#endif

runner_t runner = {
    .engine_lock = MUTEX_INIT,
    .state_lock = MUTEX_INIT,
    .pid = KERNEL_PID_UNDEF,
    .bench_done = MUTEX_INIT_LOCKED,
};
static char stack[RUNNER_STACK];

const char *program_state_name(program_state_t state)
{
    static const char *const names[] = { "idle", "loaded", "running", "paused", "stopped",
                                         "faulted" };
    return (unsigned)state < sizeof(names) / sizeof(names[0]) ? names[state] : "idle";
}

void runner_lock(void) { mutex_lock(&runner.state_lock); }
void runner_unlock(void) { mutex_unlock(&runner.state_lock); }

void runner_announce(const runner_note_t *note)
{
    if (note->pending) {
        bool ended = note->state == PROGRAM_STOPPED || note->state == PROGRAM_FAULTED;
        agent_on_vm_state(note->state, ended ? &note->end : NULL);
    }
}

void runner_init(void)
{
    hal_program_epoch();
    runner.pid = thread_create(stack, sizeof(stack), RUNNER_PRIORITY, THREAD_CREATE_STACKTEST,
                               runner_thread, NULL, "vm");
}

static bool active(void)
{
    return runner.state == PROGRAM_RUNNING || runner.state == PROGRAM_PAUSED;
}

/* 0 when the program is in `state`, else the code to answer (state_lock held). */
static int require(program_state_t a, program_state_t b)
{
    if (runner.state == PROGRAM_IDLE) {
        return RUNNER_ENOAPP;
    }
    return (runner.state == a || runner.state == b) ? 0 : RUNNER_ESTATE;
}

/* Ends a run under way as stopped; the VM thread drops the slice in flight. */
static void interrupt(runner_note_t *note)
{
    runner.generation++;
    runner.state = PROGRAM_STOPPED;
    runner.phase = PHASE_NONE;
    runner.handler_active = false;
    runner.sleeping = false;
    memset(&runner.last_end, 0, sizeof(runner.last_end));
    runner.last_end.ended = true;
    runner.last_end.stopped = true;
    runner.last_end.fault.code = "stopped"; /* never NULL for a reader that ignores stopped */
    strcpy(runner.last_end.fault.message, "stopped before it ended");
    *note = (runner_note_t){ .pending = true, .state = PROGRAM_STOPPED, .end = runner.last_end };
}

static void copy_string(char *dst, size_t size, const char *src)
{
    size_t n = 0; /* strnlen is POSIX, not in newlib's strict C mode */
    while (src && n < size - 1 && src[n]) {
        n++;
    }
    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
}

void runner_attach(const uint8_t *image, size_t len, const char *app_id, const char *app_version)
{
    runner.generation++;
    runner.state = PROGRAM_LOADED;
    runner.phase = PHASE_NONE;
    runner.handler_active = false;
    runner.sleeping = false;
    runner.image = image;
    runner.image_len = len;
    copy_string(runner.app_id, sizeof(runner.app_id), app_id);
    copy_string(runner.app_version, sizeof(runner.app_version), app_version);
    runner.instructions = 0;
    memset(&runner.last_end, 0, sizeof(runner.last_end));
    eh_clear();
    hal_program_epoch();
    runner_account(0);
}

int runner_load(const uint8_t *image, size_t len, const char *app_id, const char *app_version,
                vm_load_report_t *report, char *err, size_t err_len)
{
    vm_load_report_t local;
    mutex_lock(&runner.engine_lock);
    mutex_lock(&runner.state_lock);
    int rc = active() ? RUNNER_ESTATE : 0;
    mutex_unlock(&runner.state_lock);
    if (rc == 0) {
        vm_engine.unload();
        rc = vm_engine.load(image, len, VMFLEET_GUEST_RAM, report ? report : &local, err, err_len);
        mutex_lock(&runner.state_lock);
        if (rc == 0) {
            runner_attach(image, len, app_id, app_version);
        }
        else {
            runner.state = PROGRAM_IDLE;
            runner.image = NULL;
            runner.app_id[0] = runner.app_version[0] = '\0';
            rc = RUNNER_EIMAGE;
        }
        mutex_unlock(&runner.state_lock);
    }
    mutex_unlock(&runner.engine_lock);
    return rc;
}

/* Where a run picks up: main, a handler a step entered, or serving when main returned. */
static runner_phase_t phase_to_resume(void)
{
    if (runner.handler_active) {
        return PHASE_HANDLER;
    }
    bool returned = vm_engine.state() == VM_STATE_EXITED && eh_has_handlers();
    return returned ? PHASE_SERVING : PHASE_MAIN;
}

int runner_start(void)
{
    mutex_lock(&runner.engine_lock); /* free: nothing runs while loaded */
    mutex_lock(&runner.state_lock);
    int rc = require(PROGRAM_LOADED, PROGRAM_LOADED);
    if (rc == 0) {
        runner.phase = phase_to_resume();
        runner.used = 0;
        runner.sleeping = false;
        runner.state = PROGRAM_RUNNING;
    }
    mutex_unlock(&runner.state_lock);
    mutex_unlock(&runner.engine_lock);
    if (rc == 0) {
        runner_wake();
        agent_on_vm_state(PROGRAM_RUNNING, NULL);
    }
    return rc;
}

int runner_stop(void)
{
    runner_note_t note = { .pending = false };
    mutex_lock(&runner.state_lock);
    int rc = require(PROGRAM_RUNNING, PROGRAM_PAUSED);
    if (rc == 0) {
        interrupt(&note);
    }
    mutex_unlock(&runner.state_lock);
    runner_wake();
    runner_announce(&note);
    return rc;
}

/* pause and resume: from one state to the other; resume cuts a sleep short, as in TS. */
static int flip(program_state_t from, program_state_t to)
{
    mutex_lock(&runner.state_lock);
    int rc = require(from, from);
    if (rc == 0) {
        runner.state = to;
        runner.sleeping = false;
    }
    mutex_unlock(&runner.state_lock);
    if (rc == 0) {
        runner_wake();
        agent_on_vm_state(to, NULL);
    }
    return rc;
}

int runner_pause(void) { return flip(PROGRAM_RUNNING, PROGRAM_PAUSED); }
int runner_resume(void) { return flip(PROGRAM_PAUSED, PROGRAM_RUNNING); }

int runner_reset(void)
{
    runner_note_t note = { .pending = false };
    mutex_lock(&runner.state_lock);
    int rc = runner.state == PROGRAM_IDLE ? RUNNER_ENOAPP : 0;
    if (rc == 0 && active()) {
        interrupt(&note); /* takes effect now; the engine is reset after its slice */
    }
    mutex_unlock(&runner.state_lock);
    if (rc == 0) {
        mutex_lock(&runner.engine_lock);
        mutex_lock(&runner.state_lock);
        vm_engine.reset();
        runner.generation++;
        runner.state = PROGRAM_LOADED;
        runner.phase = PHASE_NONE;
        runner.handler_active = false;
        eh_clear();
        hal_program_epoch();
        runner_account(0);
        mutex_unlock(&runner.state_lock);
        mutex_unlock(&runner.engine_lock);
    }
    runner_announce(&note);
    return rc;
}

int runner_inject(uint16_t event, int32_t value)
{
    mutex_lock(&runner.state_lock);
    int rc = runner.state == PROGRAM_IDLE ? RUNNER_ENOAPP : 0;
    if (rc == 0) {
        if (event == 1) { /* the button reads pressed for a moment, as in hal.ts */
            hal_press_button(hal_program_ms());
        }
        /* only a program that can still serve it queues an event */
        if (runner.state == PROGRAM_LOADED || active()) {
            int queued = eh_inject(event, value);
            rc = queued > 0 ? (int)eh_pending() : queued < 0 ? RUNNER_EFULL : 0;
        }
    }
    mutex_unlock(&runner.state_lock);
    if (rc > 0) {
        runner_wake();
    }
    return rc;
}

static const char *phase_name(runner_phase_t phase)
{
    switch (phase) {
    case PHASE_MAIN: return runner.handler_active ? "handler" : "main";
    case PHASE_HANDLER: return "handler";
    case PHASE_SERVING: return "serving"; /* RunnerPhase of vm-runner.ts */
    default: return NULL;
    }
}

void runner_status(runner_status_t *out)
{
    mutex_lock(&runner.state_lock);
    out->state = runner.state;
    memcpy(out->app_id, runner.app_id, sizeof(out->app_id));
    memcpy(out->app_version, runner.app_version, sizeof(out->app_version));
    out->phase = phase_name(runner.phase);
    out->pc = runner.pc;
    out->instructions = runner.instructions;
    out->total_instructions = runner.total_instructions;
    out->pending_events = eh_pending();
    out->memory = runner.memory;
    out->last_end = runner.last_end;
    mutex_unlock(&runner.state_lock);
}

int runner_bench(const uint8_t *image, size_t len, runner_bench_t *out)
{
    runner_note_t note = { .pending = false };
    mutex_lock(&runner.state_lock);
    if (active()) {
        interrupt(&note);
    }
    runner.bench_image = image;
    runner.bench_len = len;
    runner.bench_out = out;
    mutex_unlock(&runner.state_lock);
    runner_announce(&note);
    runner_wake();
    /* The VM thread runs it on its own stack (an engine may need a big one), then unlocks. */
    mutex_lock(&runner.bench_done);
    return runner.bench_rc;
}
