/*
 * blink (demo app): toggles LED 0 every 500 ms, BLINKS times, then exits.
 * LED values: 1 on, 0 off. Sleeping gives the CPU back to the device between toggles.
 */
#include <stdint.h>
#include "vmfleet.h"

#define BLINKS 10
#define PERIOD_MS 500
#define LED 0

int main(void) {
  int32_t on = 0;
  for (int32_t i = 0; i < BLINKS; i++) {
    on = !on;
    if (hal_write(HAL_ACTUATOR_LED, LED, on) != 0) {
      vm_print("blink: no LED 0\n");
      return 1;
    }
    vm_sleep_ms(PERIOD_MS);
  }
  vm_print("blink: ");
  vm_print_int(BLINKS);
  vm_print(" toggles\n");
  return 0;
}
