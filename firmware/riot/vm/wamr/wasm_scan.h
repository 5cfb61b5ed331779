/*
 * What the WAMR engine needs to know about a module that WAMR's API does not tell: the
 * static layout (data segments, the initial stack pointer) for the memory cap of
 * docs/guest-abi.md, and what each table slot holds, so invoke() can refuse an address
 * that is not a handler before run() would trap on it.
 *
 * The scan runs after WAMR has loaded (and so validated) a copy of the same bytes; it
 * still checks every read against the image, and gives up (returns false) on anything it
 * does not expect rather than guessing.
 */
#ifndef VMFLEET_WASM_SCAN_H
#define VMFLEET_WASM_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Table slots remembered for invoke(); the SDK's programs use a handful. */
#define WASM_SCAN_TABLE_SLOTS 32
#define WASM_SCAN_NO_FUNC 0xFFFFFFFFu

typedef struct {
    uint32_t init_pages;      /* the memory's declared initial pages (0: no memory) */
    uint32_t data_start;      /* lowest data segment offset (0 without data) */
    uint32_t data_end;        /* end of the highest data segment */
    bool has_stack_pointer;   /* global 0 is a mutable i32 (wasm-ld's __stack_pointer) */
    uint32_t stack_top;       /* its initial value */
    uint32_t table_size;      /* table 0's initial size (0: no table) */
    /* per slot < WASM_SCAN_TABLE_SLOTS: the parameter count (0..4) of the function
     * there, or -1: an empty slot, an import, or a type other than [i32 x n] -> [] / [i32] */
    int8_t handler_params[WASM_SCAN_TABLE_SLOTS];
    uint32_t handler_returns; /* bit n: the function in slot n returns an i32 */
} wasm_layout_t;

/* Scans a module WAMR has accepted; false if the bytes are not what it expects. */
bool wasm_scan(const uint8_t *image, size_t len, wasm_layout_t *out);

/* Bytes the program needs before it runs: max(data end, initial stack pointer). */
static inline uint32_t wasm_static_end(const wasm_layout_t *l)
{
    uint32_t sp = l->has_stack_pointer ? l->stack_top : 0;
    return l->data_end > sp ? l->data_end : sp;
}

/* The bytes of linear memory [0, cap) at mem the program touched (engine.ts memory()). */
uint32_t wasm_peak_bytes(const wasm_layout_t *l, const uint8_t *mem, uint32_t cap);

#endif /* VMFLEET_WASM_SCAN_H */
