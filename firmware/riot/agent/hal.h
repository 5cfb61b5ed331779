/*
 * The device side of the guest ABI (docs/guest-abi.md): vm_host_syscall of vm/vm.h, the
 * board's sensors and actuators, and the guest's console. The C form of
 * devices/runtime/guest-host.ts, devices/hal/hal.ts and guest-console.ts.
 *
 * Sensors are simulated as devices/hal/hal.ts does (deterministic in time, milli-units),
 * unless a board reads real ones through the hook in hal.c.
 */
#ifndef VMFLEET_HAL_H
#define VMFLEET_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HAL_SENSOR_TEMPERATURE 1
#define HAL_SENSOR_HUMIDITY 2
#define HAL_SENSOR_LIGHT 3
#define HAL_SENSOR_DISTANCE 4
#define HAL_SENSOR_BUTTON 5
#define HAL_SENSOR_ACCELEROMETER 6
#define HAL_ACTUATOR_LED 1
#define HAL_ACTUATOR_GPIO 2
#define HAL_LED_COUNT 4
#define HAL_GPIO_COUNT 8

/** The guest console's scrollback (status, diagnostics). */
#define HAL_CONSOLE_BYTES 512

/** vm_time_ms counts from here: the program was loaded or reset. */
void hal_program_epoch(void);
/** Milliseconds since the program was loaded or reset. */
uint32_t hal_program_ms(void);

/** How many sensors of a type the board has (the accelerometer: its 3 axes). */
int32_t hal_probe(int32_t type);
/** A reading at program time now_ms; false when there is no such sensor. */
bool hal_read(int32_t type, int32_t index, uint32_t now_ms, int32_t *value);
/** Sets an actuator; false when the board has none of that type and index. */
bool hal_write(int32_t type, int32_t index, int32_t value);
/** The button reads pressed for a moment after a press event (call with the runner lock). */
void hal_press_button(uint32_t now_ms);
/** The actuator arrays, for telemetry `actuators`. */
void hal_actuators(const int32_t **led, unsigned *n_led, const int32_t **gpio, unsigned *n_gpio);

/**
 * Bench mode: the guest gets the console ABI only (guest-bench.ts): its output goes to
 * buf (truncated at cap, not to stdout), vm_time_ms counts calls, sleeps do not wait.
 */
void hal_bench_begin(char *buf, size_t cap);
/** Leaves bench mode: the bytes captured, and the program's `check:` verdict. */
size_t hal_bench_end(const char **check);

/** Copies the last guest output (at most HAL_CONSOLE_BYTES) to dst; its length. */
size_t hal_console_tail(char *dst, size_t len);

/* ---- internal to agent/: the guest console (guest_console.c) ----------------------- */
/** What the guest printed: to stdout as "guest: <line>" lines, or the bench capture. */
void guest_console_write(const char *text, size_t len);
bool guest_console_benching(void);
/** vm_time_ms of a bench run counts from 0 again (hal.c). */
void hal_bench_clock_reset(void);

#ifdef __cplusplus
}
#endif

#endif /* VMFLEET_HAL_H */
