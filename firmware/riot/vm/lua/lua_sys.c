/*
 * The host functions behind the prelude's `sys` table: the C form of GuestCalls
 * (devices/engines/script/guest-calls.ts) with the names of abi-names.ts. Each one is one
 * vm_host_syscall with the ABI's number; strings and the condition struct go through a
 * small scratch buffer that is the guest memory the host reads (scratch-memory.ts), so
 * agent/hal.c serves a Lua program exactly as it serves a native one.
 */
#include <math.h>
#include <stdarg.h>
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

/* ---- names (abi-names.ts) -------------------------------------------------------------- */

typedef struct {
    const char *name;
    int32_t number;
} abi_name_t;

static const abi_name_t sensors[] = {
    { "temperature", 1 }, { "humidity", 2 }, { "light", 3 }, { "distance", 4 },
    { "button", 5 }, { "accelerometer", 6 }, { NULL, 0 },
};
static const abi_name_t actuators[] = { { "led", 1 }, { "gpio", 2 }, { NULL, 0 } };
static const abi_name_t raw_events[] = { { "button", 1 }, { NULL, 0 } };
static const abi_name_t condition_ops[] = {
    { "<", 0 }, { "<=", 1 }, { ">", 2 }, { ">=", 3 }, { NULL, 0 },
};

/* The error a bad argument raises: the message alone, as the TS engines' ScriptApiError
 * (luaL_error would add the prelude's line); the fault's pc is the guest's line. */
static int api_error(lua_State *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    return lua_error(L);
}

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
        return (uint32_t)api_error(L, "syscall arguments need more than %d bytes",
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

/* ---- arguments ------------------------------------------------------------------------- */

/* How JSON.stringify shows the value in the TS engines' messages, near enough. */
static const char *shown(lua_State *L, int idx)
{
    switch (lua_type(L, idx)) {
    case LUA_TSTRING: {
        luaL_Buffer b;
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        luaL_buffinit(L, &b);
        luaL_addchar(&b, '"');
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c == '"' || c == '\\') {
                luaL_addchar(&b, '\\');
            }
            if (c < 0x20) {
                char esc[8];
                snprintf(esc, sizeof(esc), "\\u%04x", c);
                luaL_addstring(&b, esc);
            } else {
                luaL_addchar(&b, (char)c);
            }
        }
        luaL_addchar(&b, '"');
        luaL_pushresult(&b);
        return lua_tostring(L, -1);
    }
    case LUA_TNUMBER:
        if (!isfinite(lua_tonumber(L, idx))) {
            return "null";
        }
        return luaL_tolstring(L, idx, NULL);
    case LUA_TBOOLEAN: return lua_toboolean(L, idx) ? "true" : "false";
    case LUA_TTABLE: return "{}";
    default: return "undefined";
    }
}

/* int32() of abi-names.ts: a number truncated toward zero to 32 bits, or a boolean. */
static int32_t int32_arg(lua_State *L, int idx, const char *what)
{
    if (lua_isinteger(L, idx)) {
        return (int32_t)(uint32_t)(lua_Unsigned)lua_tointeger(L, idx);
    }
    if (lua_type(L, idx) == LUA_TNUMBER && isfinite(lua_tonumber(L, idx))) {
        double t = fmod(trunc(lua_tonumber(L, idx)), 4294967296.0);
        return (int32_t)(uint32_t)(t < 0 ? t + 4294967296.0 : t);
    }
    if (lua_type(L, idx) == LUA_TBOOLEAN) {
        return lua_toboolean(L, idx) ? 1 : 0;
    }
    return (int32_t)api_error(L, "%s must be a number, not %s", what, shown(L, idx));
}

/* abiNumber() of abi-names.ts: an integral number as it is, or a name of the table. */
static int32_t abi_number(lua_State *L, int idx, const abi_name_t *table, const char *what)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        lua_Number n = lua_tonumber(L, idx);
        if (lua_isinteger(L, idx) || (isfinite(n) && n == floor(n))) {
            return int32_arg(L, idx, what);
        }
    }
    if (lua_type(L, idx) == LUA_TSTRING) {
        const char *name = lua_tostring(L, idx);
        for (const abi_name_t *e = table; e->name; e++) {
            if (strcmp(e->name, name) == 0) {
                return e->number;
            }
        }
    }
    luaL_Buffer b;
    const char *value = shown(L, idx);
    luaL_buffinit(L, &b);
    for (const abi_name_t *e = table; e->name; e++) {
        luaL_addstring(&b, e == table ? "" : ", ");
        luaL_addstring(&b, e->name);
    }
    luaL_pushresult(&b);
    return (int32_t)api_error(L, "unknown %s %s; use one of: %s", what, value,
                               lua_tostring(L, -1));
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
        return api_error(L, "publish(name, value): name must be a string");
    }
    size_t len;
    const char *name = lua_tolstring(L, 1, &len);
    int32_t value = int32_arg(L, 2, "publish value");
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
    int32_t ms = int32_arg(L, 1, "sleep_ms(ms)");
    call(L, NR_SLEEP_MS, ms > 0 ? ms : 0, 0, 0);
    return 0;
}

static int sys_exit(lua_State *L)
{
    int32_t code = lua_isnoneornil(L, 1) ? 0 : int32_arg(L, 1, "exit(code)");
    call(L, NR_EXIT, code, 0, 0);
    return lx_sys_stop(L, LX_STOP_EXIT, code, NULL, NULL); /* a host that did not stop it */
}

static int sys_hal_probe(lua_State *L)
{
    int32_t type = abi_number(L, 1, sensors, "sensor");
    lua_pushinteger(L, call(L, NR_HAL_PROBE, type, 0, 0));
    return 1;
}

static int sys_hal_read(lua_State *L)
{
    int32_t type = abi_number(L, 1, sensors, "sensor");
    int32_t index = lua_isnoneornil(L, 2) ? 0 : int32_arg(L, 2, "sensor index");
    lua_pushinteger(L, call(L, NR_HAL_READ, type, index, 0));
    return 1;
}

static int sys_hal_write(lua_State *L)
{
    int32_t type = abi_number(L, 1, actuators, "actuator");
    int32_t index = int32_arg(L, 2, "index");
    int32_t value = int32_arg(L, 3, "value");
    lua_pushinteger(L, call(L, NR_HAL_WRITE, type, index, value));
    return 1;
}

/* events.on(event, fn): the prelude passes the handler's index, the "address". */
static int sys_on(lua_State *L)
{
    int32_t id = abi_number(L, 1, raw_events, "event");
    int32_t handler = (int32_t)luaL_checkinteger(L, 2);
    lua_pushboolean(L, call(L, NR_ON_RAW, id, handler, 0) == 0);
    return 1;
}

static int sys_on_condition(lua_State *L)
{
    int32_t words[5] = {
        abi_number(L, 1, sensors, "sensor"),
        int32_arg(L, 2, "sensor index"),
        abi_number(L, 3, condition_ops, "condition op"),
        int32_arg(L, 4, "threshold"),
        int32_arg(L, 5, "period_ms"),
    };
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
    int32_t id = int32_arg(L, 1, "event id");
    int32_t value = lua_isnoneornil(L, 2) ? 0 : int32_arg(L, 2, "event value");
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
