/*
 * The WASI (preview 1) functions a C program linked with wasi-libc imports, as WAMR
 * natives on the guest ABI: the same mapping as devices/engines/wasm/wasi.ts
 * (docs/guest-abi.md, "WASI imports"). stdout/stderr go to the console as vm_print calls,
 * stdin is empty, there are no arguments or environment, every clock is vm_time_ms in
 * nanoseconds, proc_exit is vm_exit, sched_yield is vm_yield. Other descriptors answer
 * EBADF; a pointer outside the capped memory faults bad_address. WAMR's own libc-wasi is
 * off (config-wasm.cmake): it would give the guest a file system.
 */
#include <stdio.h>
#include <string.h>

#include "wamr_engine.h"
#include "wamr_wasi.h"

#define WASI_ESUCCESS 0
#define WASI_EBADF 8
#define WASI_EINVAL 28
#define WASI_ESPIPE 70
#define WASI_FILETYPE_CHARACTER_DEVICE 2
#define WASI_RIGHT_FD_READ (1u << 1)
#define WASI_RIGHT_FD_WRITE (1u << 6)
#define PRINT_MAX 1024

/* vm_print's string: the host reads it from this buffer, not from linear memory. */
static struct {
    uint8_t bytes[PRINT_MAX + 1];
} scratch;

static bool scratch_read(void *ctx, uint32_t addr, void *dst, uint32_t len)
{
    (void)ctx;
    if ((uint64_t)addr + len > sizeof(scratch.bytes)) {
        return false;
    }
    memcpy(dst, &scratch.bytes[addr], len);
    return true;
}

static bool scratch_write(void *ctx, uint32_t addr, const void *src, uint32_t len)
{
    (void)ctx;
    (void)addr;
    (void)src;
    (void)len;
    return false;
}

static const vm_memory_view_t scratch_view = { NULL, scratch_read, scratch_write };

/* A pointer into the capped linear memory, or NULL after recording the miss. */
static uint8_t *guest(uint32_t addr, uint32_t len)
{
    if ((uint64_t)addr + len <= wamr_memory_cap()) {
        return wamr_memory_base() + addr;
    }
    wamr_call.view_missed = true;
    wamr_call.view_miss_addr = addr;
    return NULL;
}

static void stop_guest(wasm_exec_env_t env)
{
    wasm_runtime_set_exception(wasm_runtime_get_module_inst(env), WAMR_STOP_EXCEPTION);
}

static void fault(wasm_exec_env_t env, const char *call, const char *message)
{
    vm_fault_t *f = &wamr_call.fault;
    memset(f, 0, sizeof(*f));
    f->code = "bad_syscall";
    if (wamr_call.view_missed) {
        f->code = "bad_address";
        f->address = wamr_call.view_miss_addr;
        f->has_address = true;
    }
    snprintf(f->message, sizeof(f->message), "WASI %s: %s", call, message);
    wamr_call.fault_pending = true;
    stop_guest(env);
}

/* A host answer to a mapped syscall; false when the guest must stop (exit or fault). */
static bool host_call(wasm_exec_env_t env, const char *call, uint32_t nr, int32_t a0,
                      const vm_memory_view_t *view, int32_t *value)
{
    const int32_t args[4] = { a0 };
    wamr_budget_pause();
    vm_sys_result_t r = vm_host_syscall(nr, args, view);
    wamr_budget_resume();
    switch (r.kind) {
    case VM_SYS_VALUE:
    case VM_SYS_YIELD:
        if (value) {
            *value = r.value;
        }
        return true;
    case VM_SYS_EXIT:
        wamr_call.exit_pending = true;
        wamr_call.exit_code = r.value;
        stop_guest(env);
        return false;
    case VM_SYS_FAULT:
    default:
        fault(env, call, r.message ? r.message : "refused by the host");
        return false;
    }
}

static bool put_u32(wasm_exec_env_t env, const char *call, uint32_t addr, uint32_t v)
{
    uint8_t *p = guest(addr, 4);
    if (!p) {
        fault(env, call, "pointer outside linear memory");
        return false;
    }
    memcpy(p, &v, 4); /* wasm is little-endian, and so are RIOT's targets */
    return true;
}

static bool put_u64(wasm_exec_env_t env, const char *call, uint32_t addr, uint64_t v)
{
    uint8_t *p = guest(addr, 8);
    if (!p) {
        fault(env, call, "pointer outside linear memory");
        return false;
    }
    memcpy(p, &v, 8);
    return true;
}

