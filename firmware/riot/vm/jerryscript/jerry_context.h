/*
 * The JerryScript context of the loaded program (jerry_context.c), used by the engine
 * (jerry_engine.c).
 */
#ifndef VMFLEET_JERRY_CONTEXT_H
#define VMFLEET_JERRY_CONTEXT_H

#include "jerry_engine.h"

typedef struct {
    bool up;              /* jerry_init ran and no fatal error has lost the context */
    bool started;         /* the program's generator exists */
    jerry_value_t program;    /* the generator function */
    jerry_value_t generator;  /* the running program */
    jerry_value_t dispatcher; /* (index, value) => handlers[index](value), from prelude.js */
} js_context_t;

extern js_context_t js_ctx;

/* The loaded program as vm.h sees it (jerry_engine.c, jerry_run.c). */
typedef struct {
    vm_state_t state;
    vm_state_t before_invoke;
    const uint8_t *source; /* the image: the agent keeps it while it is loaded */
    size_t len;
    uint32_t granted;      /* heap bytes the program may hold */
    bool has_final;
    vm_outcome_t final;
    bool pending;          /* invoke() asked for handler invoke_index */
    uint32_t invoke_index;
    int32_t invoke_value;
    int32_t exit_code;
    uint32_t line;         /* of the last fault */
    bool stale;            /* reset: the context is made anew before the program starts */
} js_program_t;

extern js_program_t js;

/* Runs fn with jerry_port_fatal's way back set; false when a fatal error lost the
 * context (js_context_lost has run). */
bool js_guarded(void (*fn)(void *), void *arg);

/* A fresh context on the caller's stack for the loaded source; 0 or -1 with err. */
int js_prepare(char *err, size_t err_len);

/* The program's end: exited, or a fault that every later run() returns. */
vm_outcome_t js_finish(vm_outcome_t out);

/* run() and invoke() of vm.h (jerry_run.c). */
vm_outcome_t js_run(uint32_t budget);
int js_invoke(uint32_t address, const int32_t *args, unsigned argc);

/* A fresh context with the device API and the program; 0, or -1 with the reason in err
 * ("syntax_error: ...", "does_not_fit: ..."). Resets js_call. Call it guarded. */
int js_context_prepare(const uint8_t *source, size_t len, char *err, size_t err_len);

/* Releases the context (jerry_cleanup). Call it guarded. */
void js_context_drop(void);

/* After a fatal error: the context's values are gone with it; only jerry_init may follow. */
void js_context_lost(void);

#endif /* VMFLEET_JERRY_CONTEXT_H */
