/*
 * One JerryScript context with the device API and the program in it: jerry_init, the
 * engine's corrections (fixes.js), the prelude (prelude.js, given the host functions),
 * and the program compiled as the body
 * of a generator function, `(function* () {<source>\n})` as devices/engines/js does
 * (lines unchanged), so that its top level may `yield sleep_ms(ms)` and `return n`.
 * Everything lives in JerryScript's static heap; a fresh context is a fresh heap.
 */
#include <stdio.h>
#include <string.h>

#include "blob/fixes.js.h"
#include "blob/prelude.js.h"
#include "jerry_context.h"

#define WRAP_HEAD "(function* () {"
#define WRAP_TAIL "\n})"

js_context_t js_ctx = { .up = false };

static void forget_values(void)
{
    js_ctx.program = js_ctx.generator = js_ctx.dispatcher = jerry_create_undefined();
    js_ctx.started = false;
}

void js_context_lost(void)
{
    js_ctx.up = false;
    forget_values();
}

void js_context_drop(void)
{
    if (js_ctx.up) {
        jerry_release_value(js_ctx.generator);
        jerry_release_value(js_ctx.program);
        jerry_release_value(js_ctx.dispatcher);
        jerry_cleanup();
    }
    js_context_lost();
}

static jerry_value_t evaluate(const char *name, const uint8_t *source, size_t len)
{
    jerry_value_t parsed = jerry_parse((const jerry_char_t *)name, strlen(name), source, len,
                                       JERRY_PARSE_NO_OPTS);
    if (jerry_value_is_error(parsed)) {
        return parsed;
    }
    jerry_value_t value = jerry_run(parsed);
    jerry_release_value(parsed);
    return value;
}

/* fixes.js, then the prelude with `sys`: its value is the handler dispatcher. */
static int install_prelude(char *err, size_t err_len)
{
    jerry_release_value(evaluate("fixes.js", fixes_js, sizeof(fixes_js)));
    jerry_value_t prelude = evaluate("prelude.js", prelude_js, sizeof(prelude_js));
    jerry_value_t sys = jerry_create_object();
    js_host_install(sys);
    jerry_value_t dispatcher = jerry_value_is_error(prelude)
                                   ? jerry_acquire_value(prelude)
                                   : jerry_call_function(prelude, jerry_create_undefined(), &sys, 1);
    jerry_release_value(sys);
    jerry_release_value(prelude);
    if (jerry_value_is_error(dispatcher)) {
        jerry_release_value(dispatcher);
        snprintf(err, err_len, "does_not_fit: the device API does not fit JerryScript's "
                 "%u-byte heap", (unsigned)VMFLEET_JERRY_HEAP_BYTES);
        return -1;
    }
    js_ctx.dispatcher = dispatcher;
    return 0;
}

/* The source is copied once, wrapped, into JerryScript's heap for the parse, then freed:
 * the compiled program does not refer to it. */
static int compile_program(const uint8_t *source, size_t len, char *err, size_t err_len)
{
    size_t wrapped_len = sizeof(WRAP_HEAD) - 1 + len + sizeof(WRAP_TAIL) - 1;
    uint8_t *wrapped = jerry_heap_alloc(wrapped_len);
    if (wrapped == NULL) {
        snprintf(err, err_len, "does_not_fit: a %u-byte source does not fit JerryScript's "
                 "%u-byte heap", (unsigned)len, (unsigned)VMFLEET_JERRY_HEAP_BYTES);
        return -1;
    }
    memcpy(wrapped, WRAP_HEAD, sizeof(WRAP_HEAD) - 1);
    memcpy(wrapped + sizeof(WRAP_HEAD) - 1, source, len);
    memcpy(wrapped + sizeof(WRAP_HEAD) - 1 + len, WRAP_TAIL, sizeof(WRAP_TAIL) - 1);
    /* Evaluating the wrapper creates the function and runs no program, so the first
     * budget poll stops it: a source that closes the wrapper and loops (`})(); for(;;);
     * (function(){`) is stopped there, and its straight-line code finds no device API yet
     * (the prelude comes after). The gateway refuses such sources at upload. */
    jerry_value_t parsed = jerry_parse((const jerry_char_t *)JS_GUEST_FILE,
                                       sizeof(JS_GUEST_FILE) - 1, wrapped, wrapped_len,
                                       JERRY_PARSE_NO_OPTS);
    jerry_heap_free(wrapped, wrapped_len);
    if (jerry_value_is_error(parsed)) {
        js_syntax_error(parsed, err, err_len);
        return -1;
    }
    js_call.limit = js_call.instructions;
    jerry_value_t program = jerry_run(parsed);
    jerry_release_value(parsed);
    bool ran = js_call.stop != JS_STOP_NONE || !jerry_value_is_function(program);
    js_call.stop = JS_STOP_NONE;
    js_call.limit = UINT64_MAX;
    if (ran) {
        jerry_release_value(program);
        snprintf(err, err_len, "syntax_error: JavaScript syntax error: the program closes "
                 "the function it runs in and goes on after it");
        return -1;
    }
    js_ctx.program = program;
    return 0;
}

int js_context_prepare(const uint8_t *source, size_t len, char *err, size_t err_len)
{
    js_context_drop();
    memset(&js_call, 0, sizeof(js_call));
    js_parse_peak = 0;
    js_call.limit = UINT64_MAX; /* evaluating the prelude and the wrapper runs no program */
    jerry_init(JERRY_INIT_EMPTY);
    js_ctx.up = true;
    jerry_set_vm_exec_stop_callback(js_exec_poll, NULL, VMFLEET_JERRY_TICKS_PER_POLL);
    jerry_set_error_object_created_callback(js_on_error_created, NULL);
    if (compile_program(source, len, err, err_len) != 0 || install_prelude(err, err_len) != 0) {
        return -1;
    }
    js_call.peak = js_heap_used();
    return 0;
}
