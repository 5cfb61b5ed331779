/*
 * OTA updates of the RIOT device (docs/protocol.md §10.1): see ota.c.
 */
#ifndef VMFLEET_OTA_H
#define VMFLEET_OTA_H

#include <stdbool.h>

#include "runner.h"

/** Advances a transfer by one block, or checks the health window; agent thread. */
void ota_poll(void);
/** A transfer is under way: the agent loop should not wait between blocks. */
bool ota_busy(void);
/** The VM thread saw a state change (a fault or an exit inside a health window). */
void ota_on_vm_state(program_state_t state, const run_end_t *end);

#endif /* VMFLEET_OTA_H */