/* Prints `len` bytes as vm_print strings of at most PRINT_MAX bytes, NULs left out. */
static bool print_bytes(wasm_exec_env_t env, const uint8_t *bytes, uint32_t len)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i <= len; i++) {
        if (i == len || n == PRINT_MAX) {
            if (n > 0) {
                scratch.bytes[n] = 0;
                if (!host_call(env, "fd_write", 2, 0, &scratch_view, NULL)) {
                    return false;
                }
                n = 0;
            }
            if (i == len) {
                break;
            }
        }
        if (bytes[i] != 0) {
            scratch.bytes[n++] = bytes[i];
        }
    }
    return true;
}

static int32_t fd_write(wasm_exec_env_t env, int32_t fd, int32_t iovs, int32_t count,
                        int32_t nwritten)
{
    wamr_call.view_missed = false;
    if (fd != 1 && fd != 2) {
        return WASI_EBADF;
    }
    uint32_t total = 0;
    for (uint32_t i = 0; i < (uint32_t)count; i++) {
        uint32_t iov[2];
        uint8_t *entry = guest((uint32_t)iovs + 8 * i, 8);
        if (!entry) {
            fault(env, "fd_write", "iovec outside linear memory");
            return 0;
        }
        memcpy(iov, entry, 8);
        uint8_t *buf = guest(iov[0], iov[1]);
        if (!buf) {
            fault(env, "fd_write", "buffer outside linear memory");
            return 0;
        }
        /* A UTF-8 sequence split across two prints stays intact: the host prints bytes. */
        if (!print_bytes(env, buf, iov[1])) {
            return 0;
        }
        total += iov[1];
    }
    return put_u32(env, "fd_write", (uint32_t)nwritten, total) ? WASI_ESUCCESS : 0;
}

static int32_t fd_fdstat_get(wasm_exec_env_t env, int32_t fd, int32_t at)
{
    wamr_call.view_missed = false;
    if ((uint32_t)fd > 2) {
        return WASI_EBADF;
    }
    /* A character device without seek/tell rights: wasi-libc's isatty() holds, so stdout
     * is line buffered. */
    uint8_t *p = guest((uint32_t)at, 24);
    if (!p) {
        fault(env, "fd_fdstat_get", "pointer outside linear memory");
        return 0;
    }
    memset(p, 0, 24);
    p[0] = WASI_FILETYPE_CHARACTER_DEVICE;
    uint64_t rights = fd == 0 ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE;
    memcpy(p + 8, &rights, 8);
    return WASI_ESUCCESS;
}

static int32_t fd_read(wasm_exec_env_t env, int32_t fd, int32_t iovs, int32_t count,
                       int32_t nread)
{
    (void)iovs;
    (void)count;
    wamr_call.view_missed = false;
    if (fd != 0) {
        return WASI_EBADF;
    }
    return put_u32(env, "fd_read", (uint32_t)nread, 0) ? WASI_ESUCCESS : 0; /* end of file */
}

static int32_t fd_seek(wasm_exec_env_t env, int32_t fd, int64_t offset, int32_t whence,
                       int32_t at)
{
    (void)env;
    (void)offset;
    (void)whence;
    (void)at;
    return (uint32_t)fd <= 2 ? WASI_ESPIPE : WASI_EBADF;
}

static int32_t fd_close(wasm_exec_env_t env, int32_t fd)
{
    (void)env;
    return (uint32_t)fd <= 2 ? WASI_ESUCCESS : WASI_EBADF;
}

static int32_t sizes_get(wasm_exec_env_t env, int32_t count_at, int32_t bytes_at)
{
    wamr_call.view_missed = false;
    bool ok = put_u32(env, "args_sizes_get", (uint32_t)count_at, 0) &&
              put_u32(env, "args_sizes_get", (uint32_t)bytes_at, 0);
    return ok ? WASI_ESUCCESS : 0;
}

static int32_t vectors_get(wasm_exec_env_t env, int32_t vector, int32_t buffer)
{
    (void)env;
    (void)vector;
    (void)buffer;
    return WASI_ESUCCESS; /* nothing to copy: no arguments, no environment */
}

static int32_t clock_res_get(wasm_exec_env_t env, int32_t id, int32_t at)
{
    wamr_call.view_missed = false;
    if ((uint32_t)id > 3) {
        return WASI_EINVAL;
    }
    return put_u64(env, "clock_res_get", (uint32_t)at, 1000000u) ? WASI_ESUCCESS : 0;
}

