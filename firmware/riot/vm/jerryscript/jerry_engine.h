/*
 * What the parts of the JerryScript engine share: the state of the current run (why the
 * script must stop, the sleep the host asked for, the instruction count and limits), the
 * host functions of the prelude's `sys`, the fatal-error escape, and the mapping of
 * JerryScript's errors to vm.h faults.
 */
#ifndef VMFLEET_JERRY_ENGINE_H
#define VMFLEET_JERRY_ENGINE_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "jerryscript.h"
#include "vm.h"

/* File name of the program in JerryScript's messages and backtraces: "guest.js:12:5". */
#define JS_GUEST_FILE "guest.js"

typedef enum {
    JS_STOP_NONE,
    JS_STOP_EXIT,   /* exit(code) */
    JS_STOP_FAULT,  /* the host refused a syscall: bad_syscall with message */
    JS_STOP_BUDGET, /* the run's instruction budget ran out */
} js_stop_t;

typedef struct {
    js_stop_t stop;
    int32_t exit_code;
    uint32_t stop_line;      /* where the script was when it was stopped */
    bool too_deep;           /* a heap block was refused for the native stack it is at */
    char message[VM_FAULT_MESSAGE_BYTES];
    uint32_t sleep_ms;       /* the host's sleep of the last vm_sleep_ms (0: none) */
    uint32_t handler_count;  /* handlers registered: invoke()'s valid addresses */
    uint64_t instructions;   /* backward jumps counted so far, in whole polls */
    uint64_t limit;          /* instructions at which this run ends */
    uint32_t budget;         /* this run's budget, for the fault's message */
    uint32_t peak;           /* heap high-water mark, kept across a lost context */
} js_call_t;

extern js_call_t js_call;

/* The value a host function returns to unwind the script: an abort, which no try/catch
 * of the script can catch; js_call.stop says why. */
jerry_value_t js_stop_value(void);

/* Fills `sys` with the host functions the prelude wraps (jerry_host.c). */
void js_host_install(jerry_value_t sys);

/* The exec-stop callback: counts instructions, ends the run at its budget (jerry_host.c). */
jerry_value_t js_exec_poll(void *user);

/* Heap bytes in use now (JerryScript's memory statistics). */
uint32_t js_heap_used(void);

/* Where jerry_port_fatal() goes (jerry_port.c): set around every call into JerryScript.
 * After a fatal error (out of memory) JerryScript's state is lost and only jerry_init()
 * may follow. */
extern jmp_buf *js_fatal_exit;
extern volatile jerry_fatal_code_t js_fatal_code;

/* The stack address JerryScript's stack limit is measured from (jerry_port.c): where the
 * engine last entered JerryScript. */
extern uintptr_t js_stack_base;
/* Native stack JerryScript may use from there before a heap block for the parser is
 * refused (jerry_port.c): the load's cap, or the run's stack limit. */
extern uintptr_t js_stack_cap;
/* The deepest native stack seen at such a block: what the parser of load() used. */
extern uintptr_t js_parse_peak;

/* The outcome of a script that ended with `error` (released), given js_call.stop. */
vm_outcome_t js_error_outcome(jerry_value_t error);

/* The outcome of a fatal error (js_fatal_code). */
vm_outcome_t js_fatal_outcome(uint32_t memory_bytes);

/* A syntax error of load() as "syntax_error: JavaScript syntax error (line N): ..." */
void js_syntax_error(jerry_value_t error, char *err, size_t err_len);

/* JerryScript's error-created callback: gives errors a short "stack" (jerry_outcome.c). */
void js_on_error_created(jerry_value_t error_object, void *user);

/* The line of the innermost guest.js frame of an error's backtrace, or of the running
 * script, or 0. */
uint32_t js_error_line(jerry_value_t error_object);
uint32_t js_current_line(void);

#endif /* VMFLEET_JERRY_ENGINE_H */
