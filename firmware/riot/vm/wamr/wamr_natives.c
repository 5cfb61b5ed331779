/*
 * The module "vmfleet" imports of docs/guest-abi.md as WAMR native symbols: each one
 * hands its i32 arguments to vm_host_syscall() with a memory view checked against the
 * capped linear memory, and turns the host's answer into a result, an exit or a fault.
 */
#include <stdio.h>
#include <string.h>

#include "wamr_engine.h"
#include "wamr_wasi.h"

typedef struct {
    const char *name;
    uint8_t nr;     /* syscall number */
    uint8_t params; /* i32 parameters; every import but vm_exit returns an i32 */
} vmfleet_import_t;

static const vmfleet_import_t imports[] = {
    { "vm_exit", 1, 1 },   { "vm_print", 2, 1 },    { "vm_print_int", 3, 1 },
    { "vm_time_ms", 4, 0 }, { "vm_sleep_ms", 5, 1 }, { "vm_yield", 6, 0 },
    { "hal_probe", 10, 1 }, { "hal_read", 11, 2 },   { "hal_write", 12, 3 },
    { "vm_publish", 20, 2 }, { "eh_on_raw", 30, 2 },  { "eh_on_condition", 31, 2 },
    { "eh_emit", 32, 2 },
};
#define IMPORT_COUNT (sizeof(imports) / sizeof(imports[0]))

static bool view_check(uint32_t addr, uint32_t len)
{
    if ((uint64_t)addr + len <= wamr_memory_cap()) {
        return true;
    }
    wamr_call.view_missed = true;
    wamr_call.view_miss_addr = addr;
    return false;
}

static bool view_read(void *ctx, uint32_t addr, void *dst, uint32_t len)
{
    (void)ctx;
    if (!view_check(addr, len)) {
        return false;
    }
    memcpy(dst, wamr_memory_base() + addr, len);
    return true;
}

static bool view_write(void *ctx, uint32_t addr, const void *src, uint32_t len)
{
    (void)ctx;
    if (!view_check(addr, len)) {
        return false;
    }
    memcpy(wamr_memory_base() + addr, src, len);
    return true;
}

static const vm_memory_view_t view = { .ctx = NULL, .read = view_read, .write = view_write };

/* Ends the guest's call stack: WAMR unwinds on an exception, the engine reads the flags. */
static void stop_guest(wasm_exec_env_t env)
{
    wasm_runtime_set_exception(wasm_runtime_get_module_inst(env), WAMR_STOP_EXCEPTION);
}

static void fail(wasm_exec_env_t env, uint32_t nr, const char *message)
{
    vm_fault_t *f = &wamr_call.fault;
    memset(f, 0, sizeof(*f));
    f->code = "bad_syscall";
    if (wamr_call.view_missed) {
        f->code = "bad_address";
        f->address = wamr_call.view_miss_addr;
        f->has_address = true;
    }
    snprintf(f->message, sizeof(f->message), "syscall %u: %s", (unsigned)nr,
             message ? message : "refused by the host");
    wamr_call.fault_pending = true;
    stop_guest(env);
}

/* A VM_SYS_YIELD (vm_sleep_ms, vm_yield) cannot leave WAMR, which cannot pause: the host
 * has already slept in the call (or yields nothing), so the guest just continues. */
static int32_t serve(wasm_exec_env_t env, const int32_t args[4])
{
    uint32_t nr = (uint32_t)(uintptr_t)wasm_runtime_get_function_attachment(env);
    wamr_call.view_missed = false;
    wamr_budget_pause();
    vm_sys_result_t r = vm_host_syscall(nr, args, &view);
    wamr_budget_resume();
    switch (r.kind) {
    case VM_SYS_VALUE:
    case VM_SYS_YIELD:
        return r.value;
    case VM_SYS_EXIT:
        wamr_call.exit_pending = true;
        wamr_call.exit_code = r.value;
        stop_guest(env);
        return 0;
    case VM_SYS_FAULT:
    default:
        fail(env, nr, r.message);
        return 0;
    }
}

static int32_t call0(wasm_exec_env_t env)
{
    const int32_t a[4] = { 0 };
    return serve(env, a);
}

static int32_t call1(wasm_exec_env_t env, int32_t a0)
{
    const int32_t a[4] = { a0 };
    return serve(env, a);
}