static int32_t clock_time_get(wasm_exec_env_t env, int32_t id, int64_t precision, int32_t at)
{
    (void)precision;
    wamr_call.view_missed = false;
    if ((uint32_t)id > 3) {
        return WASI_EINVAL;
    }
    int32_t ms = 0;
    if (!host_call(env, "clock_time_get", 4, 0, &scratch_view, &ms)) {
        return 0;
    }
    uint64_t ns = (uint64_t)(uint32_t)ms * 1000000u;
    return put_u64(env, "clock_time_get", (uint32_t)at, ns) ? WASI_ESUCCESS : 0;
}

static void proc_exit(wasm_exec_env_t env, int32_t code)
{
    wamr_call.view_missed = false;
    (void)host_call(env, "proc_exit", 1, code, &scratch_view, NULL);
    if (!wamr_call.exit_pending && !wamr_call.fault_pending) {
        /* proc_exit does not return: the program ends with its code whatever the host says. */
        wamr_call.exit_pending = true;
        wamr_call.exit_code = code;
        stop_guest(env);
    }
}

static int32_t sched_yield(wasm_exec_env_t env)
{
    wamr_call.view_missed = false;
    (void)host_call(env, "sched_yield", 6, 0, &scratch_view, NULL);
    return WASI_ESUCCESS;
}

/* Name, WAMR signature, and the same as wasm types for the import check: abi.ts' list. */
const wamr_wasi_function_t wamr_wasi_functions[] = {
    { "args_get", "(ii)i", (void *)vectors_get },
    { "args_sizes_get", "(ii)i", (void *)sizes_get },
    { "environ_get", "(ii)i", (void *)vectors_get },
    { "environ_sizes_get", "(ii)i", (void *)sizes_get },
    { "clock_res_get", "(ii)i", (void *)clock_res_get },
    { "clock_time_get", "(iIi)i", (void *)clock_time_get },
    { "fd_close", "(i)i", (void *)fd_close },
    { "fd_fdstat_get", "(ii)i", (void *)fd_fdstat_get },
    { "fd_read", "(iiii)i", (void *)fd_read },
    { "fd_seek", "(iIii)i", (void *)fd_seek },
    { "fd_write", "(iiii)i", (void *)fd_write },
    { "proc_exit", "(i)", (void *)proc_exit },
    { "sched_yield", "()i", (void *)sched_yield },
};
const unsigned wamr_wasi_count = sizeof(wamr_wasi_functions) / sizeof(wamr_wasi_functions[0]);

static NativeSymbol wasi_symbols[sizeof(wamr_wasi_functions) / sizeof(wamr_wasi_functions[0])];

bool wamr_wasi_register(void)
{
    for (unsigned i = 0; i < wamr_wasi_count; i++) {
        wasi_symbols[i] = (NativeSymbol){
            .symbol = wamr_wasi_functions[i].name,
            .func_ptr = wamr_wasi_functions[i].func,
            .signature = wamr_wasi_functions[i].signature,
            .attachment = NULL,
        };
    }
    return wasm_runtime_register_natives(WAMR_WASI_MODULE, wasi_symbols, wamr_wasi_count);
}

const wamr_wasi_function_t *wamr_wasi_find(const char *name)
{
    for (unsigned i = 0; i < wamr_wasi_count; i++) {
        if (strcmp(wamr_wasi_functions[i].name, name) == 0) {
            return &wamr_wasi_functions[i];
        }
    }
    return NULL;
}

/* The import's wasm type against the signature string: 'i' i32, 'I' i64. */
bool wamr_wasi_has_type(wasm_func_type_t type, const wamr_wasi_function_t *fn)
{
    const char *sig = fn->signature + 1; /* after '(' */
    uint32_t params = wasm_func_type_get_param_count(type);
    for (uint32_t i = 0; i < params; i++, sig++) {
        wasm_valkind_t kind = wasm_func_type_get_param_valkind(type, i);
        if (!((*sig == 'i' && kind == WASM_I32) || (*sig == 'I' && kind == WASM_I64))) {
            return false;
        }
    }
    if (*sig != ')') {
        return false;
    }
    bool returns = sig[1] == 'i';
    uint32_t results = wasm_func_type_get_result_count(type);
    if (results != (returns ? 1u : 0u)) {
        return false;
    }
    return !returns || wasm_func_type_get_result_valkind(type, 0) == WASM_I32;
}
