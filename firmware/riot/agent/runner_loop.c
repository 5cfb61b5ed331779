/*
 * The VM thread: runs the program in slices while it is running, sleeps on vm_sleep_ms,
 * serves the event queue once main has returned and polls the conditions (the C form of
 * devices/runtime/vm-runner.ts). Between two slices it looks at the shared state again,
 * which is how stop, pause, reset and bench requests from the agent take effect.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "irq.h"
#include "msg.h"
#include "ztimer.h"

#include "event_handler.h"
#include "hal.h"
#include "runner_internal.h"
#include "vm_clock.h"

typedef enum { ACT_WAIT, ACT_SLEEP, ACT_SLICE, ACT_DISPATCH, ACT_BENCH } action_t;

/* Shared by the engine_lock holders only: 40 registers are too many for a small stack. */
static vm_inspection_t scratch;

uint64_t runner_engine_instructions(void)
{
    vm_engine.inspect(&scratch);
    return scratch.instructions;
}

void runner_account(uint64_t ran)
{
    vm_engine.inspect(&scratch);
    runner.pc = scratch.pc;
    vm_engine.memory(&runner.memory);
    runner.instructions += ran;
    runner.total_instructions += ran;
    runner.used += ran;
}

void runner_finish(const vm_outcome_t *outcome, runner_note_t *note)
{
    run_end_t *end = &runner.last_end;
    memset(end, 0, sizeof(*end));
    end->ended = true;
    end->exited = outcome->kind == VM_RUN_EXITED;
    end->exit_code = end->exited ? outcome->value : 0;
    if (!end->exited) {
        end->fault = outcome->fault;
    }
    runner.state = end->exited ? PROGRAM_STOPPED : PROGRAM_FAULTED;
    runner.phase = PHASE_NONE;
    runner.handler_active = false;
    *note = (runner_note_t){ .pending = true, .state = runner.state, .end = *end };
}

static uint64_t main_budget = RUNNER_MAIN_BUDGET;

void runner_set_main_budget(uint64_t instructions)
{
    main_budget = instructions > 0 ? instructions : RUNNER_MAIN_BUDGET;
}

static void over_budget(uint64_t budget, runner_note_t *note)
{
    vm_outcome_t out = { .kind = VM_RUN_FAULT };
    out.fault.code = "budget_exhausted";
    out.fault.pc = runner.pc;
    snprintf(out.fault.message, sizeof(out.fault.message),
             "%s ran %" PRIu64 " instructions without finishing; stopped",
             runner.phase == PHASE_MAIN ? "main" : "an event handler", budget);
    runner_finish(&out, note);
}

/* What a slice's outcome means for the run (state_lock held). */
static void after_slice(const vm_outcome_t *out, uint64_t budget, runner_note_t *note)
{
    switch (out->kind) {
    case VM_RUN_BUDGET:
        if (runner.used >= budget) {
            over_budget(budget, note);
        }
        return;
    case VM_RUN_YIELDED:
        if (out->value > 0) {
            runner.sleeping = true;
            runner.wake_at_ms = ztimer_now(ZTIMER_MSEC) + (uint32_t)out->value;
        }
        return;
    case VM_RUN_RETURNED:
        runner.phase = PHASE_SERVING;
        runner.handler_active = false;
        return;
    case VM_RUN_EXITED:
        /* main returning with handlers registered keeps the program alive (guest ABI) */
        if (runner.phase == PHASE_MAIN && eh_has_handlers()) {
            runner.phase = PHASE_SERVING;
            return;
        }
        runner_finish(out, note);
        return;
    case VM_RUN_FAULT:
        runner_finish(out, note);
        return;
    }
}

static bool slicing(void)
{
    bool active = runner.state == PROGRAM_RUNNING || runner.state == PROGRAM_PAUSED;
    return active && (runner.phase == PHASE_MAIN || runner.phase == PHASE_HANDLER);
}

/*
 * One run() of the engine. A preemptible engine gets a slice; one that cannot pause
 * would end the program at the slice, so it gets the rest of the budget at once.
 */
