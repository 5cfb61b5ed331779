/*
 * The Thing Monitor's looks into the engine: step, inspect, read memory (runner.h). They
 * need the engine, so they take engine_lock: free while the program is loaded or paused,
 * held for one slice while it runs. A non-preemptible engine may hold it for a whole
 * run, so inspect and read answer from what is known instead of waiting for it.
 */
#include <string.h>

#include "event_handler.h"
#include "runner_internal.h"

static const char *outcome_name(vm_run_kind_t kind)
{
    switch (kind) {
    case VM_RUN_BUDGET: return "budget";
    case VM_RUN_EXITED: return "exited";
    case VM_RUN_RETURNED: return "returned";
    case VM_RUN_YIELDED: return "yielded";
    default: return "fault";
    }
}

/* Once main has returned, a step first enters the handler of the next pending event. */
static int enter_handler(void)
{
    eh_event_t event;
    mutex_lock(&runner.state_lock);
    bool pending = eh_next(&event);
    mutex_unlock(&runner.state_lock);
    if (!pending) {
        return RUNNER_ESTATE; /* main returned and no event is pending: inject one first */
    }
    if (vm_engine.invoke(event.handler, &event.value, 1) != 0) {
        return RUNNER_EADDRESS;
    }
    mutex_lock(&runner.state_lock);
    runner.handler_active = true;
    mutex_unlock(&runner.state_lock);
    return 0;
}

/* program-control.ts afterStep (state_lock held). */
static void after_step(const vm_outcome_t *out, runner_note_t *note)
{
    switch (out->kind) {
    case VM_RUN_FAULT:
        runner_finish(out, note);
        return;
    case VM_RUN_EXITED:
        /* main returning with handlers registered keeps the program alive (guest ABI) */
        if (runner.handler_active || !eh_has_handlers()) {
            runner_finish(out, note);
            return;
        }
        break;
    case VM_RUN_RETURNED:
        runner.handler_active = false;
        break;
    default:
        break;
    }
    /* A paused run picks up from where the step left it, with fresh budgets. */
    if (runner.state == PROGRAM_PAUSED) {
        runner.generation++;
        runner.used = 0;
        runner.sleeping = false;
        runner.phase = runner.handler_active ? PHASE_HANDLER
                       : vm_engine.state() == VM_STATE_EXITED ? PHASE_SERVING : PHASE_MAIN;
    }
}

static int steppable(void)
{
    mutex_lock(&runner.state_lock);
    program_state_t s = runner.state;
    mutex_unlock(&runner.state_lock);
    if (s == PROGRAM_IDLE) {
        return RUNNER_ENOAPP;
    }
    return (s == PROGRAM_LOADED || s == PROGRAM_PAUSED) ? 0 : RUNNER_ESTATE;
}

int runner_step(uint32_t n, runner_step_t *out)
{
    runner_note_t note = { .pending = false };
    mutex_lock(&runner.engine_lock);
    int rc = steppable();
    if (rc == 0 && vm_engine.state() == VM_STATE_EXITED) {
        rc = enter_handler();
    }
    if (rc == 0) {
        uint64_t before = runner_engine_instructions();
        vm_outcome_t outcome = vm_engine.step(n);
        uint64_t ran = runner_engine_instructions() - before;
        bool unsupported = outcome.kind == VM_RUN_FAULT && outcome.fault.code
                           && strcmp(outcome.fault.code, "unsupported") == 0;
        mutex_lock(&runner.state_lock);
        runner_account(ran);
        if (unsupported) {
            rc = RUNNER_EUNSUP;
        }
        else {
            after_step(&outcome, &note);
            *out = (runner_step_t){ .pc = runner.pc, .instructions = runner.instructions,
                                    .executed = (uint32_t)ran,
                                    .outcome = outcome_name(outcome.kind),
                                    .has_fault = outcome.kind == VM_RUN_FAULT,
                                    .fault = outcome.fault };
        }
        mutex_unlock(&runner.state_lock);
    }
    mutex_unlock(&runner.engine_lock);
    runner_announce(&note);
    return rc;
}

/* The engine, or false when a non-preemptible engine is busy with a run. */
static bool engine_now(void)
{
    if (vm_engine.preemptible) {
        mutex_lock(&runner.engine_lock);
        return true;
    }
    return mutex_trylock(&runner.engine_lock) != 0;
}

static bool loaded(void)
{
    mutex_lock(&runner.state_lock);
    bool yes = runner.state != PROGRAM_IDLE;
    mutex_unlock(&runner.state_lock);
    return yes;
}

int runner_inspect(vm_inspection_t *out)
{
    if (!loaded()) {
        return RUNNER_ENOAPP;
    }
    if (engine_now()) {
        vm_engine.inspect(out);
        mutex_unlock(&runner.engine_lock);
        return 0;
    }
    memset(out, 0, sizeof(*out)); /* mid-run: where the last slice left it, no registers */
    mutex_lock(&runner.state_lock);
    out->state = VM_STATE_RUNNING;
    out->pc = runner.pc;
    out->instructions = runner.instructions;
    mutex_unlock(&runner.state_lock);
    return 0;
}

int runner_read_memory(uint32_t addr, uint8_t *dst, uint32_t len)
{
    if (!loaded()) {
        return RUNNER_ENOAPP;
    }
    if (!engine_now()) {
        return RUNNER_ESTATE;
    }
    bool ok = vm_engine.read_memory(addr, dst, len);
    mutex_unlock(&runner.engine_lock);
    return ok ? 0 : RUNNER_EADDRESS;
}
