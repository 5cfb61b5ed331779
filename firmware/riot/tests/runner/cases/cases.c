/*
 * The runner's cases: each drives runner_* as the agent's Thing Monitor would, waits for
 * the VM thread by polling runner_status, and prints "PASS <what>" or "FAIL <what>: why".
 * The last line is "runner test: N passed, M failed", then the board powers off.
 */
#include <stdio.h>
#include <string.h>

#include "periph/pm.h"
#include "ps.h"
#include "ztimer.h"

#include "event_handler.h"
#include "hal.h"
#include "runner.h"
#include "stubs.h"

#include "blob/blink.m1.h"
#include "blob/button-counter.m1.h"
#include "blob/fibonacci.m1.h"
#include "blob/fibonacci.txt.h"
#include "blob/spin.m1.h"

static unsigned passed, failed;

void runner_cases_units(void);

bool expect(bool ok, const char *what, const char *why)
{
    if (ok) {
        printf("PASS %s\n", what);
        passed++;
    }
    else {
        printf("FAIL %s: %s\n", what, why);
        failed++;
    }
    return ok;
}

static bool load(const uint8_t *image, size_t len, const char *id)
{
    char err[VM_ERROR_BYTES] = "";
    int rc = runner_load(image, len, id, "1.0.0", NULL, err, sizeof(err));
    if (rc != 0) {
        printf("load %s: %d %s\n", id, rc, err);
    }
    return expect(rc == 0, id, "load refused");
}

static runner_status_t st;

/* Polls the status until the state is `want` (and, if given, the phase), or times out. */
static bool wait_for(program_state_t want, const char *phase, uint32_t timeout_ms)
{
    for (uint32_t waited = 0; waited <= timeout_ms; waited += 5) {
        runner_status(&st);
        bool phase_ok = phase == NULL || (st.phase && strcmp(st.phase, phase) == 0);
        if (st.state == want && phase_ok) {
            return true;
        }
        ztimer_sleep(ZTIMER_MSEC, 5);
    }
    printf("  (state %s, phase %s after %lu ms)\n", program_state_name(st.state),
           st.phase ? st.phase : "-", (unsigned long)timeout_ms);
    return false;
}

static bool wait_publishes(unsigned n, uint32_t timeout_ms)
{
    for (uint32_t waited = 0; waited <= timeout_ms && stub_log.publishes < n; waited += 5) {
        ztimer_sleep(ZTIMER_MSEC, 5);
    }
    return stub_log.publishes >= n;
}

static void fibonacci_to_end(void)
{
    if (!load(fibonacci_m1, sizeof(fibonacci_m1), "fibonacci")) {
        return;
    }
    expect(runner_start() == 0, "fibonacci start", "refused");
    bool ended = wait_for(PROGRAM_STOPPED, NULL, 20000);
    expect(ended && st.last_end.exited && st.last_end.exit_code == 0, "fibonacci exits 0",
           "did not exit 0");
    char tail[HAL_CONSOLE_BYTES];
    size_t n = hal_console_tail(tail, sizeof(fibonacci_txt));
    expect(n == sizeof(fibonacci_txt) && memcmp(tail, fibonacci_txt, n) == 0,
           "fibonacci output equals expected/fibonacci.txt", "output differs");
    printf("  fibonacci: %llu instructions\n", (unsigned long long)st.instructions);
    expect(runner_start() == RUNNER_ESTATE, "start refused when stopped", "not refused");
}

