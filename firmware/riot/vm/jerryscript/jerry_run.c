/*
 * run() and invoke() of the js engine: main is the program's generator, started on the
 * first run() and resumed after each `yield`; a handler is the prelude's dispatcher
 * called with the handler's index. Each run sets the budget the exec-stop callback counts
 * against.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jerry_context.h"

/* Number.isInteger(v) ? v | 0 : 0, as the TypeScript engine takes exit codes and results. */
static int32_t integer_of(jerry_value_t v)
{
    double d = jerry_value_is_number(v) ? jerry_get_number_value(v) : NAN;
    if (!isfinite(d) || trunc(d) != d) {
        return 0;
    }
    d = fmod(d, 4294967296.0);
    return (int32_t)(uint32_t)(d < 0 ? d + 4294967296.0 : d);
}

static jerry_value_t property(jerry_value_t object, const char *name)
{
    jerry_value_t key = jerry_create_string((const jerry_char_t *)name);
    jerry_value_t value = jerry_get_property(object, key);
    jerry_release_value(key);
    return value;
}


static vm_outcome_t failure(jerry_value_t error)
{
    return js_finish(js_error_outcome(error));
}

static vm_outcome_t resume_main(void)
{
    if (!js_ctx.started) {
        jerry_value_t generator = jerry_call_function(js_ctx.program, jerry_create_undefined(),
                                                      NULL, 0);
        if (jerry_value_is_error(generator)) {
            return failure(generator);
        }
        js_ctx.generator = generator;
        js_ctx.started = true;
    }
    jerry_value_t next = property(js_ctx.generator, "next");
    jerry_value_t result = jerry_call_function(next, js_ctx.generator, NULL, 0);
    jerry_release_value(next);
    if (jerry_value_is_error(result)) {
        return failure(result);
    }
    jerry_value_t done = property(result, "done");
    jerry_value_t value = property(result, "value");
    bool finished = jerry_value_to_boolean(done);
    int32_t code = integer_of(value);
    jerry_release_value(value);
    jerry_release_value(done);
    jerry_release_value(result);
    if (!finished) {
        return (vm_outcome_t){ .kind = VM_RUN_YIELDED, .value = (int32_t)js_call.sleep_ms };
    }
    return js_finish((vm_outcome_t){ .kind = VM_RUN_EXITED, .value = code });
}

static vm_outcome_t call_handler(void)
{
    js.pending = false;
    jerry_value_t args[2] = { jerry_create_number(js.invoke_index),
                              jerry_create_number(js.invoke_value) };
    jerry_value_t result = jerry_call_function(js_ctx.dispatcher, jerry_create_undefined(),
                                               args, 2);
    jerry_release_value(args[1]);
    jerry_release_value(args[0]);
    if (jerry_value_is_error(result)) {
        return failure(result);
    }
    int32_t value = integer_of(result);
    jerry_release_value(result);
    js.state = js.before_invoke;
    return (vm_outcome_t){ .kind = VM_RUN_RETURNED, .value = value };
}

static vm_outcome_t refused(const char *code, const char *message)
{
    vm_outcome_t out = { .kind = VM_RUN_FAULT };
    out.fault.code = code;
    snprintf(out.fault.message, sizeof(out.fault.message), "%s", message);
    return out;
}

typedef struct {
    uint32_t budget;
    vm_outcome_t out;
} run_t;

static void run_body(void *arg)
{
    run_t *r = arg;
    if (!js_ctx.started && js.stale) {
        char err[VM_ERROR_BYTES];
        if (js_context_prepare(js.source, js.len, err, sizeof(err)) != 0) {
            r->out = js_finish(refused("out_of_memory", err));
            return;
        }
        js.stale = false;
    }
    js_call.stop = JS_STOP_NONE;
    js_call.sleep_ms = 0;
    js_call.limit = js_call.instructions + r->budget;
    js_call.budget = r->budget;
    js.state = VM_STATE_RUNNING;
    r->out = js.pending ? call_handler() : resume_main();
    uint32_t used = js_heap_used();
    js_call.peak = used > js_call.peak ? used : js_call.peak;
}

vm_outcome_t js_run(uint32_t budget)
{
    if (js.has_final) {
        return js.final;
    }
    if (js.state == VM_STATE_IDLE) {
        return refused("guest_error", "no JavaScript program loaded");
    }
    if (js.state == VM_STATE_EXITED && !js.pending) {
        return (vm_outcome_t){ .kind = VM_RUN_EXITED, .value = js.exit_code };
    }
    if (budget == 0) {
        return (vm_outcome_t){ .kind = VM_RUN_BUDGET };
    }
    run_t r = { .budget = budget };
    js_stack_cap = VMFLEET_JERRY_STACK_BYTES;
    if (!js_guarded(run_body, &r)) {
        js_call.peak = js.granted; /* a fatal error is the heap full, or nearly */
        r.out = js_finish(js_fatal_outcome(js.granted));
    }
    return r.out;
}

int js_invoke(uint32_t address, const int32_t *args, unsigned argc)
{
    if (js.state != VM_STATE_LOADED && js.state != VM_STATE_EXITED) {
        return -1;
    }
    if (!js_ctx.started || address >= js_call.handler_count) {
        return -1; /* not a handler the program registered */
    }
    js.pending = true;
    js.invoke_index = address;
    js.invoke_value = argc > 0 ? args[0] : 0;
    js.before_invoke = js.state;
    js.state = VM_STATE_RUNNING;
    return 0;
}