static void run_slice(void)
{
    runner_note_t note = { .pending = false };
    mutex_lock(&runner.engine_lock);
    mutex_lock(&runner.state_lock);
    if (runner.state != PROGRAM_RUNNING || !slicing() || runner.sleeping) {
        goto out;
    }
    uint32_t generation = runner.generation;
    uint64_t budget = runner.phase == PHASE_MAIN ? main_budget : RUNNER_HANDLER_BUDGET;
    uint64_t left = budget > runner.used ? budget - runner.used : 1;
    uint64_t slice = vm_engine.preemptible && left > RUNNER_SLICE ? RUNNER_SLICE : left;
    mutex_unlock(&runner.state_lock);

    uint64_t before = runner_engine_instructions();
    vm_outcome_t outcome = vm_engine.run(slice > UINT32_MAX ? UINT32_MAX : (uint32_t)slice);
    uint64_t ran = runner_engine_instructions() - before;

    mutex_lock(&runner.state_lock);
    runner_account(ran);
    /* a stop or reset while it ran: the program's fate was decided meanwhile */
    if (generation == runner.generation && slicing()) {
        after_slice(&outcome, budget, &note);
    }
out:
    mutex_unlock(&runner.state_lock);
    mutex_unlock(&runner.engine_lock);
    runner_announce(&note);
}

/* Starts the handler of the oldest queued event. */
static void dispatch(void)
{
    runner_note_t note = { .pending = false };
    eh_event_t event;
    mutex_lock(&runner.engine_lock);
    mutex_lock(&runner.state_lock);
    if (runner.state == PROGRAM_RUNNING && runner.phase == PHASE_SERVING && eh_next(&event)) {
        if (vm_engine.invoke(event.handler, &event.value, 1) == 0) {
            runner.phase = PHASE_HANDLER;
            runner.handler_active = true;
            runner.used = 0;
        }
        else {
            vm_outcome_t out = { .kind = VM_RUN_FAULT };
            out.fault = (vm_fault_t){ .code = "bad_address", .pc = runner.pc,
                                      .address = event.handler, .has_address = true };
            snprintf(out.fault.message, sizeof(out.fault.message),
                     "event handler 0x%08" PRIx32 " is not a function", event.handler);
            runner_finish(&out, &note);
        }
    }
    mutex_unlock(&runner.state_lock);
    mutex_unlock(&runner.engine_lock);
    runner_announce(&note);
}

static bool condition_read(int32_t type, int32_t index, uint32_t now_ms, int32_t *value)
{
    return hal_read(type, index, now_ms, value);
}

/* Serving events: poll what is due, then either a handler or sleep until the next poll. */
static action_t plan_serving(uint32_t *sleep_ms)
{
    uint32_t now = hal_program_ms();
    eh_poll(now, condition_read);
    if (eh_pending() > 0) {
        return ACT_DISPATCH;
    }
    uint32_t due;
    if (!eh_next_due(&due)) {
        return ACT_WAIT; /* until runner_inject wakes us */
    }
    int32_t wait = (int32_t)(due - now);
    *sleep_ms = wait > 0 ? (uint32_t)wait : 1;
    return ACT_SLEEP;
}

static action_t plan(uint32_t *sleep_ms)
{
    if (runner.bench_out != NULL) {
        return ACT_BENCH;
    }
    if (runner.state != PROGRAM_RUNNING) {
        return ACT_WAIT;
    }
    if (runner.phase == PHASE_SERVING) {
        return plan_serving(sleep_ms);
    }
    if (runner.sleeping) {
        int32_t wait = (int32_t)(runner.wake_at_ms - ztimer_now(ZTIMER_MSEC));
        if (wait > 0) {
            *sleep_ms = (uint32_t)wait;
            return ACT_SLEEP;
        }
        runner.sleeping = false;
    }
    return ACT_SLICE;
}

void *runner_thread(void *arg)
{
    (void)arg;
    /* room for a wake-up or two; runner_wake drops the rest, one is enough */
    static msg_t queue[4];
    msg_init_queue(queue, 4);
    for (;;) {
        uint32_t sleep_ms = 0;
        msg_t msg;
        mutex_lock(&runner.state_lock);
        action_t action = plan(&sleep_ms);
        mutex_unlock(&runner.state_lock);
        switch (action) {
        case ACT_WAIT: msg_receive(&msg); break;
        case ACT_SLEEP: ztimer_msg_receive_timeout(ZTIMER_MSEC, &msg, sleep_ms); break;
        case ACT_SLICE: run_slice(); break;
        case ACT_DISPATCH: dispatch(); break;
        case ACT_BENCH: runner_bench_serve(); break;
        }
    }
    return NULL;
}

void runner_wake(void)
{
    msg_t msg = { .type = 0 };
    msg_try_send(&msg, runner.pid);
}

/* ztimer_usec is 32 bits (71 minutes); engines time loads, so a wrap is extended here. */
uint64_t vm_clock_us(void)
{
    static uint32_t last, high;
    unsigned state = irq_disable();
    uint32_t now = ztimer_now(ZTIMER_USEC);
    if (now < last) {
        high++;
    }
    last = now;
    irq_restore(state);
    return ((uint64_t)high << 32) | now;
}
