/*
 * vmfleet guest ABI v1 for wasm guests: the HAL imports and constants.
 * Normative description: docs/guest-abi.md ("Syscalls", "wasm images"). Each function is
 * an import from module "vmfleet" named as the C function; the engine maps it to the
 * syscall number of the ABI table. Every argument and result is an i32; pointers are
 * offsets in linear memory, function pointers are indices into the module's table.
 */
#ifndef VMFLEET_H
#define VMFLEET_H

#include <stdint.h>

/* Limits the host enforces. */
#define VM_PRINT_MAX_BYTES 1024
#define VM_PUBLISH_NAME_MAX_BYTES 32

/* Sensor types for hal_probe / hal_read; readings are in milli-units. */
#define HAL_SENSOR_TEMPERATURE 1   /* m°C */
#define HAL_SENSOR_HUMIDITY 2      /* m%RH */
#define HAL_SENSOR_LIGHT 3         /* lux * 1000 */
#define HAL_SENSOR_DISTANCE 4      /* mm */
#define HAL_SENSOR_BUTTON 5        /* 0 or 1000 */
#define HAL_SENSOR_ACCELEROMETER 6 /* mg; index 0 x, 1 y, 2 z */

/* Actuator types for hal_write. */
#define HAL_ACTUATOR_LED 1
#define HAL_ACTUATOR_GPIO 2

/* Raw event ids for eh_on_raw. */
#define EH_EVENT_BUTTON 1
#define EH_EVENT_USER_FIRST 100 /* 100..199: user events injected from the gateway */
#define EH_EVENT_USER_LAST 199

/* Comparison operators of a processed event (eh_on_condition). */
#define EH_OP_LT 0
#define EH_OP_LE 1
#define EH_OP_GT 2
#define EH_OP_GE 3

/* The struct eh_on_condition reads: "sensor <op> threshold", checked every period_ms. */
struct eh_condition {
  int32_t sensor_type;
  int32_t index;
  int32_t op;
  int32_t threshold;
  int32_t period_ms;
};

/* Event handlers are plain functions; the Event Handler calls them with the value. */
typedef void (*eh_handler)(int32_t value);

#define VM_IMPORT(name) __attribute__((import_module("vmfleet"), import_name(#name)))

/* Ends the program with `code`; does not return. */
VM_IMPORT(vm_exit) __attribute__((noreturn)) void vm_exit(int32_t code);
/* Prints a NUL-terminated string of at most VM_PRINT_MAX_BYTES; no newline is added. */
VM_IMPORT(vm_print) int32_t vm_print(const char *s);
/* Prints a signed 32-bit value in decimal. */
VM_IMPORT(vm_print_int) int32_t vm_print_int(int32_t v);
/* Milliseconds since the program started, on the device clock. */
VM_IMPORT(vm_time_ms) int32_t vm_time_ms(void);
/* Gives the CPU back for at least ms milliseconds. */
VM_IMPORT(vm_sleep_ms) int32_t vm_sleep_ms(int32_t ms);
VM_IMPORT(vm_yield) int32_t vm_yield(void);

/* Number of sensors of a type (0 if none). */
VM_IMPORT(hal_probe) int32_t hal_probe(int32_t sensor_type);
/* A sensor reading in milli-units. */
VM_IMPORT(hal_read) int32_t hal_read(int32_t sensor_type, int32_t index);
/* Sets an actuator; 0, or -1 if there is no such actuator. */
VM_IMPORT(hal_write) int32_t hal_write(int32_t actuator_type, int32_t index, int32_t value);

/* Sends {name, value} to the gateway; name is at most VM_PUBLISH_NAME_MAX_BYTES. */
VM_IMPORT(vm_publish) int32_t vm_publish(const char *name, int32_t value);

/* Calls handler(value) for each raw event `event_id`; 0, or -1 if the table is full. */
VM_IMPORT(eh_on_raw) int32_t eh_on_raw(int32_t event_id, eh_handler handler);
/* Calls handler(reading) whenever the condition holds; 0, or -1 if the table is full. */
VM_IMPORT(eh_on_condition)
int32_t eh_on_condition(const struct eh_condition *condition, eh_handler handler);
/* Sends event {event_id, value} up to the gateway. */
VM_IMPORT(eh_emit) int32_t eh_emit(int32_t event_id, int32_t value);

#undef VM_IMPORT

#endif /* VMFLEET_H */
