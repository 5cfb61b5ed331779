/*
 * The arguments of the host functions (jerry_host.c), as devices/engines/script/
 * abi-names.ts and guest-calls.ts check and convert them, with the same error texts, and
 * the one path to vm_host_syscall(). Strings and the condition struct go through a small
 * scratch buffer, the guest memory the host's view reads, so the device's syscall
 * handlers are the same for every engine.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jerry_host.h"

#define MESSAGE_BYTES 192

uint8_t js_scratch[JS_SCRATCH_BYTES];

static bool scratch_read(void *ctx, uint32_t addr, void *dst, uint32_t len)
{
    (void)ctx;
    if ((uint64_t)addr + len > JS_SCRATCH_BYTES) {
        return false;
    }
    memcpy(dst, &js_scratch[addr], len);
    return true;
}

static bool scratch_write(void *ctx, uint32_t addr, const void *src, uint32_t len)
{
    (void)ctx;
    if ((uint64_t)addr + len > JS_SCRATCH_BYTES) {
        return false;
    }
    memcpy(&js_scratch[addr], src, len);
    return true;
}

static const vm_memory_view_t view = { .ctx = NULL, .read = scratch_read, .write = scratch_write };

const js_abi_name_t js_sensor_types[] = {
    { "temperature", 1 }, { "humidity", 2 }, { "light", 3 },
    { "distance", 4 },    { "button", 5 },   { "accelerometer", 6 }, { NULL, 0 },
};
const js_abi_name_t js_actuator_types[] = { { "led", 1 }, { "gpio", 2 }, { NULL, 0 } };
const js_abi_name_t js_raw_events[] = { { "button", 1 }, { NULL, 0 } };
const js_abi_name_t js_condition_ops[] = {
    { "<", 0 }, { "<=", 1 }, { ">", 2 }, { ">=", 3 }, { NULL, 0 },
};

jerry_value_t js_stop_value(void)
{
    js_call.stop_line = js_current_line();
    return jerry_create_abort_from_value(jerry_create_string((const jerry_char_t *)"vmfleet: stop"),
                                         true);
}

/* An Error the script sees (and may catch): a bad argument is the script's error. */
jerry_value_t js_api_error(const char *message)
{
    return jerry_create_error(JERRY_ERROR_COMMON, (const jerry_char_t *)message);
}

/* JSON.stringify(value) into buf, as the TypeScript messages show a bad argument. */
static void json_of(jerry_value_t value, char *buf, size_t size)
{
    jerry_value_t json = jerry_json_stringify(value);
    jerry_size_t n = 0;
    if (jerry_value_is_string(json)) {
        n = jerry_substring_to_utf8_char_buffer(json, 0, jerry_get_string_length(json),
                                                (jerry_char_t *)buf, (jerry_size_t)size - 1);
    }
    else {
        n = (jerry_size_t)snprintf(buf, size, "undefined");
    }
    buf[n < size ? n : size - 1] = '\0';
    jerry_release_value(json);
}

/* int32(value, what): a finite number truncated to 32 bits as the C ABI would, or a
 * boolean; anything else is the script's error. */
bool js_int32_arg(jerry_value_t value, const char *what, int32_t *out, jerry_value_t *error)
{
    if (jerry_value_is_boolean(value)) {
        *out = jerry_get_boolean_value(value) ? 1 : 0;
        return true;
    }
    double d = jerry_value_is_number(value) ? jerry_get_number_value(value) : NAN;
    if (isfinite(d)) {
        d = fmod(trunc(d), 4294967296.0);
        *out = (int32_t)(uint32_t)(d < 0 ? d + 4294967296.0 : d);
        return true;
    }
    char json[64], message[MESSAGE_BYTES];
    json_of(value, json, sizeof(json));
    snprintf(message, sizeof(message), "%s must be a number, not %s", what, json);
    *error = js_api_error(message);
    return false;
}

/* abiNumber(table, value, what): an integer, or a name of the table. */
bool js_abi_arg(const js_abi_name_t *table, jerry_value_t value, const char *what, int32_t *out,
                    jerry_value_t *error)
{
    if (jerry_value_is_number(value)) {
        double d = jerry_get_number_value(value);
        if (isfinite(d) && trunc(d) == d) {
            return js_int32_arg(value, what, out, error);
        }
    }
    if (jerry_value_is_string(value)) {
        char name[16];
        jerry_size_t n = jerry_get_utf8_string_size(value);
        if (n < sizeof(name)) {
            jerry_string_to_utf8_char_buffer(value, (jerry_char_t *)name, n);
            name[n] = '\0';
            for (const js_abi_name_t *e = table; e->name != NULL; e++) {
                if (strcmp(e->name, name) == 0) {
                    *out = e->value;
                    return true;
                }
            }
        }
    }
    char json[64], message[MESSAGE_BYTES];
    json_of(value, json, sizeof(json));
    int len = snprintf(message, sizeof(message), "unknown %s %s; use one of: ", what, json);
    for (const js_abi_name_t *e = table; e->name != NULL && len > 0 && (size_t)len < sizeof(message);
         e++) {
        len += snprintf(message + len, sizeof(message) - (size_t)len, "%s%s",
                        e == table ? "" : ", ", e->name);
    }
    *error = js_api_error(message);
    return false;
}

/* One syscall; false when the script must stop (*stop is the value to return). */
bool js_call_host(uint32_t nr, const int32_t args[4], int32_t *value, jerry_value_t *stop)
{
    vm_sys_result_t r = vm_host_syscall(nr, args, &view);
    switch (r.kind) {
    case VM_SYS_VALUE:
        *value = r.value;
        return true;
    case VM_SYS_YIELD:
        js_call.sleep_ms = r.sleep_ms;
        *value = r.value;
        return true;
    case VM_SYS_EXIT:
        js_call.stop = JS_STOP_EXIT;
        js_call.exit_code = r.value;
        break;
    case VM_SYS_FAULT:
    default:
        js_call.stop = JS_STOP_FAULT;
        snprintf(js_call.message, sizeof(js_call.message), "%s",
                 r.message ? r.message : "refused by the host");
        break;
    }
    *stop = js_stop_value();
    return false;
}

