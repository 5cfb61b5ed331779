/*
 * thermostat (demo app): a processed event (COISA) checks temperature sensor 0 every
 * second; while it reads above 25 degC the handler publishes the reading and toggles
 * GPIO 0, the fan, publishing its new state. main only registers and returns; the
 * Event Handler then keeps the VM alive and calls the handler.
 */
#include <stdint.h>
#include "vmfleet.h"

#define THRESHOLD_MILLI_C 25000
#define PERIOD_MS 1000
#define FAN_GPIO 0

/* The Event Handler reads this struct; static, so it outlives main. */
static const struct eh_condition too_warm = {
    .sensor_type = HAL_SENSOR_TEMPERATURE,
    .index = 0,
    .op = EH_OP_GT,
    .threshold = THRESHOLD_MILLI_C,
    .period_ms = PERIOD_MS,
};

static int32_t fan_on;

static void on_too_warm(int32_t milli_c) {
  vm_publish("temperature", milli_c);
  fan_on = !fan_on;
  hal_write(HAL_ACTUATOR_GPIO, FAN_GPIO, fan_on);
  vm_publish("fan", fan_on);
}

int main(void) {
  if (hal_probe(HAL_SENSOR_TEMPERATURE) < 1) {
    vm_print("thermostat: no temperature sensor\n");
    return 1;
  }
  if (eh_on_condition(&too_warm, on_too_warm) != 0) {
    vm_print("thermostat: event table full\n");
    return 1;
  }
  vm_print("thermostat: watching temperature > ");
  vm_print_int(THRESHOLD_MILLI_C);
  vm_print(" m-degC\n");
  return 0;
}
