/*
 * WAMR's error and exception texts as the stable codes of docs/guest-abi.md and
 * devices/engines/engine.ts (wamr_faults.c).
 */
#ifndef VMFLEET_WAMR_FAULTS_H
#define VMFLEET_WAMR_FAULTS_H

#include <stddef.h>

#include "vm.h"

/* A load or instantiate error of WAMR as "<code>: wasm: <WAMR's text>" in err. */
void wamr_load_error(const char *wamr_err, char *err, size_t err_len);

/* A trap (wasm_runtime_get_exception) as a fault. */
void wamr_trap_fault(const char *exception, vm_fault_t *fault);

#endif /* VMFLEET_WAMR_FAULTS_H */
