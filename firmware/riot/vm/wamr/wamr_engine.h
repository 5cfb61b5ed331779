/*
 * What wamr.c (the engine) and wamr_natives.c (the vmfleet imports) share: the running
 * instance, the memory cap, and how an import reports that the program ended (vm_exit)
 * or faulted (a syscall the host refused) while WAMR is still on the stack.
 */
#ifndef VMFLEET_WAMR_ENGINE_H
#define VMFLEET_WAMR_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm.h"
#include "wasm_export.h"

/* The exception an import raises to unwind WAMR; the engine recognises its own flags, not
 * the text, which only shows up in WAMR's logs. */
#define WAMR_STOP_EXCEPTION "vmfleet: stop"

typedef struct {
    wasm_module_inst_t inst;
    wasm_exec_env_t env;
    bool exit_pending;        /* vm_exit ran: exit_code is the program's */
    int32_t exit_code;
    bool fault_pending;       /* an import faulted: fault is filled */
    vm_fault_t fault;
    bool view_missed;         /* the syscall's memory view refused an address */
    uint32_t view_miss_addr;
} wamr_call_t;

extern wamr_call_t wamr_call;

/* Registers the vmfleet imports with WAMR (once, after wasm_runtime_full_init). */
bool wamr_natives_register(void);

/* 0 when every import is a vmfleet function of docs/guest-abi.md with its type; else -1
 * with "unknown_import: ..." or "import_signature: ..." in err. */
int wamr_check_imports(wasm_module_t module, char *err, size_t err_len);

/* Accessible linear memory: [0, wamr_memory_cap()) at wamr_memory_base(). */
uint32_t wamr_memory_cap(void);
uint8_t *wamr_memory_base(void);

/* The budget clock stops while the host serves a syscall (it may sleep), see wamr.c. */
void wamr_budget_pause(void);
void wamr_budget_resume(void);

#endif /* VMFLEET_WAMR_ENGINE_H */
