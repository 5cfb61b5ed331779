/*
 * The host functions behind the prelude's `sys` (devices/engines/script/guest-calls.ts in
 * C): each one checks its arguments (jerry_args.c) and makes one syscall with the ABI's
 * number; a stop (exit, a refused syscall) unwinds the script with an abort.
 */
#include <stdio.h>
#include <string.h>

#include "jerry_host.h"

js_call_t js_call;

/* A print chunk of 256 characters is at most 768 bytes of UTF-8 (the ABI's cap on one
 * vm_print string is 1024). */
#define PRINT_CHUNK_CHARS 256

#define ARG(i) ((i) < argc ? argv[i] : jerry_create_undefined())
#define HOST_FN(name)                                                                        \
    static jerry_value_t name(const jerry_value_t fn, const jerry_value_t self,             \
                              const jerry_value_t argv[], const jerry_length_t argc)
#define UNUSED_THIS ((void)fn, (void)self)

/* Ends a host function: the syscall's number result, or the stop. */
static jerry_value_t number_result(uint32_t nr, const int32_t args[4])
{
    int32_t value = 0;
    jerry_value_t stop;
    return js_call_host(nr, args, &value, &stop) ? jerry_create_number(value) : stop;
}

HOST_FN(host_print)
{
    UNUSED_THIS;
    jerry_value_t text = jerry_value_to_string(ARG(0));
    if (jerry_value_is_error(text)) {
        return text;
    }
    jerry_length_t length = jerry_get_string_length(text);
    jerry_value_t result = jerry_create_undefined();
    for (jerry_length_t at = 0; at < length; at += PRINT_CHUNK_CHARS) {
        jerry_length_t end = length - at > PRINT_CHUNK_CHARS ? at + PRINT_CHUNK_CHARS : length;
        jerry_size_t n = jerry_substring_to_utf8_char_buffer(text, at, end, js_scratch,
                                                             JS_SCRATCH_BYTES - 1);
        js_scratch[n] = '\0';
        const int32_t args[4] = { 0 };
        int32_t value;
        if (!js_call_host(2, args, &value, &result)) {
            break;
        }
    }
    jerry_release_value(text);
    return result;
}

HOST_FN(host_time_ms)
{
    UNUSED_THIS;
    (void)argv, (void)argc;
    const int32_t args[4] = { 0 };
    return number_result(4, args);
}

HOST_FN(host_sleep_ms)
{
    UNUSED_THIS;
    int32_t args[4] = { 0 };
    jerry_value_t error;
    if (!js_int32_arg(ARG(0), "sleep_ms(ms)", &args[0], &error)) {
        return error;
    }
    args[0] = args[0] < 0 ? 0 : args[0];
    return number_result(5, args);
}

HOST_FN(host_exit)
{
    UNUSED_THIS;
    int32_t args[4] = { 0 };
    jerry_value_t error;
    if (!jerry_value_is_undefined(ARG(0)) && !js_int32_arg(ARG(0), "exit(code)", &args[0], &error)) {
        return error;
    }
    jerry_value_t stop = number_result(1, args);
    if (js_call.stop == JS_STOP_NONE) {
        /* exit does not return: a host that answers otherwise still ends the program */
        jerry_release_value(stop);
        js_call.stop = JS_STOP_EXIT;
        js_call.exit_code = args[0];
        stop = js_stop_value();
    }
    return stop;
}

HOST_FN(host_hal_probe)
{
    UNUSED_THIS;
    int32_t args[4] = { 0 };
    jerry_value_t error;
    if (!js_abi_arg(js_sensor_types, ARG(0), "sensor", &args[0], &error)) {
        return error;
    }
    return number_result(10, args);
}

HOST_FN(host_hal_read)
{
    UNUSED_THIS;
    int32_t args[4] = { 0 };
    jerry_value_t error;
    jerry_value_t index = jerry_value_is_undefined(ARG(1)) ? jerry_create_number(0) : ARG(1);
    if (!js_abi_arg(js_sensor_types, ARG(0), "sensor", &args[0], &error)
        || !js_int32_arg(index, "sensor index", &args[1], &error)) {
        return error;
    }
    return number_result(11, args);
}

HOST_FN(host_hal_write)
{
    UNUSED_THIS;
    int32_t args[4] = { 0 };
    jerry_value_t error;
    if (!js_abi_arg(js_actuator_types, ARG(0), "actuator", &args[0], &error)
        || !js_int32_arg(ARG(1), "index", &args[1], &error)
        || !js_int32_arg(ARG(2), "value", &args[2], &error)) {
        return error;
    }
    return number_result(12, args);
}

