/*
 * spin (hostile app): never returns and never yields. The device must stop it when its
 * instruction budget runs out and report budget_exhausted; nothing else may stall.
 */
#include <stdint.h>
#include "vmfleet.h"

int main(void) {
  vm_print("spin: looping forever\n");
  volatile uint32_t n = 0;
  for (;;) n++;
}
