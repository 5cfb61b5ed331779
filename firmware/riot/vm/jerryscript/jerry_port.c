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
#include "vm_clock.h"

jmp_buf *js_fatal_exit;
volatile jerry_fatal_code_t js_fatal_code;
uintptr_t js_stack_base;
uintptr_t js_stack_cap;
uintptr_t js_parse_peak;

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

/*
 * JerryScript's parser recurses on the native stack for every nested function and never
 * checks it (about 500 bytes a level on x86-64): a source of a few hundred nested
 * functions, within the heap, would overflow the agent's thread at load or the VM thread
 * in eval. Every level allocates from the heap through this function (parser_malloc,
 * scanner_malloc), so the link wraps it too: past js_stack_cap it fails, which the parser
 * reports as out of memory (a thrown null) and the engine as the nesting it is. The
 * runtime callers (fast arrays, property hashmaps, BigInts) fall back without the block;
 * at runtime the cap is the stack limit, where the next call fails anyway.
 */
void *__real_jmem_heap_alloc_block_null_on_error(size_t size);
void *__wrap_jmem_heap_alloc_block_null_on_error(size_t size);
void *__wrap_jmem_heap_alloc_block_null_on_error(size_t size)
{
    uintptr_t used = __wrap_ecma_get_current_stack_usage();
    js_parse_peak = used > js_parse_peak ? used : js_parse_peak;
    if (used > js_stack_cap) {
        js_call.too_deep = true;
        return NULL;
    }
    return __real_jmem_heap_alloc_block_null_on_error(size);
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

double jerry_port_get_current_time(void)
{
    return (double)(vm_clock_us() / 1000u);
}

double jerry_port_get_local_time_zone_adjustment(double unix_ms, bool is_utc)
{
    (void)unix_ms, (void)is_utc;
    return 0.0;
}
