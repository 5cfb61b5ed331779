/*
 * vmfleet guest ABI v1 for ebpf guests (Femto-Container .rbf images): the same C API as
 * sdk/mips1/vmfleet.h, over eBPF helper calls instead of syscalls.
 * Normative description: docs/guest-abi.md ("ebpf images"); helper ids must match
 * src/protocol/images/rbf/helpers.ts.
 *
 * An eBPF helper is called as `call <id>`; clang emits that for a call through a function
 * pointer whose value is the constant id (the Linux/Femto-Container convention). Arguments
 * travel in r1..r5, the result comes back in r0. Helpers by the Femto-Container numbering
 * where one exists (bpf_printf 0x01, store/fetch 0x10-0x13, now_ms 0x20, SAUL 0x30-0x33,
 * GPIO 0x70-0x72); the rest of the vmfleet ABI is 0x100 + its syscall number.
 */
#ifndef VMFLEET_H
#define VMFLEET_H

#include <stdint.h>

/* Syscall numbers (docs/guest-abi.md, "Syscalls"): the helper id is 0x100 + number. */
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
#define VM_HELPER(nr) (0x100 + (nr))

/* Femto-Container helper ids (RIOT sys/include/bpf/shared.h numbering). */
#define BPF_FUNC_PRINTF 0x01
#define BPF_FUNC_STORE_LOCAL 0x10
#define BPF_FUNC_STORE_GLOBAL 0x11
#define BPF_FUNC_FETCH_LOCAL 0x12
#define BPF_FUNC_FETCH_GLOBAL 0x13
#define BPF_FUNC_NOW_MS 0x20
#define BPF_FUNC_SAUL_REG_FIND_NTH 0x30
#define BPF_FUNC_SAUL_REG_FIND_TYPE 0x31
#define BPF_FUNC_SAUL_REG_READ 0x32
#define BPF_FUNC_SAUL_REG_WRITE 0x33
#define BPF_FUNC_GPIO_READ 0x70
#define BPF_FUNC_GPIO_WRITE 0x71
#define BPF_FUNC_GPIO_TOGGLE 0x72

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

/*
 * Event handlers are plain functions. eBPF has no code addresses: the packer resolves a
 * function's address to its byte offset in text, which is what the Event Handler gets and
 * what the engine's invoke() starts at (docs/guest-abi.md, "ebpf images").
 */
typedef void (*eh_handler)(int32_t value);

/* Guest addresses are 32-bit: pointers and code addresses travel as int32 arguments. */
#define VM_ADDR(p) ((int32_t)(uintptr_t)(p))

/* Femto-Container helpers. */
static void *(*const bpf_printf)(const char *fmt, ...) = (void *)BPF_FUNC_PRINTF;
static int (*const bpf_store_local)(uint32_t key, uint32_t value) = (void *)BPF_FUNC_STORE_LOCAL;
static int (*const bpf_store_global)(uint32_t key, uint32_t value) = (void *)BPF_FUNC_STORE_GLOBAL;
static int (*const bpf_fetch_local)(uint32_t key, uint32_t *value) = (void *)BPF_FUNC_FETCH_LOCAL;
static int (*const bpf_fetch_global)(uint32_t key, uint32_t *value) = (void *)BPF_FUNC_FETCH_GLOBAL;
static uint32_t (*const bpf_now_ms)(void) = (void *)BPF_FUNC_NOW_MS;

/* SAUL over the HAL: a device handle is (type << 8 | index) + 1; 0 means none. */
typedef struct {
  int16_t val[3];
  int8_t unit;
  int8_t scale;
} phydat_t;
typedef uint32_t bpf_saul_reg_t;
static bpf_saul_reg_t (*const bpf_saul_reg_find_nth)(int pos) = (void *)BPF_FUNC_SAUL_REG_FIND_NTH;
static bpf_saul_reg_t (*const bpf_saul_reg_find_type)(uint8_t type) =
    (void *)BPF_FUNC_SAUL_REG_FIND_TYPE;
static int (*const bpf_saul_reg_read)(bpf_saul_reg_t dev, phydat_t *data) =
    (void *)BPF_FUNC_SAUL_REG_READ;
static int (*const bpf_saul_reg_write)(bpf_saul_reg_t dev, const phydat_t *data) =
    (void *)BPF_FUNC_SAUL_REG_WRITE;

/* GPIO over the HAL: pins of port 0 are GPIO actuators (write) and buttons (read). */
static uint32_t (*const bpf_gpio_read)(uint32_t port, uint32_t pin) = (void *)BPF_FUNC_GPIO_READ;
static void (*const bpf_gpio_write)(uint32_t port, uint32_t pin, uint32_t value) =
    (void *)BPF_FUNC_GPIO_WRITE;
