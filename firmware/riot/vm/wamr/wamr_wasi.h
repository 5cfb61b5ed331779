/*
 * WASI preview 1 imports on the guest ABI (wamr_wasi.c; devices/engines/wasm/wasi.ts).
 */
#ifndef VMFLEET_WAMR_WASI_H
#define VMFLEET_WAMR_WASI_H

#include <stdbool.h>

#include "wasm_export.h"

#define WAMR_WASI_MODULE "wasi_snapshot_preview1"

typedef struct {
    const char *name;
    const char *signature; /* WAMR's: "(iIi)i" = (i32, i64, i32) -> i32 */
    void *func;
} wamr_wasi_function_t;

extern const wamr_wasi_function_t wamr_wasi_functions[];
extern const unsigned wamr_wasi_count;

/* Registers the functions as natives of module WAMR_WASI_MODULE. */
bool wamr_wasi_register(void);
/* The provided function of that name, or NULL. */
const wamr_wasi_function_t *wamr_wasi_find(const char *name);
/* True when the import's type is the function's. */
bool wamr_wasi_has_type(wasm_func_type_t type, const wamr_wasi_function_t *fn);

#endif /* VMFLEET_WAMR_WASI_H */
