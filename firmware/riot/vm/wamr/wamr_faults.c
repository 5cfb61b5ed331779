/*
 * Maps WAMR 2.1.1's texts to our codes. WAMR has no error numbers in its API, so this
 * matches the messages of core/iwasm/interpreter/wasm_loader.c and the exception table
 * of core/iwasm/common/wasm_runtime_common.c; anything unmatched keeps WAMR's text under
 * a generic code (malformed, guest_error), so nothing is lost.
 */
#include <stdio.h>
#include <string.h>

#include "wamr_faults.h"

typedef struct {
    const char *text; /* a substring of WAMR's message */
    const char *code;
} code_map_t;

static const code_map_t load_codes[] = {
    { "magic header not detected", "bad_magic" },
    { "unknown binary version", "unsupported_version" },
    { "type mismatch", "type_mismatch" },
    { "unknown type", "invalid_index" },
    { "unknown function", "invalid_index" },
    { "unknown global", "invalid_index" },
    { "unknown local", "invalid_index" },
    { "unknown label", "invalid_index" },
    { "unknown memory", "invalid_index" },
    { "unknown table", "invalid_index" },
    { "unsupported", "unsupported_feature" },
    { "invalid opcode", "unsupported_feature" },
    { "size minimum must not be greater than maximum", "bad_limits" },
    { "memory size must be at most", "bad_limits" },
    { "out of bounds memory access", "bad_segment" },
    { "out of bounds table access", "bad_segment" },
    { "data segment does not fit", "bad_segment" },
    { "elements segment does not fit", "bad_segment" },
    { "duplicate export name", "bad_export" },
    { "constant expression required", "bad_constant" },
    { "allocate memory failed", "too_large" },
    { "failed to link import", "unknown_import" },
};

static const code_map_t trap_codes[] = {
    { "unreachable", "unreachable" },
    { "out of bounds memory access", "bad_address" },
    { "integer divide by zero", "divide_by_zero" },
    { "integer overflow", "integer_overflow" },
    { "invalid conversion to integer", "invalid_conversion" },
    { "undefined element", "undefined_element" },
    { "uninitialized element", "undefined_element" },
    { "out of bounds table access", "undefined_element" },
    { "invalid function index", "undefined_element" },
    { "indirect call type mismatch", "indirect_call_mismatch" },
    { "operand stack overflow", "stack_exhausted" },
    { "native stack overflow", "stack_exhausted" },
    { "auxiliary stack overflow", "stack_exhausted" },
    { "auxiliary stack underflow", "stack_exhausted" },
    { "allocate memory failed", "out_of_memory" },
    { "unlinked import", "bad_syscall" },
};

static const char *lookup(const code_map_t *map, size_t n, const char *text, const char *other)
{
    for (size_t i = 0; i < n; i++) {
        if (strstr(text, map[i].text)) {
            return map[i].code;
        }
    }
    return other;
}

/* WAMR prefixes "WASM module load failed: " / "Exception: "; the rest is the reason. */
static const char *reason(const char *text, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(text, prefix, n) == 0 ? text + n : text;
}

void wamr_load_error(const char *wamr_err, char *err, size_t err_len)
{
    const char *why = reason(wamr_err, "WASM module load failed: ");
    why = reason(why, "WASM module instantiate failed: ");
    const char *code = lookup(load_codes, sizeof(load_codes) / sizeof(load_codes[0]), why,
                              "malformed");
    snprintf(err, err_len, "%s: wasm: %s", code, why);
}

void wamr_trap_fault(const char *exception, vm_fault_t *fault)
{
    const char *why = reason(exception ? exception : "unknown trap", "Exception: ");
    memset(fault, 0, sizeof(*fault));
    fault->code = lookup(trap_codes, sizeof(trap_codes) / sizeof(trap_codes[0]), why,
                         "guest_error");
    snprintf(fault->message, sizeof(fault->message), "wasm trap: %s", why);
}