static void button_counter_events(void)
{
    if (!load(button_counter_m1, sizeof(button_counter_m1), "button-counter")) {
        return;
    }
    expect(runner_inject(1, 0) == 0, "event before main registered: not queued", "queued");
    runner_start();
    expect(wait_for(PROGRAM_RUNNING, "idle", 2000), "main returned, serving events",
           "not serving");
    unsigned before = stub_log.publishes;
    for (int i = 0; i < 5; i++) {
        expect(runner_inject(1, 0) > 0, "button event queued", "refused");
    }
    expect(wait_publishes(before + 5, 2000) && stub_log.last_publish == 5
           && strcmp(stub_log.last_name, "presses") == 0,
           "handler ran 5 times: publishes presses = 5", "publishes missing");
    expect(stub_log.emits == 1 && stub_log.last_emit_event == 100
           && stub_log.last_emit_value == 5, "milestone emit 100 = 5", "no emit");
    expect(runner_inject(150, 1) == 0, "event without a handler: not queued", "queued");
    runner_status(&st);
    expect(st.pending_events == 0 && st.state == PROGRAM_RUNNING, "queue drained, still running",
           "pending events or not running");

    /* step into a handler: pause, inject, step until it returns */
    runner_pause();
    runner_inject(1, 0);
    runner_step_t step;
    int rc = runner_step(1000, &step);
    expect(rc == 0 && strcmp(step.outcome, "returned") == 0 && stub_log.last_publish == 6,
           "step enters the pending handler and returns", "step failed");
    expect(runner_step(10, &step) == RUNNER_ESTATE, "step with no event pending refused",
           "not refused");
    unsigned queued = 0;
    int rc64 = 0;
    while (queued < 64 && (rc64 = runner_inject(1, 0)) > 0) {
        queued++;
    }
    expect(queued == 64 && rc64 == 64 && runner_inject(1, 0) == RUNNER_EFULL && eh_dropped() == 1,
           "paused: 64 events queue, the 65th is dropped", "wrong queue bound");
    runner_resume();
    expect(wait_publishes(stub_log.publishes + 64, 2000) && stub_log.last_publish == 70,
           "resumed: the 64 handlers run in order", "handlers missing");
    expect(runner_stop() == 0 && wait_for(PROGRAM_STOPPED, NULL, 100) && st.last_end.stopped,
           "stop while serving: stopped", "not stopped");
}

static void spin_budget(void)
{
    if (!load(spin_m1, sizeof(spin_m1), "spin")) {
        return;
    }
    uint32_t t0 = ztimer_now(ZTIMER_MSEC);
    runner_start();
    bool faulted = wait_for(PROGRAM_FAULTED, NULL, 30000);
    expect(faulted && st.last_end.fault.code
           && strcmp(st.last_end.fault.code, "budget_exhausted") == 0,
           "spin faults budget_exhausted", "no budget fault");
    printf("  spin: %llu instructions in %lu ms: %s\n", (unsigned long long)st.instructions,
           (unsigned long)(ztimer_now(ZTIMER_MSEC) - t0), st.last_end.fault.message);
    expect(st.instructions >= 50000000ull, "main budget counted", "fewer instructions");
}

static uint64_t instructions_now(void)
{
    runner_status(&st);
    return st.instructions;
}

static void spin_control(void)
{
    expect(runner_reset() == 0 && instructions_now() > 0 && st.state == PROGRAM_LOADED,
           "reset: loaded, instructions since load kept", "reset failed");
    runner_step_t step;
    uint64_t base = instructions_now();
    expect(runner_step(25, &step) == 0 && step.executed == 25 && strcmp(step.outcome, "budget") == 0
           && step.instructions == base + 25, "step 25 while loaded", "step failed");
    runner_start();
    ztimer_sleep(ZTIMER_MSEC, 30);
    expect(runner_step(1, &step) == RUNNER_ESTATE, "step refused while running", "not refused");
    expect(runner_pause() == 0 && (runner_status(&st), st.state == PROGRAM_PAUSED), "pause",
           "not paused");
    ztimer_sleep(ZTIMER_MSEC, 5); /* the slice in flight ends */
    uint64_t paused_at = instructions_now();
    ztimer_sleep(ZTIMER_MSEC, 50);
    expect(paused_at > base + 25 && instructions_now() == paused_at,
           "paused: ran before, nothing runs now", "instructions moved");
    vm_inspection_t in;
    expect(runner_inspect(&in) == 0 && in.register_count > 0 && in.instructions > 0,
           "inspect while paused", "no registers");
    expect(runner_step(100, &step) == 0 && step.executed == 100, "step 100 while paused",
           "step failed");
    expect(runner_resume() == 0 && runner_resume() == RUNNER_ESTATE, "resume (twice refused)",
           "bad answers");
    ztimer_sleep(ZTIMER_MSEC, 30);
    expect(instructions_now() > paused_at + 100, "resumed: runs again", "did not run");
    uint32_t t0 = ztimer_now(ZTIMER_USEC);
    int rc = runner_stop();
    uint32_t stop_us = ztimer_now(ZTIMER_USEC) - t0;
    printf("  stop took %lu us\n", (unsigned long)stop_us);
    expect(rc == 0 && instructions_now() > 0 && st.state == PROGRAM_STOPPED
           && st.last_end.stopped, "stop: stopped at once", "not stopped");
    expect(runner_stop() == RUNNER_ESTATE, "stop refused when stopped", "not refused");
    expect(runner_reset() == 0 && runner_start() == 0 && runner_reset() == 0
           && instructions_now() > 0 && st.state == PROGRAM_LOADED,
           "reset while running: loaded", "not loaded");
}