static void (*const bpf_gpio_toggle)(uint32_t port, uint32_t pin) = (void *)BPF_FUNC_GPIO_TOGGLE;

/* The vmfleet ABI, one helper per syscall. */
static int32_t (*const vm_helper_exit)(int32_t code) = (void *)VM_HELPER(VM_SYS_EXIT);
static int32_t (*const vm_helper_print)(const char *s) = (void *)VM_HELPER(VM_SYS_PRINT);
static int32_t (*const vm_helper_print_int)(int32_t v) = (void *)VM_HELPER(VM_SYS_PRINT_INT);
static int32_t (*const vm_helper_time_ms)(void) = (void *)VM_HELPER(VM_SYS_TIME_MS);
static int32_t (*const vm_helper_sleep_ms)(int32_t ms) = (void *)VM_HELPER(VM_SYS_SLEEP_MS);
static int32_t (*const vm_helper_yield)(void) = (void *)VM_HELPER(VM_SYS_YIELD);
static int32_t (*const vm_helper_hal_probe)(int32_t type) = (void *)VM_HELPER(VM_SYS_HAL_PROBE);
static int32_t (*const vm_helper_hal_read)(int32_t type, int32_t index) =
    (void *)VM_HELPER(VM_SYS_HAL_READ);
static int32_t (*const vm_helper_hal_write)(int32_t type, int32_t index, int32_t value) =
    (void *)VM_HELPER(VM_SYS_HAL_WRITE);
static int32_t (*const vm_helper_publish)(const char *name, int32_t value) =
    (void *)VM_HELPER(VM_SYS_PUBLISH);
static int32_t (*const vm_helper_eh_on_raw)(int32_t event_id, int32_t handler) =
    (void *)VM_HELPER(VM_SYS_EH_ON_RAW);
static int32_t (*const vm_helper_eh_on_condition)(const struct eh_condition *c, int32_t handler) =
    (void *)VM_HELPER(VM_SYS_EH_ON_CONDITION);
static int32_t (*const vm_helper_eh_emit)(int32_t event_id, int32_t value) =
    (void *)VM_HELPER(VM_SYS_EH_EMIT);

__attribute__((noreturn)) static inline void vm_exit(int32_t code) {
  vm_helper_exit(code);
  __builtin_unreachable();
}

/* Prints a NUL-terminated string of at most VM_PRINT_MAX_BYTES; no newline is added. */
static inline int32_t vm_print(const char *s) { return vm_helper_print(s); }
/* Prints a signed 32-bit value in decimal. */
static inline int32_t vm_print_int(int32_t v) { return vm_helper_print_int(v); }
/* Milliseconds since the program started, on the device clock. */
static inline int32_t vm_time_ms(void) { return vm_helper_time_ms(); }
/* Gives the CPU back for at least ms milliseconds. */
static inline int32_t vm_sleep_ms(int32_t ms) { return vm_helper_sleep_ms(ms); }
static inline int32_t vm_yield(void) { return vm_helper_yield(); }

/* Number of sensors of a type (0 if none). */
static inline int32_t hal_probe(int32_t sensor_type) { return vm_helper_hal_probe(sensor_type); }
/* A sensor reading in milli-units. */
static inline int32_t hal_read(int32_t sensor_type, int32_t index) {
  return vm_helper_hal_read(sensor_type, index);
}
/* Sets an actuator; 0, or -1 if there is no such actuator. */
static inline int32_t hal_write(int32_t actuator_type, int32_t index, int32_t value) {
  return vm_helper_hal_write(actuator_type, index, value);
}

/* Sends {name, value} to the gateway; name is at most VM_PUBLISH_NAME_MAX_BYTES. */
static inline int32_t vm_publish(const char *name, int32_t value) {
  return vm_helper_publish(name, value);
}

/* Calls handler(value) for each raw event `event_id`; 0, or -1 if the table is full. */
static inline int32_t eh_on_raw(int32_t event_id, eh_handler handler) {
  return vm_helper_eh_on_raw(event_id, VM_ADDR(handler));
}
/* Calls handler(reading) whenever the condition holds; 0, or -1 if the table is full. */
static inline int32_t eh_on_condition(const struct eh_condition *condition, eh_handler handler) {
  return vm_helper_eh_on_condition(condition, VM_ADDR(handler));
}
/* Sends event {event_id, value} up to the gateway. */
static inline int32_t eh_emit(int32_t event_id, int32_t value) {
  return vm_helper_eh_emit(event_id, value);
}

#endif /* VMFLEET_H */
