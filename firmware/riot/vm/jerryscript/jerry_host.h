/*
 * Between the host functions (jerry_host.c) and their argument checks and syscall path
 * (jerry_args.c).
 */
#ifndef VMFLEET_JERRY_HOST_H
#define VMFLEET_JERRY_HOST_H

#include "jerry_engine.h"

/* What one syscall's strings and structs may take (the ABI caps a print at 1024 bytes). */
#define JS_SCRATCH_BYTES 1024
extern uint8_t js_scratch[JS_SCRATCH_BYTES];

typedef struct {
    const char *name;
    int32_t value;
} js_abi_name_t;

/* abi-names.ts: SENSOR_TYPES, ACTUATOR_TYPES, RAW_EVENTS, CONDITION_OP_CODES. */
extern const js_abi_name_t js_sensor_types[], js_actuator_types[], js_raw_events[],
    js_condition_ops[];

/* An Error the script sees and may catch (a bad argument is the script's error). */
jerry_value_t js_api_error(const char *message);

/* int32(value, what) and abiNumber(table, value, what): false with *error set. */
bool js_int32_arg(jerry_value_t value, const char *what, int32_t *out, jerry_value_t *error);
bool js_abi_arg(const js_abi_name_t *table, jerry_value_t value, const char *what, int32_t *out,
                jerry_value_t *error);

/* One syscall: true with its value, or false when the script must stop (*stop). */
bool js_call_host(uint32_t nr, const int32_t args[4], int32_t *value, jerry_value_t *stop);

#endif /* VMFLEET_JERRY_HOST_H */