static void blink_sleeps(void)
{
    if (!load(blink_m1, sizeof(blink_m1), "blink")) {
        return;
    }
    const int32_t *led, *gpio;
    unsigned n_led, n_gpio;
    hal_actuators(&led, &n_led, &gpio, &n_gpio);
    uint32_t t0 = ztimer_now(ZTIMER_MSEC);
    runner_start();
    ztimer_sleep(ZTIMER_MSEC, 100);
    expect(led[0] == 1, "blink: LED 0 on after the first toggle", "LED off");
    bool ended = wait_for(PROGRAM_STOPPED, NULL, 8000);
    uint32_t took = ztimer_now(ZTIMER_MSEC) - t0;
    printf("  blink: %lu ms for 10 sleeps of 500 ms\n", (unsigned long)took);
    expect(ended && st.last_end.exited && led[0] == 0 && took >= 4900 && took < 6000,
           "blink: sleeps on the timer, 10 toggles, exit", "wrong timing or end");
}

static void bench(void)
{
    static runner_bench_t out;
    expect(runner_bench(fibonacci_m1, sizeof(fibonacci_m1), &out) == 0, "bench fibonacci",
           "refused");
    expect(strcmp(out.end, "exit") == 0 && strcmp(out.check, "ok") == 0
           && out.output_len == sizeof(fibonacci_txt)
           && memcmp(out.output, fibonacci_txt, out.output_len) == 0,
           "bench: exit, check ok, output as expected", "wrong result");
    printf("  bench fibonacci: load %lu us, exec %lu us, %llu instructions, ram %lu, code %lu\n",
           (unsigned long)out.load_us, (unsigned long)out.exec_us,
           (unsigned long long)out.instructions, (unsigned long)out.ram_bytes,
           (unsigned long)out.code_bytes);
    runner_status(&st);
    expect(st.state == PROGRAM_LOADED && strcmp(st.app_id, "blink") == 0,
           "bench: the installed app is loaded again", "not restored");
    expect(runner_bench(spin_m1, sizeof(spin_m1), &out) == 0 && strcmp(out.end, "budget") == 0
           && strcmp(out.check, "absent") == 0, "bench spin: end budget, check absent",
           "wrong end");
    static const uint8_t junk[] = "not an image";
    expect(runner_bench(junk, sizeof(junk), &out) == RUNNER_EIMAGE, "bench refuses junk",
           "accepted");
    printf("  bench junk: %s\n", out.output);
}

static void refusals(void)
{
    static const uint8_t junk[40] = "M1VMjunk";
    char err[VM_ERROR_BYTES] = "";
    expect(runner_load(junk, sizeof(junk), "junk", "1", NULL, err, sizeof(err)) == RUNNER_EIMAGE,
           "load refuses junk", "accepted");
    printf("  load junk: %s\n", err);
    runner_status(&st);
    expect(st.state == PROGRAM_IDLE && runner_start() == RUNNER_ENOAPP
           && runner_inject(1, 0) == RUNNER_ENOAPP, "idle: no_app", "wrong answers");
}

void runner_cases_run(void)
{
    runner_init();
    printf("runner test, VM %s %s\n", vm_engine.kind, vm_engine.version);
    fibonacci_to_end();
    button_counter_events();
    spin_budget();
    spin_control();
    blink_sleeps();
    bench();
    refusals();
    runner_cases_units();
    ps();
    printf("runner test: %u passed, %u failed\n", passed, failed);
    pm_off();
}
