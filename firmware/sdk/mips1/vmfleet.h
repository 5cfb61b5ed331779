/*
 * vmfleet guest ABI v1 for mips1 guests: syscall wrappers and constants.
 * Normative description: docs/guest-abi.md. Numbers here must match its table.
 *
 * Calling convention: `syscall` with the number in $v0, arguments in $a0..$a3, the
 * result in $v0. Every wrapper is a "memory" barrier, so strings and structs a call
 * reads are in memory before the syscall and what it writes is reloaded after.
 */
#ifndef VMFLEET_H
#define VMFLEET_H

#include <stdint.h>

/* Syscall numbers (docs/guest-abi.md, "Syscalls"). */
#define VM_SYS_EXIT 1
#define VM_SYS_PRINT 2
#define VM_SYS_PRINT_INT 3
#define VM_SYS_TIME_MS 4
#define VM_SYS_SLEEP_MS 5
#define VM_SYS_YIELD 6
#define VM_SYS_HAL_PROBE 10
#define VM_SYS_HAL_READ 11
#define VM_SYS_HAL_WRITE 12
#define VM_SYS_PUBLISH 20
#define VM_SYS_EH_ON_RAW 30
#define VM_SYS_EH_ON_CONDITION 31
#define VM_SYS_EH_EMIT 32

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

/*
 * One wrapper per arity, so a call loads only the argument registers it uses. Argument
 * registers are in-out ("+r"): the ABI returns only $v0, but an engine may use
 * $a0..$a3 as scratch without breaking the caller.
 */
static inline int32_t vm_syscall0(int32_t nr) {
  register int32_t v0 __asm__("$2") = nr;
  __asm__ volatile("syscall" : "+r"(v0) : : "memory");
  return v0;
}

static inline int32_t vm_syscall1(int32_t nr, int32_t a) {
  register int32_t v0 __asm__("$2") = nr;
  register int32_t a0 __asm__("$4") = a;
  __asm__ volatile("syscall" : "+r"(v0), "+r"(a0) : : "memory");
  return v0;
}

static inline int32_t vm_syscall2(int32_t nr, int32_t a, int32_t b) {
  register int32_t v0 __asm__("$2") = nr;
  register int32_t a0 __asm__("$4") = a;
  register int32_t a1 __asm__("$5") = b;
  __asm__ volatile("syscall" : "+r"(v0), "+r"(a0), "+r"(a1) : : "memory");
  return v0;
}

static inline int32_t vm_syscall3(int32_t nr, int32_t a, int32_t b, int32_t c) {
  register int32_t v0 __asm__("$2") = nr;
  register int32_t a0 __asm__("$4") = a;
  register int32_t a1 __asm__("$5") = b;
  register int32_t a2 __asm__("$6") = c;
  __asm__ volatile("syscall" : "+r"(v0), "+r"(a0), "+r"(a1), "+r"(a2) : : "memory");
  return v0;
}

/* Guest addresses are 32-bit: pointers and code addresses travel as int32 arguments. */
#define VM_ADDR(p) ((int32_t)(uintptr_t)(p))

__attribute__((noreturn)) static inline void vm_exit(int32_t code) {
  vm_syscall1(VM_SYS_EXIT, code);
  __builtin_unreachable();
}

/* Prints a NUL-terminated string of at most VM_PRINT_MAX_BYTES; no newline is added. */
static inline int32_t vm_print(const char *s) { return vm_syscall1(VM_SYS_PRINT, VM_ADDR(s)); }
/* Prints a signed 32-bit value in decimal. */
static inline int32_t vm_print_int(int32_t v) { return vm_syscall1(VM_SYS_PRINT_INT, v); }
/* Milliseconds since the program started, on the device clock. */
static inline int32_t vm_time_ms(void) { return vm_syscall0(VM_SYS_TIME_MS); }
/* Gives the CPU back for at least ms milliseconds. */
static inline int32_t vm_sleep_ms(int32_t ms) { return vm_syscall1(VM_SYS_SLEEP_MS, ms); }
static inline int32_t vm_yield(void) { return vm_syscall0(VM_SYS_YIELD); }

/* Number of sensors of a type (0 if none). */
static inline int32_t hal_probe(int32_t sensor_type) {
  return vm_syscall1(VM_SYS_HAL_PROBE, sensor_type);
}
/* A sensor reading in milli-units. */
static inline int32_t hal_read(int32_t sensor_type, int32_t index) {
  return vm_syscall2(VM_SYS_HAL_READ, sensor_type, index);
}
/* Sets an actuator; 0, or -1 if there is no such actuator. */
static inline int32_t hal_write(int32_t actuator_type, int32_t index, int32_t value) {
  return vm_syscall3(VM_SYS_HAL_WRITE, actuator_type, index, value);
}

/* Sends {name, value} to the gateway; name is at most VM_PUBLISH_NAME_MAX_BYTES. */
static inline int32_t vm_publish(const char *name, int32_t value) {
  return vm_syscall2(VM_SYS_PUBLISH, VM_ADDR(name), value);
}

/* Calls handler(value) for each raw event `event_id`; 0, or -1 if the table is full. */
static inline int32_t eh_on_raw(int32_t event_id, eh_handler handler) {
  return vm_syscall2(VM_SYS_EH_ON_RAW, event_id, VM_ADDR(handler));
}
/* Calls handler(reading) whenever the condition holds; 0, or -1 if the table is full. */
static inline int32_t eh_on_condition(const struct eh_condition *condition, eh_handler handler) {
  return vm_syscall2(VM_SYS_EH_ON_CONDITION, VM_ADDR(condition), VM_ADDR(handler));
}
/* Sends event {event_id, value} up to the gateway. */
static inline int32_t eh_emit(int32_t event_id, int32_t value) {
  return vm_syscall2(VM_SYS_EH_EMIT, event_id, value);
}

#endif /* VMFLEET_H */