HOST_FN(host_publish)
{
    UNUSED_THIS;
    jerry_value_t name = ARG(0), error;
    int32_t args[4] = { 0 };
    if (!jerry_value_is_string(name)) {
        return js_api_error("publish(name, value): name must be a string");
    }
    jerry_size_t n = jerry_get_utf8_string_size(name);
    if (n >= JS_SCRATCH_BYTES) {
        return js_api_error("syscall arguments need more than 1024 bytes");
    }
    if (!js_int32_arg(ARG(1), "publish value", &args[1], &error)) {
        return error;
    }
    jerry_string_to_utf8_char_buffer(name, js_scratch, n);
    js_scratch[n] = '\0';
    return number_result(20, args);
}

HOST_FN(host_emit)
{
    UNUSED_THIS;
    int32_t args[4] = { 0 };
    jerry_value_t error;
    jerry_value_t value = jerry_value_is_undefined(ARG(1)) ? jerry_create_number(0) : ARG(1);
    if (!js_int32_arg(ARG(0), "event id", &args[0], &error)
        || !js_int32_arg(value, "event value", &args[1], &error)) {
        return error;
    }
    return number_result(32, args);
}

/* The handler index the prelude passes last; invoke() takes indexes below the count. */
static int32_t handler_arg(jerry_value_t value)
{
    double d = jerry_value_is_number(value) ? jerry_get_number_value(value) : -1;
    int32_t index = d >= 0 && d < 65536 ? (int32_t)d : -1;
    if (index >= 0 && (uint32_t)index >= js_call.handler_count) {
        js_call.handler_count = (uint32_t)index + 1;
    }
    return index;
}

/* events.on: true when the device took the handler. */
static jerry_value_t registered(uint32_t nr, const int32_t args[4])
{
    int32_t value = -1;
    jerry_value_t stop;
    return js_call_host(nr, args, &value, &stop) ? jerry_create_boolean(value == 0) : stop;
}

HOST_FN(host_on)
{
    UNUSED_THIS;
    int32_t args[4] = { 0 };
    jerry_value_t error;
    if (!js_abi_arg(js_raw_events, ARG(0), "event", &args[0], &error)) {
        return error;
    }
    args[1] = handler_arg(ARG(1));
    return registered(30, args);
}

HOST_FN(host_on_condition)
{
    UNUSED_THIS;
    int32_t words[5], args[4] = { 0 };
    jerry_value_t error;
    if (!js_abi_arg(js_sensor_types, ARG(0), "sensor", &words[0], &error)
        || !js_int32_arg(ARG(1), "sensor index", &words[1], &error)
        || !js_abi_arg(js_condition_ops, ARG(2), "condition op", &words[2], &error)
        || !js_int32_arg(ARG(3), "threshold", &words[3], &error)
        || !js_int32_arg(ARG(4), "period_ms", &words[4], &error)) {
        return error;
    }
    for (unsigned i = 0; i < 5; i++) { /* the condition struct, little-endian int32s */
        uint32_t w = (uint32_t)words[i];
        for (unsigned b = 0; b < 4; b++) {
            js_scratch[i * 4 + b] = (uint8_t)(w >> (8 * b));
        }
    }
    args[1] = handler_arg(ARG(5));
    return registered(31, args);
}

void js_host_install(jerry_value_t sys)
{
    static const struct {
        const char *name;
        jerry_external_handler_t fn;
    } fns[] = {
        { "print", host_print },       { "publish", host_publish },
        { "time_ms", host_time_ms },   { "sleep_ms", host_sleep_ms },
        { "exit", host_exit },         { "hal_probe", host_hal_probe },
        { "hal_read", host_hal_read }, { "hal_write", host_hal_write },
        { "on", host_on },             { "on_condition", host_on_condition },
        { "emit", host_emit },
    };
    for (unsigned i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
        jerry_value_t name = jerry_create_string((const jerry_char_t *)fns[i].name);
        jerry_value_t fn = jerry_create_external_function(fns[i].fn);
        jerry_release_value(jerry_set_property(sys, name, fn));
        jerry_release_value(fn);
        jerry_release_value(name);
    }
}

uint32_t js_heap_used(void)
{
    jerry_heap_stats_t stats = { 0 };
    jerry_get_memory_stats(&stats);
    return (uint32_t)stats.allocated_bytes;
}

jerry_value_t js_exec_poll(void *user)
{
    (void)user;
    js_call.instructions += VMFLEET_JERRY_TICKS_PER_POLL;
    if (js_call.instructions >= js_call.limit) {
        js_call.stop = JS_STOP_BUDGET;
        return js_stop_value();
    }
    return jerry_create_undefined();
}
