/*
 * JerryScript's fatal-error port function. JerryScript 2.4 ends the process on a fatal
 * error (default-fatal.c: exit or abort), and running out of heap is one: an allocation
 * that still fails after every garbage collection calls jerry_fatal(ERR_OUT_OF_MEMORY)
 * deep inside the engine, with no error value a script could see. A guest must not take
 * the device down, so this port jumps back to the engine call that entered JerryScript
 * (js_fatal_exit, set around each one); the engine then forgets every value it held and
 * starts a fresh context with jerry_init(), which zeroes the context and lays the static
 * heap out anew: nothing of the lost state is reachable, and nothing leaks, since all of
 * it lived in that heap. Defining jerry_port_fatal here keeps default-fatal.o out of the
 * link (it defines nothing else).
 */
#include "jerry_engine.h"
#include "thread.h"

jmp_buf *js_fatal_exit;
volatile jerry_fatal_code_t js_fatal_code;
uintptr_t js_stack_base;

/*
 * JerryScript's stack limit (JERRY_STACK_LIMIT) compares this function's answer with the
 * limit at every call (ECMA_CHECK_STACK_USAGE). Its own version measures from the stack
 * address jerry_init() saw, which breaks when the program runs on another thread (the
 * agent loads from its thread, runs on the VM thread) or at a shallower depth than
 * jerry_init ran at (a negative usage wraps to a huge one: every call would fail). The
 * link wraps it (-Wl,--wrap, jerryscript.mk) with this one, which measures from where the
 * engine entered JerryScript this time (js_guarded).
 */
uintptr_t __wrap_ecma_get_current_stack_usage(void);
uintptr_t __wrap_ecma_get_current_stack_usage(void)
{
    volatile char here;
    uintptr_t sp = (uintptr_t)&here;
    return js_stack_base > sp ? js_stack_base - sp : 0;
}

void jerry_port_fatal(jerry_fatal_code_t code)
{
    js_fatal_code = code;
    if (js_fatal_exit != NULL) {
        jmp_buf *exit = js_fatal_exit;
        js_fatal_exit = NULL;
        longjmp(*exit, 1);
    }
    /* Every call into JerryScript sets js_fatal_exit; should one not, park this thread
     * rather than end the device. */
    for (;;) {
        thread_sleep();
    }
}
