/*
 * The three fields of WAMR 2.1.1's internal structures the engine needs and its public
 * API does not offer: the linear memory's data size (to cap it at the board's memory,
 * docs/guest-abi.md), the memory's base (for the checked syscall view), and the exec
 * env's suspend flags (to stop a guest from a timer, see wamr.c).
 *
 * WAMR keeps these prefixes fixed because AOT-compiled code addresses them by offset
 * (core/iwasm/common/wasm_exec_env.h: "don't change the places of them";
 * interpreter/wasm_runtime.h: DefPointer keeps 32- and 64-bit layouts alike). The
 * mirrors below copy them with AOT disabled, and wamr_layout_check() verifies them
 * against the public API at every load, so a different WAMR refuses images instead of
 * writing into the wrong field.
 */
#ifndef VMFLEET_WAMR_LAYOUT_H
#define VMFLEET_WAMR_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "wasm_export.h"

#define WAMR_MODULE_BYTECODE 0      /* Wasm_Module_Bytecode */
#define WAMR_SUSPEND_TERMINATE 0x1u /* WASM_SUSPEND_FLAG_TERMINATE */

typedef struct { /* WASMMemoryInstance (interpreter/wasm_runtime.h) */
    uint32_t module_type;
    uint8_t is_shared_memory;
    uint8_t is_memory64;
    uint16_t ref_count;
    uint8_t paddings[4];
    uint32_t num_bytes_per_page;
    uint32_t cur_page_count;
    uint32_t max_page_count;
    uint64_t memory_data_size;
    union { uint8_t *memory_data; uint64_t padding; } data;
} wamr_memory_head_t;

typedef struct { /* WASMModuleInstance */
    uint32_t module_type;
    uint32_t memory_count;
    union { wamr_memory_head_t **memories; uint64_t padding; } mem;
} wamr_inst_head_t;

typedef struct { /* WASMExecEnv with WASM_ENABLE_AOT == 0 */
    void *next;
    void *cur_frame;
    wasm_module_inst_t module_inst;
    uint8_t *native_stack_boundary;
    union { uint32_t flags; uintptr_t padding; } suspend_flags;
} wamr_exec_env_head_t;

static inline wamr_memory_head_t *wamr_memory_of(wasm_module_inst_t inst)
{
    wamr_inst_head_t *head = (wamr_inst_head_t *)(void *)inst;
    return head->memory_count == 1 ? head->mem.memories[0] : NULL;
}

/* True when the mirrors match what the public API says about this instance. */
static inline bool wamr_layout_check(wasm_module_inst_t inst, wasm_exec_env_t env)
{
    wamr_inst_head_t *head = (wamr_inst_head_t *)(void *)inst;
    wamr_exec_env_head_t *e = (wamr_exec_env_head_t *)(void *)env;
    if (head->module_type != WAMR_MODULE_BYTECODE || e->module_inst != inst
        || wasm_runtime_get_module_inst(env) != inst) {
        return false;
    }
    if (head->memory_count == 0) {
        return true;
    }
    /* WAMR's loader shrinks the memory of a module that exports __heap_base and
     * __data_end and has no memory.grow to one "page" of __heap_base bytes (the SDK's
     * programs without malloc), and the instance rounds that up (to 1 KiB): a valid
     * layout too, whose data size is what WAMR's bounds checks allow. */
    wamr_memory_head_t *m = wamr_memory_of(inst);
    if (m == NULL || m->module_type != WAMR_MODULE_BYTECODE || m->is_memory64
        || m->data.memory_data != wasm_runtime_addr_app_to_native(inst, 0)) {
        return false;
    }
    if (m->num_bytes_per_page == 65536) {
        return m->memory_data_size == (uint64_t)m->cur_page_count * 65536;
    }
    return m->cur_page_count == 1 && m->max_page_count == 1
           && m->num_bytes_per_page < 65536 && m->memory_data_size >= m->num_bytes_per_page
           && m->memory_data_size <= 65536;
}

/* Async-signal/ISR safe: the interpreter polls the flag at every branch and call. */
static inline void wamr_request_stop(wasm_exec_env_t env)
{
    wamr_exec_env_head_t *e = (wamr_exec_env_head_t *)(void *)env;
    __atomic_fetch_or(&e->suspend_flags.flags, WAMR_SUSPEND_TERMINATE, __ATOMIC_SEQ_CST);
}

#endif /* VMFLEET_WAMR_LAYOUT_H */
