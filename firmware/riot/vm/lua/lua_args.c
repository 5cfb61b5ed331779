/*
 * The arguments of the device API as the TS engines take them: the names of
 * devices/engines/script/abi-names.ts for sensors, actuators, events and condition ops
 * (or their numbers), int32() for every other number, and the same error texts
 * ("unknown sensor \"x\"; use one of: temperature, ...").
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lauxlib.h"
#include "lua_engine.h"

const abi_name_t lx_sensors[] = {
    { "temperature", 1 }, { "humidity", 2 }, { "light", 3 }, { "distance", 4 },
    { "button", 5 }, { "accelerometer", 6 }, { NULL, 0 },
};
const abi_name_t lx_actuators[] = { { "led", 1 }, { "gpio", 2 }, { NULL, 0 } };
const abi_name_t lx_raw_events[] = { { "button", 1 }, { NULL, 0 } };
const abi_name_t lx_condition_ops[] = {
    { "<", 0 }, { "<=", 1 }, { ">", 2 }, { ">=", 3 }, { NULL, 0 },
};

int lx_api_error(lua_State *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    return lua_error(L);
}

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

int32_t lx_int32(lua_State *L, int idx, const char *what)
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
    return (int32_t)lx_api_error(L, "%s must be a number, not %s", what, shown(L, idx));
}

int32_t lx_abi_number(lua_State *L, int idx, const abi_name_t *table, const char *what)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        lua_Number n = lua_tonumber(L, idx);
        if (lua_isinteger(L, idx) || (isfinite(n) && n == floor(n))) {
            return lx_int32(L, idx, what);
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
    return (int32_t)lx_api_error(L, "unknown %s %s; use one of: %s", what, value,
                               lua_tostring(L, -1));
}