static int32_t call2(wasm_exec_env_t env, int32_t a0, int32_t a1)
{
    const int32_t a[4] = { a0, a1 };
    return serve(env, a);
}

static int32_t call3(wasm_exec_env_t env, int32_t a0, int32_t a1, int32_t a2)
{
    const int32_t a[4] = { a0, a1, a2 };
    return serve(env, a);
}

static void exit1(wasm_exec_env_t env, int32_t code)
{
    (void)call1(env, code);
    if (!wamr_call.exit_pending && !wamr_call.fault_pending) {
        /* vm_exit does not return (vmfleet.h): a host that answers otherwise still ends
         * the program, with the code the guest passed. */
        wamr_call.exit_pending = true;
        wamr_call.exit_code = code;
        stop_guest(env);
    }
}

static NativeSymbol symbols[IMPORT_COUNT];

bool wamr_natives_register(void)
{
    static const char *const signatures[] = { "()i", "(i)i", "(ii)i", "(iii)i" };
    static void *const functions[] = { (void *)call0, (void *)call1, (void *)call2,
                                       (void *)call3 };
    for (unsigned i = 0; i < IMPORT_COUNT; i++) {
        const vmfleet_import_t *im = &imports[i];
        bool is_exit = im->nr == 1;
        symbols[i] = (NativeSymbol){
            .symbol = im->name,
            .func_ptr = is_exit ? (void *)exit1 : functions[im->params],
            .signature = is_exit ? "(i)" : signatures[im->params],
            .attachment = (void *)(uintptr_t)im->nr,
        };
    }
    return wasm_runtime_register_natives("vmfleet", symbols, IMPORT_COUNT) &&
           wamr_wasi_register();
}

static const vmfleet_import_t *find_import(const char *name)
{
    for (unsigned i = 0; i < IMPORT_COUNT; i++) {
        if (strcmp(imports[i].name, name) == 0) {
            return &imports[i];
        }
    }
    return NULL;
}

static bool has_abi_type(wasm_func_type_t type, const vmfleet_import_t *im)
{
    uint32_t params = wasm_func_type_get_param_count(type);
    uint32_t results = wasm_func_type_get_result_count(type);
    if (params != im->params || results != (im->nr == 1 ? 0u : 1u)) {
        return false;
    }
    for (uint32_t i = 0; i < params; i++) {
        if (wasm_func_type_get_param_valkind(type, i) != WASM_I32) {
            return false;
        }
    }
    return results == 0 || wasm_func_type_get_result_valkind(type, 0) == WASM_I32;
}

int wamr_check_imports(wasm_module_t module, char *err, size_t err_len)
{
    int32_t count = wasm_runtime_get_import_count(module);
    for (int32_t i = 0; i < count; i++) {
        wasm_import_t im;
        wasm_runtime_get_import_type(module, i, &im);
        const vmfleet_import_t *known = NULL;
        bool is_func = im.kind == WASM_IMPORT_EXPORT_KIND_FUNC;
        if (is_func && strcmp(im.module_name, WAMR_WASI_MODULE) == 0) {
            const wamr_wasi_function_t *wasi = wamr_wasi_find(im.name);
            if (wasi == NULL) {
                snprintf(err, err_len, "unknown_import: %s.%s is a WASI function vmfleet "
                         "does not provide (stdout/stderr, exit, clocks only)",
                         im.module_name, im.name);
                return -1;
            }
            if (!wamr_wasi_has_type(im.u.func_type, wasi) || !im.linked) {
                snprintf(err, err_len, "import_signature: %s.%s must be %s", im.module_name,
                         im.name, wasi->signature);
                return -1;
            }
            continue;
        }
        if (is_func && strcmp(im.module_name, "vmfleet") == 0) {
            known = find_import(im.name);
        }
        if (known == NULL) {
            snprintf(err, err_len, "unknown_import: %s.%s is not a vmfleet function of the "
                     "guest ABI", im.module_name, im.name);
            return -1;
        }
        if (!has_abi_type(im.u.func_type, known) || !im.linked) {
            snprintf(err, err_len, "import_signature: vmfleet.%s must be [i32 x %u] -> %s",
                     im.name, known->params, known->nr == 1 ? "[]" : "[i32]");
            return -1;
        }
    }
    return 0;
}
