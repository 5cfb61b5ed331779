/*
 * How a script's end becomes a vm.h outcome, with the FaultCodes and texts of
 * devices/engines/js/engine.ts: a stop the host functions or the exec-stop callback
 * recorded (exit, bad_syscall, budget_exhausted), the heap exhausted (out_of_memory),
 * JerryScript's stack
 * limit (stack_exhausted), or an uncaught error (guest_error "TypeError: ..."), each with
 * the line of the innermost guest.js frame as pc. Also load()'s syntax errors.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jerry_engine.h"

/* The frames of a backtrace searched for the guest's line: beyond a few prelude frames
 * (an error thrown in events.on) the innermost guest.js frame is what the author needs. */
#define LINE_FRAMES 8

/* ecma_raise_range_error's text for JerryScript's stack limit (JERRY_STACK_LIMIT). */
static const char stack_limit_text[] = "Maximum call stack size exceeded";

static void text_of(jerry_value_t value, char *buf, size_t size)
{
    jerry_value_t text = jerry_value_to_string(value);
    jerry_size_t n = 0;
    if (!jerry_value_is_error(text)) {
        n = jerry_substring_to_utf8_char_buffer(text, 0, jerry_get_string_length(text),
                                                (jerry_char_t *)buf, (jerry_size_t)size - 1);
    }
    else {
        n = (jerry_size_t)snprintf(buf, size, "uncaught exception");
    }
    buf[n < size ? n : size - 1] = '\0';
    jerry_release_value(text);
}

/* "guest.js:12" -> 12, else 0 */
static uint32_t guest_line(jerry_value_t frame)
{
    char text[32];
    if (!jerry_value_is_string(frame)) {
        return 0;
    }
    text_of(frame, text, sizeof(text));
    const char prefix[] = JS_GUEST_FILE ":";
    if (strncmp(text, prefix, sizeof(prefix) - 1) != 0) {
        return 0;
    }
    return (uint32_t)strtoul(text + sizeof(prefix) - 1, NULL, 10);
}

/* The first guest.js line of a backtrace array ("guest.js:12" strings), or 0. */
static uint32_t backtrace_line(jerry_value_t stack)
{
    uint32_t line = 0;
    if (jerry_value_is_array(stack)) {
        uint32_t frames = jerry_get_array_length(stack);
        for (uint32_t i = 0; i < frames && line == 0; i++) {
            jerry_value_t frame = jerry_get_property_by_index(stack, i);
            line = guest_line(frame);
            jerry_release_value(frame);
        }
    }
    return line;
}

uint32_t js_error_line(jerry_value_t error_object)
{
    if (!jerry_value_is_object(error_object)) {
        return 0;
    }
    jerry_value_t key = jerry_create_string((const jerry_char_t *)"stack");
    jerry_value_t stack = jerry_get_property(error_object, key);
    jerry_release_value(key);
    uint32_t line = backtrace_line(stack);
    jerry_release_value(stack);
    return line;
}

uint32_t js_current_line(void)
{
    jerry_value_t stack = jerry_get_backtrace(LINE_FRAMES);
    uint32_t line = backtrace_line(stack);
    jerry_release_value(stack);
    return line;
}

/* Error objects get a short "stack" (the innermost frames) instead of JerryScript's
 * default, the whole backtrace: a stack overflow's RangeError would otherwise hold one
 * string per nested call, kilobytes of a heap that may be nearly full. */
void js_on_error_created(jerry_value_t error_object, void *user)
{
    (void)user;
    jerry_value_t key = jerry_create_string((const jerry_char_t *)"stack");
    jerry_value_t stack = jerry_get_backtrace(LINE_FRAMES);
    jerry_release_value(jerry_set_property(error_object, key, stack));
    jerry_release_value(stack);
    jerry_release_value(key);
}

static vm_outcome_t fault(const char *code, uint32_t line, const char *message)
{
    vm_outcome_t out = { .kind = VM_RUN_FAULT };
    out.fault.code = code;
    out.fault.pc = line;
    snprintf(out.fault.message, sizeof(out.fault.message), "%s", message);
    return out;
}

