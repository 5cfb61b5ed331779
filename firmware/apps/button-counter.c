/*
 * button-counter (demo app): a raw event handler for button presses (event 1) counts
 * them, publishes the count, and every 5th press emits an event to the gateway.
 * main only registers and returns; the Event Handler then serves the presses.
 */
#include <stdint.h>
#include "vmfleet.h"

#define MILESTONE_EVERY 5
/* Id of the event emitted every MILESTONE_EVERY presses (the user range of the ABI). */
#define EVENT_MILESTONE EH_EVENT_USER_FIRST

static int32_t presses;

static void on_button(int32_t value) {
  (void)value;
  presses++;
  vm_publish("presses", presses);
  if (presses % MILESTONE_EVERY == 0) eh_emit(EVENT_MILESTONE, presses);
}

int main(void) {
  if (eh_on_raw(EH_EVENT_BUTTON, on_button) != 0) {
    vm_print("button-counter: event table full\n");
    return 1;
  }
  vm_print("button-counter: counting presses\n");
  return 0;
}
