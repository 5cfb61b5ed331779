/*
 * native-fpu: does a thread keep its vector registers, and the red zone below its stack
 * pointer, when RIOT native preempts it? Native interrupts are Unix signals; its
 * trampoline (cpu/native/native.S, _native_sig_leave_tramp) pushes the interrupted
 * thread's general registers onto that thread's stack, right over the 128-byte red zone
 * of the x86-64 ABI, and saves none of the SSE/AVX registers before the ISR and another
 * thread run (RIOT issue #495, "native not float safe"). ../../native_fpu fixes both.
 *
 * A low-priority worker keeps doubles in registers through long loops, copies buffers
 * (glibc's memcpy runs on the vector registers) and fills a leaf function's locals in the
 * red zone, checking every result, while a timer interrupts it every 50 us and wakes a
 * higher-priority thread whose own float and memset work clobbers those registers.
 * It prints "@@FPU iterations=N float_errors=N copy_errors=N redzone_errors=N@@" and
 * powers off after NATIVE_FPU_SECONDS.
 */
#include <stdio.h>
#include <string.h>

#include "periph/pm.h"
#include "thread.h"
#include "thread_flags.h"
#include "ztimer.h"

#ifndef NATIVE_FPU_SECONDS
#define NATIVE_FPU_SECONDS 2
#endif
#define TICK_US 50
#define BUF_BYTES 65536

static char worker_stack[THREAD_STACKSIZE_DEFAULT];
static char clobber_stack[THREAD_STACKSIZE_DEFAULT];
static kernel_pid_t clobber_pid;
static ztimer_t tick;
static volatile bool done;
static volatile unsigned long ticks, wakeups;


static uint8_t src[BUF_BYTES], dst[BUF_BYTES], junk[BUF_BYTES];
static volatile double sink;
/* volatile: the compiler may not fold the pure chain() into one call */
static volatile double in_a = 1.5, in_b = 2.5;

/* Long chains of dependent multiply-adds: the accumulators live in xmm registers. */
static double chain(double a, double b)
{
    double x = a, y = b, z = a + b;
    for (int k = 0; k < 2000; k++) {
        x = x * 1.0000001 + y * 0.25;
        y = y * 0.9999999 + z * 0.125;
        z = z * 0.5 + x * 0.0001 + 1e-7;
    }
    return x + y * 3 + z * 7;
}

/* A leaf whose locals sit below the stack pointer, in the red zone (DEVELHELP builds
 * protect the stack of every function, which gives it a frame: not this one). */
__attribute__((noinline, no_stack_protector)) static int leaf(int seed)
{
    volatile int cell[24];
    for (int i = 0; i < 24; i++) {
        cell[i] = seed * 31 + i;
    }
    int bad = 0;
    for (int r = 0; r < 50; r++) {
        for (int i = 0; i < 24; i++) {
            bad += cell[i] != seed * 31 + i;
        }
    }
    return bad;
}

static void on_tick(void *arg)
{
    (void)arg;
    /* the ISR itself uses the vector registers, as memcpy in a network driver does */
    ticks++;
    memset(junk, 0x5a, 256);
    sink = sink * 1.5 + 2.25;
    thread_flags_set(thread_get(clobber_pid), 1);
    if (!done) {
        ztimer_set(ZTIMER_USEC, &tick, TICK_US);
    }
}

static void *clobber(void *arg)
{
    (void)arg;
    double v = 3.0;
    for (;;) {
        thread_flags_wait_any(1);
        wakeups++;
        memset(junk, (int)v & 0xff, sizeof(junk));
        for (int k = 0; k < 50; k++) {
            v = v * 1.25 + 0.5;
            if (v > 1e12) {
                v = 3.0;
            }
        }
        sink = v;
    }
    return NULL;
}

static void *worker(void *arg)
{
    (void)arg;
    for (unsigned i = 0; i < BUF_BYTES; i++) {
        src[i] = (uint8_t)(i * 7 + 3);
    }
    const double want = chain(in_a, in_b);
    unsigned long iterations = 0, float_errors = 0, copy_errors = 0, redzone_errors = 0;
    uint32_t end = ztimer_now(ZTIMER_MSEC) + NATIVE_FPU_SECONDS * 1000;
    ztimer_set(ZTIMER_USEC, &tick, TICK_US);
    while ((int32_t)(ztimer_now(ZTIMER_MSEC) - end) < 0) {
        float_errors += chain(in_a, in_b) != want;
        memset(dst, 0, sizeof(dst));
        memcpy(dst, src, sizeof(dst));
        copy_errors += memcmp(dst, src, sizeof(dst)) != 0;
        redzone_errors += leaf((int)iterations) != 0;
        iterations++;
    }
    done = true;
    printf("@@FPU iterations=%lu ticks=%lu wakeups=%lu float_errors=%lu copy_errors=%lu "
           "redzone_errors=%lu@@\n", iterations, ticks, wakeups, float_errors, copy_errors,
           redzone_errors);
    pm_off();
    return NULL;
}

int main(void)
{
    tick.callback = on_tick;
    clobber_pid = thread_create(clobber_stack, sizeof(clobber_stack), THREAD_PRIORITY_MAIN - 2,
                                0, clobber, NULL, "clobber");
    thread_create(worker_stack, sizeof(worker_stack), THREAD_PRIORITY_MAIN + 1, 0, worker,
                  NULL, "worker");
    return 0;
}