static vm_outcome_t out_of_memory(uint32_t memory_bytes, uint32_t line)
{
    char message[VM_FAULT_MESSAGE_BYTES];
    snprintf(message, sizeof(message),
             "out of memory: the script needs more than the %" PRIu32 " bytes the board grants",
             memory_bytes);
    return fault("out_of_memory", line, message);
}

vm_outcome_t js_error_outcome(jerry_value_t error)
{
    bool range = jerry_get_error_type(error) == JERRY_ERROR_RANGE;
    jerry_value_t thrown = jerry_get_value_from_error(error, true);
    /* a stop's value is no error object: the line is where the script was stopped */
    uint32_t line = js_call.stop == JS_STOP_NONE ? js_error_line(thrown) : js_call.stop_line;
    char text[VM_FAULT_MESSAGE_BYTES];
    vm_outcome_t out;
    switch (js_call.stop) {
    case JS_STOP_EXIT:
        out = (vm_outcome_t){ .kind = VM_RUN_EXITED, .value = js_call.exit_code };
        break;
    case JS_STOP_FAULT:
        out = fault("bad_syscall", line, js_call.message);
        break;
    case JS_STOP_BUDGET:
        snprintf(text, sizeof(text), "ran %" PRIu32 " instructions without finishing "
                 "(JerryScript cannot pause a script)", js_call.budget);
        out = fault("budget_exhausted", line, text);
        break;
    case JS_STOP_NONE:
    default:
        text_of(thrown, text, sizeof(text));
        /* the stack limit, or eval's parser refused a block for the stack (a null) */
        bool deep = (range && strstr(text, stack_limit_text) != NULL)
                    || (js_call.too_deep && jerry_value_is_null(thrown));
        out = fault(deep ? "stack_exhausted" : "guest_error", line, text);
        break;
    }
    jerry_release_value(thrown);
    return out;
}

vm_outcome_t js_fatal_outcome(uint32_t memory_bytes)
{
    char message[VM_FAULT_MESSAGE_BYTES];
    switch (js_fatal_code) {
    case ERR_OUT_OF_MEMORY:
        return out_of_memory(memory_bytes, 0);
    case ERR_REF_COUNT_LIMIT:
        return fault("guest_error", 0, "JerryScript: a value has too many references");
    default:
        snprintf(message, sizeof(message), "JerryScript fatal error %d", (int)js_fatal_code);
        return fault("guest_error", 0, message);
    }
}

void js_syntax_error(jerry_value_t error, char *err, size_t err_len)
{
    jerry_value_t thrown = jerry_get_value_from_error(error, true);
    if (jerry_value_is_null(thrown) && js_call.too_deep) {
        snprintf(err, err_len, "syntax_error: JavaScript syntax error: functions nested too "
                 "deeply for the device's stack");
        return;
    }
    if (jerry_value_is_null(thrown)) { /* the parser ran out of heap (js-parser.c) */
        snprintf(err, err_len, "does_not_fit: the program does not fit JerryScript's %u-byte "
                 "heap", (unsigned)VMFLEET_JERRY_HEAP_BYTES);
        return;
    }
    /* "SyntaxError: Unexpected end of input. [guest.js:3:1]" */
    char text[VM_ERROR_BYTES];
    text_of(thrown, text, sizeof(text));
    jerry_release_value(thrown);
    const char *message = strncmp(text, "SyntaxError: ", 13) == 0 ? text + 13 : text;
    char *where = strstr(text, " [" JS_GUEST_FILE ":");
    unsigned long line = 0;
    if (where != NULL) {
        line = strtoul(where + sizeof(" [" JS_GUEST_FILE ":") - 1, NULL, 10);
        *where = '\0';
    }
    if (line > 0) {
        snprintf(err, err_len, "syntax_error: JavaScript syntax error (line %lu): %s", line,
                 message);
    }
    else {
        snprintf(err, err_len, "syntax_error: JavaScript syntax error: %s", message);
    }
}
