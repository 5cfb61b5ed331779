/*
 * The host functions behind the prelude's `sys` table: the C form of GuestCalls
 * (devices/engines/script/guest-calls.ts) with the names of abi-names.ts. Each one is one
 * vm_host_syscall with the ABI's number; strings and the condition struct go through a
 * small scratch buffer that is the guest memory the host reads (scratch-memory.ts), so
 * agent/hal.c serves a Lua program exactly as it serves a native one.
 */
#include <stdio.h>
#include <string.h>

#include "lauxlib.h"
#include "lua_engine.h"

enum {
    NR_EXIT = 1, NR_PRINT = 2, NR_TIME_MS = 4, NR_SLEEP_MS = 5, NR_HAL_PROBE = 10,
    NR_HAL_READ = 11, NR_HAL_WRITE = 12, NR_PUBLISH = 20, NR_ON_RAW = 30,
    NR_ON_CONDITION = 31, NR_EMIT = 32,
};

/* The ABI caps one vm_print at 1024 bytes; guest-calls.ts prints in pieces of 256. */
#define PRINT_CHUNK_BYTES 256
#define SCRATCH_BYTES 320

lx_calls_t lx_calls;

/* ---- the scratch buffer: the guest memory of a script ---------------------------------- */

static struct {
    uint8_t bytes[SCRATCH_BYTES];
    uint32_t used;
} scratch;

static bool scratch_read(void *ctx, uint32_t addr, void *dst, uint32_t len)
{
    (void)ctx;
    if ((uint64_t)addr + len > SCRATCH_BYTES) {
        return false;
    }
    memcpy(dst, &scratch.bytes[addr], len);
    return true;
}

static bool scratch_write(void *ctx, uint32_t addr, const void *src, uint32_t len)
{
    (void)ctx;
    if ((uint64_t)addr + len > SCRATCH_BYTES) {
        return false;
    }
    memcpy(&scratch.bytes[addr], src, len);
    return true;
}

static const vm_memory_view_t scratch_view = { NULL, scratch_read, scratch_write };

static uint32_t scratch_reserve(lua_State *L, uint32_t len)
{
    if (scratch.used + len > SCRATCH_BYTES) {
        return (uint32_t)lx_api_error(L, "syscall arguments need more than %d bytes",
                                    SCRATCH_BYTES);
    }
    uint32_t addr = scratch.used;
    scratch.used += len;
    return addr;
}

static int32_t scratch_string(lua_State *L, const char *s, size_t len)
{
    uint32_t addr = scratch_reserve(L, (uint32_t)len + 1);
    memcpy(&scratch.bytes[addr], s, len);
    scratch.bytes[addr + len] = 0;
    return (int32_t)addr;
}

/* ---- the calls ------------------------------------------------------------------------- */

int lx_sys_stop(lua_State *L, lx_stop_kind_t kind, int32_t code, const char *fault_code,
                const char *message)
{
    lx_calls.stop = kind;
    lx_calls.exit_code = code;
    lx_calls.fault_code = fault_code;
    if (message != lx_calls.message) {
        snprintf(lx_calls.message, sizeof(lx_calls.message), "%s", message ? message : "");
    }
    if (kind == LX_STOP_EXIT) {
        lua_pushfstring(L, "exit(%d)", (int)code);
    } else {
        lua_pushstring(L, lx_calls.message);
    }
    return lua_error(L);
}

/* One syscall; the scratch buffer holds what the arguments point at. */
static int32_t call(lua_State *L, uint32_t nr, int32_t a0, int32_t a1, int32_t a2)
{
    if (lx_calls.stop != LX_STOP_NONE) { /* the script caught the stop: no more calls */
        return lx_sys_stop(L, lx_calls.stop, lx_calls.exit_code, lx_calls.fault_code,
                           lx_calls.message);
    }
    const int32_t args[4] = { a0, a1, a2, 0 };
    vm_sys_result_t r = vm_host_syscall(nr, args, &scratch_view);
    switch (r.kind) {
    case VM_SYS_VALUE:
        return r.value;
    case VM_SYS_YIELD:
        lx_calls.sleep_pending = true;
        lx_calls.sleep_ms = r.sleep_ms;
        return r.value;
    case VM_SYS_EXIT:
        return lx_sys_stop(L, LX_STOP_EXIT, r.value, NULL, NULL);
    case VM_SYS_FAULT:
    default:
        return lx_sys_stop(L, LX_STOP_FAULT, 0, "bad_syscall",
                           r.message ? r.message : "the device refused the call");
    }
}

/* Pieces of at most PRINT_CHUNK_BYTES, never splitting a UTF-8 sequence. */
static int sys_print(lua_State *L)
{
    size_t len;
    const char *text = luaL_tolstring(L, 1, &len);
    for (size_t at = 0; at < len;) {
        size_t n = len - at > PRINT_CHUNK_BYTES ? PRINT_CHUNK_BYTES : len - at;
        while (n > 1 && at + n < len && ((unsigned char)text[at + n] & 0xc0) == 0x80) {
            n--;
        }
        scratch.used = 0;
        call(L, NR_PRINT, scratch_string(L, text + at, n), 0, 0);
        at += n;
    }
    return 0;
}

