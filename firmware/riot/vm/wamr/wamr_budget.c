/*
 * The run() budget of the WAMR engine as a wall-clock deadline.
 *
 * WAMR 2.1.1 neither counts instructions nor pauses (instruction metering came in a later
 * release), but with WAMR_BUILD_THREAD_MGR its interpreters poll the exec env's suspend
 * flags at every branch, loop and call (CHECK_SUSPEND_FLAGS). A ztimer callback sets the
 * terminate flag when the deadline passes; wasm_runtime_terminate() would do the same but
 * takes mutexes, which an ISR must not. The budget in instructions becomes a deadline at a
 * stated rate, VMFLEET_WAMR_OPS_PER_MS (wamr.mk): a rough figure of the interpreter on
 * the board, not a measurement of the guest. The clock stops while the host serves a
 * syscall, so a sleeping guest does not spend its budget.
 */
#include "ztimer.h"

#include "wamr_budget.h"
#include "wamr_engine.h"
#include "wamr_layout.h"

#ifndef VMFLEET_WAMR_OPS_PER_MS
#define VMFLEET_WAMR_OPS_PER_MS 10000
#endif

static ztimer_t timer;
static volatile bool expired;
static bool armed;        /* a budget is running (maybe paused) */
static bool paused;
static uint32_t deadline; /* ZTIMER_USEC ticks, while not paused */
static uint32_t left_us;  /* while paused */

static void on_deadline(void *arg)
{
    (void)arg;
    expired = true;
    if (wamr_call.env != NULL) {
        wamr_request_stop(wamr_call.env);
    }
}

static void start_timer(uint32_t us)
{
    deadline = ztimer_now(ZTIMER_USEC) + us;
    ztimer_set(ZTIMER_USEC, &timer, us);
}

uint32_t wamr_budget_us(uint32_t budget)
{
    uint64_t us = (uint64_t)budget * 1000u / VMFLEET_WAMR_OPS_PER_MS;
    if (us < 1) {
        us = 1;
    }
    /* ztimer offsets are 32-bit: at most ~71 minutes per run() */
    return us > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)us;
}

void wamr_budget_start(uint32_t budget)
{
    timer.callback = on_deadline;
    timer.arg = NULL;
    expired = false;
    paused = false;
    armed = true;
    start_timer(wamr_budget_us(budget));
}

bool wamr_budget_stop(void)
{
    ztimer_remove(ZTIMER_USEC, &timer);
    armed = false;
    return expired;
}

void wamr_budget_pause(void)
{
    if (!armed || paused) {
        return;
    }
    ztimer_remove(ZTIMER_USEC, &timer);
    int32_t left = (int32_t)(deadline - ztimer_now(ZTIMER_USEC));
    left_us = left > 0 ? (uint32_t)left : 0;
    paused = true;
}

void wamr_budget_resume(void)
{
    if (!armed || !paused) {
        return;
    }
    paused = false;
    if (expired) {
        return;
    }
    if (left_us == 0) {
        on_deadline(NULL);
        return;
    }
    start_timer(left_us);
}
