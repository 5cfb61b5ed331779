/*
 * A fresh Lua state with the device API (createLuaState in devices/engines/lua/lua-state.ts):
 * the standard libraries the prelude needs, the host functions as `__vmfleet_sys`, the
 * prelude (prelude.lua, the same Lua as the TS engine's LUA_PRELUDE), and two guards the
 * TS engine, running in a WebAssembly sandbox, can do without: `load` only takes source
 * (Lua 5.3 does not verify bytecode, so a crafted binary chunk could crash the device),
 * and `setmetatable` refuses __gc (Lua runs finalizers with hooks off, so a finalizer
 * that loops would run outside the budget).
 *
 * Every call into Lua that can allocate runs under lua_pcall: an unprotected error would
 * reach Lua's panic, which aborts.
 */
#include <string.h>

#include "lauxlib.h"
#include "lua_engine.h"
#include "lualib.h"

#include "blob/prelude.lua.h"

typedef struct {
    const char *source;
    size_t len;
    uint32_t index;
    lua_State *thread;
    int ref;
    int status;
} job_t;

/* Runs fn(L) with the job as a light userdata under lua_pcall; the error, if any, stays
 * on the stack. */
static int protected(lua_State *L, lua_CFunction fn, job_t *job)
{
    lua_pushcfunction(L, fn);
    lua_pushlightuserdata(L, job);
    return lua_pcall(L, 1, 0, 0);
}

static int panic(lua_State *L)
{
    (void)L;
    return 0; /* not reached: the engine only calls Lua under pcall or resume */
}

static int load_text_only(lua_State *L)
{
    if (lua_gettop(L) < 3) {
        lua_settop(L, 3);
    }
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static int setmetatable_without_gc(lua_State *L)
{
    lua_pushliteral(L, "__gc");
    if (lua_type(L, 2) == LUA_TTABLE && lua_rawget(L, 2) != LUA_TNIL) {
        return luaL_error(L, "__gc metamethods are not supported on this device (Lua runs "
                          "them outside the instruction budget)");
    }
    lua_settop(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 2, 1);
    return 1;
}

static void guard(lua_State *L, const char *name, lua_CFunction fn)
{
    lua_getglobal(L, name);
    lua_pushcclosure(L, fn, 1);
    lua_setglobal(L, name);
}

static int setup(lua_State *L)
{
    static const luaL_Reg libs[] = {
        { "_G", luaopen_base }, { LUA_COLIBNAME, luaopen_coroutine },
        { LUA_TABLIBNAME, luaopen_table }, { LUA_STRLIBNAME, luaopen_string },
        { LUA_MATHLIBNAME, luaopen_math }, { LUA_UTF8LIBNAME, luaopen_utf8 },
        { LUA_DBLIBNAME, luaopen_debug }, /* for the prelude's inspector; removed after it */
    };
    for (unsigned i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
        luaL_requiref(L, libs[i].name, libs[i].func, 1);
        lua_pop(L, 1);
    }
    guard(L, "load", load_text_only);
    guard(L, "setmetatable", setmetatable_without_gc);
    lx_sys_push(L);
    lua_setglobal(L, "__vmfleet_sys");
    if (luaL_loadbufferx(L, (const char *)prelude_lua, sizeof(prelude_lua), "=prelude", "t")
        != LUA_OK) {
        return lua_error(L);
    }
    lua_call(L, 0, 0);
    return 0;
}

lua_State *lx_state_new(uint32_t granted, char *err, size_t err_len)
{
    lua_State *L = lua_newstate(lx_heap_alloc, NULL);
    if (L == NULL) {
        snprintf(err, err_len, "does_not_fit: the Lua runtime needs more than the %lu bytes "
                 "granted", (unsigned long)granted);
        return NULL;
    }
    lua_atpanic(L, panic);
    lua_pushcfunction(L, setup);
    int status = lua_pcall(L, 0, 0, 0);
    if (status == LUA_ERRMEM) {
        snprintf(err, err_len, "does_not_fit: the Lua runtime and the device API need more "
                 "than the %lu bytes granted", (unsigned long)granted);
        return NULL;
    }
    if (status != LUA_OK) {
        snprintf(err, err_len, "unsupported: the prelude failed: %s", lua_tostring(L, -1));
        return NULL;
    }
    return L;
}

/* A new thread, anchored in the registry, left on L's stack. */
static lua_State *anchored_thread(lua_State *L, job_t *job)
{
    job->thread = lua_newthread(L);
    lua_pushvalue(L, -1);
    job->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return job->thread;
}

static int compile(lua_State *L)
{
    job_t *job = lua_touserdata(L, 1);
    lua_State *co = anchored_thread(L, job);
    job->status = luaL_loadbufferx(co, job->source, job->len, "=guest", "t");
    if (job->status != LUA_OK) {
        lua_xmove(co, L, 1);
        return lua_error(L);
    }
    return 0;
}

int lx_state_compile(lua_State *L, const char *source, size_t len, uint32_t granted,
                     lua_State **thread, int *ref, char *err, size_t err_len)
{
    job_t job = { .source = source, .len = len, .status = LUA_OK };
    if (protected(L, compile, &job) == LUA_OK) {
        *thread = job.thread;
        *ref = job.ref;
        return 0;
    }
    const char *why = lua_tostring(L, -1);
    if (job.status == LUA_ERRSYNTAX) {
        snprintf(err, err_len, "syntax_error: Lua syntax error: %s", why ? why : "?");
    } else {
        snprintf(err, err_len, "does_not_fit: compiling the program needs more than the "
                 "%lu bytes granted (%s)", (unsigned long)granted, why ? why : "?");
    }
    lua_pop(L, 1);
    return -1;
}

static int find_handler(lua_State *L)
{
    job_t *job = lua_touserdata(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, "vmfleet_handlers");
    if (lua_type(L, -1) != LUA_TTABLE
        || lua_rawgeti(L, -1, (lua_Integer)job->index + 1) != LUA_TFUNCTION) {
        job->status = -1;
        return 0;
    }
    lua_State *co = anchored_thread(L, job);
    lua_pushvalue(L, -2);
    lua_xmove(L, co, 1);
    return 0;
}

int lx_state_handler(lua_State *L, uint32_t index, lua_State **thread, int *ref)
{
    job_t job = { .index = index, .status = LUA_OK };
    if (protected(L, find_handler, &job) != LUA_OK) {
        lua_pop(L, 1);
        return -1;
    }
    if (job.status != LUA_OK) {
        return -1;
    }
    *thread = job.thread;
    *ref = job.ref;
    return 0;
}

static int release(lua_State *L)
{
    job_t *job = lua_touserdata(L, 1);
    luaL_unref(L, LUA_REGISTRYINDEX, job->ref);
    return 0;
}

void lx_state_release(lua_State *L, int ref)
{
    job_t job = { .ref = ref };
    if (protected(L, release, &job) != LUA_OK) {
        lua_pop(L, 1); /* the thread stays anchored: a few bytes until the next load */
    }
}

int lx_state_line(lua_State *co, int *depth)
{
    lua_Debug ar;
    *depth = 0;
    for (int level = 0; lua_getstack(co, level, &ar); level++) {
        (*depth)++;
    }
    for (int level = 0; lua_getstack(co, level, &ar); level++) {
        if (lua_getinfo(co, "Sl", &ar) && strcmp(ar.source, "=guest") == 0) {
            return ar.currentline;
        }
    }
    return 0;
}