static int sys_publish(lua_State *L)
{
    if (lua_type(L, 1) != LUA_TSTRING) {
        return lx_api_error(L, "publish(name, value): name must be a string");
    }
    size_t len;
    const char *name = lua_tolstring(L, 1, &len);
    int32_t value = lx_int32(L, 2, "publish value");
    scratch.used = 0;
    call(L, NR_PUBLISH, scratch_string(L, name, len), value, 0);
    return 0;
}

static int sys_time_ms(lua_State *L)
{
    lua_pushinteger(L, call(L, NR_TIME_MS, 0, 0, 0));
    return 1;
}

static int sys_sleep_ms(lua_State *L)
{
    int32_t ms = lx_int32(L, 1, "sleep_ms(ms)");
    call(L, NR_SLEEP_MS, ms > 0 ? ms : 0, 0, 0);
    return 0;
}

static int sys_exit(lua_State *L)
{
    int32_t code = lua_isnoneornil(L, 1) ? 0 : lx_int32(L, 1, "exit(code)");
    call(L, NR_EXIT, code, 0, 0);
    return lx_sys_stop(L, LX_STOP_EXIT, code, NULL, NULL); /* a host that did not stop it */
}

static int sys_hal_probe(lua_State *L)
{
    int32_t type = lx_abi_number(L, 1, lx_sensors, "sensor");
    lua_pushinteger(L, call(L, NR_HAL_PROBE, type, 0, 0));
    return 1;
}

static int sys_hal_read(lua_State *L)
{
    int32_t type = lx_abi_number(L, 1, lx_sensors, "sensor");
    int32_t index = lua_isnoneornil(L, 2) ? 0 : lx_int32(L, 2, "sensor index");
    lua_pushinteger(L, call(L, NR_HAL_READ, type, index, 0));
    return 1;
}

static int sys_hal_write(lua_State *L)
{
    int32_t type = lx_abi_number(L, 1, lx_actuators, "actuator");
    int32_t index = lx_int32(L, 2, "index");
    int32_t value = lx_int32(L, 3, "value");
    lua_pushinteger(L, call(L, NR_HAL_WRITE, type, index, value));
    return 1;
}

/* events.on(event, fn): the prelude passes the handler's index, the "address". */
static int sys_on(lua_State *L)
{
    int32_t id = lx_abi_number(L, 1, lx_raw_events, "event");
    int32_t handler = (int32_t)luaL_checkinteger(L, 2);
    lua_pushboolean(L, call(L, NR_ON_RAW, id, handler, 0) == 0);
    return 1;
}

static int sys_on_condition(lua_State *L)
{
    int32_t words[5]; /* in order, so the first bad argument is the one reported */
    words[0] = lx_abi_number(L, 1, lx_sensors, "sensor");
    words[1] = lx_int32(L, 2, "sensor index");
    words[2] = lx_abi_number(L, 3, lx_condition_ops, "condition op");
    words[3] = lx_int32(L, 4, "threshold");
    words[4] = lx_int32(L, 5, "period_ms");
    int32_t handler = (int32_t)luaL_checkinteger(L, 6);
    scratch.used = 0;
    uint32_t addr = scratch_reserve(L, sizeof(words));
    for (unsigned i = 0; i < 5; i++) { /* little-endian, as the ABI's struct */
        for (unsigned b = 0; b < 4; b++) {
            scratch.bytes[addr + 4 * i + b] = (uint8_t)((uint32_t)words[i] >> (8 * b));
        }
    }
    lua_pushboolean(L, call(L, NR_ON_CONDITION, (int32_t)addr, handler, 0) == 0);
    return 1;
}

static int sys_emit(lua_State *L)
{
    int32_t id = lx_int32(L, 1, "event id");
    int32_t value = lua_isnoneornil(L, 2) ? 0 : lx_int32(L, 2, "event value");
    call(L, NR_EMIT, id, value, 0);
    return 0;
}

/* The names the prelude calls (hostFunctions in devices/engines/lua/lua-state.ts). */
static const luaL_Reg sys_functions[] = {
    { "print", sys_print }, { "publish", sys_publish }, { "time_ms", sys_time_ms },
    { "sleep_ms", sys_sleep_ms }, { "exit", sys_exit }, { "hal_probe", sys_hal_probe },
    { "hal_read", sys_hal_read }, { "hal_write", sys_hal_write }, { "on", sys_on },
    { "on_condition", sys_on_condition }, { "emit", sys_emit }, { NULL, NULL },
};

void lx_sys_push(lua_State *L)
{
    luaL_newlib(L, sys_functions);
}
