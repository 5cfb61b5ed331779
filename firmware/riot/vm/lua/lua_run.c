/*
 * run() of the Lua engine: the program's coroutine (or an invoked handler's) is resumed
 * with a count hook every HOOK_INTERVAL instructions that charges the budget and yields
 * when it runs out (lua_yield from a count hook, nresults 0, is legal in Lua 5.3 as in
 * 5.4), so the next run() resumes exactly there. What ended the resume becomes vm.h's
 * outcome with the fault codes of devices/engines/lua/engine.ts.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lua_engine.h"

#define HOOK_INTERVAL 1000
/* A budget that runs out where the coroutine cannot yield (inside table.sort's comparator,
 * a gsub callback, a metamethod, or the program's own coroutine) is allowed this much
 * more, at least; past it the program ends with budget_exhausted. */
#define MIN_OVERRUN 1000000

vm_outcome_t lx_fault(const char *code, uint32_t line, const char *message)
{
    vm_outcome_t out = { .kind = VM_RUN_FAULT };
    out.fault.code = code;
    out.fault.pc = line;
    snprintf(out.fault.message, sizeof(out.fault.message), "%s", message);
    return out;
}

static void count_hook(lua_State *co, lua_Debug *ar)
{
    (void)ar;
    lx.instructions += (uint64_t)lx.hook_count;
    lx.remaining -= lx.hook_count;
    if (lx_calls.stop != LX_STOP_NONE) {
        /* the script caught what exit() or a refused call raised: raise it again */
        lua_pushliteral(co, "stopped by the device");
        lua_error(co);
    }
    if (lx.remaining > 0) {
        return;
    }
    if (co == lx.current && lua_isyieldable(co)) {
        lua_yield(co, 0); /* from a hook it returns; Lua yields when the hook is done */
        return;
    }
    if (lx.remaining < -lx.overrun) {
        lx_sys_stop(co, LX_STOP_FAULT, 0, "budget_exhausted", "the budget ran out where "
                    "the script cannot pause (a metamethod, callback or coroutine)");
    }
}

static int line_of(const char *message)
{
    const char *at = message ? strstr(message, "guest:") : NULL;
    int line = 0;
    if (at != NULL) {
        sscanf(at, "guest:%d:", &line);
    }
    if (line <= 0) {
        int depth;
        line = lx_state_line(lx.current, &depth);
    }
    return line;
}

static vm_outcome_t finish(vm_outcome_t out)
{
    lx.state = out.kind == VM_RUN_EXITED ? VM_STATE_EXITED : VM_STATE_FAULTED;
    lx.ended = out;
    lx.ended_valid = true;
    lx.invoking = false;
    return out;
}

/* The chunk returned (an integer result is the exit code, as C main's) or a handler did. */
static vm_outcome_t completed(void)
{
    lua_State *co = lx.current;
    int32_t value = 0;
    int isnum = 0;
    lua_Number n = lua_gettop(co) > 0 ? lua_tonumberx(co, 1, &isnum) : 0;
    if (lua_gettop(co) > 0 && lua_isinteger(co, 1)) {
        value = (int32_t)(uint32_t)(lua_Unsigned)lua_tointeger(co, 1);
    } else if (isnum && n == floor(n) && n > -9.2e18 && n < 9.2e18) {
        value = (int32_t)(uint32_t)(lua_Unsigned)(lua_Integer)n;
    } else if (lua_gettop(co) > 0 && lua_type(co, 1) == LUA_TBOOLEAN) {
        value = lua_toboolean(co, 1);
    }
    lua_settop(co, 0);
    if (co == lx.main) {
        return finish((vm_outcome_t){ .kind = VM_RUN_EXITED, .value = value });
    }
    lx_state_release(lx.L, lx.current_ref);
    lx.current = lx.main;
    lx.state = lx.before_invoke;
    lx.invoking = false;
    return (vm_outcome_t){ .kind = VM_RUN_RETURNED, .value = value };
}

static vm_outcome_t failed(int status)
{
    const char *message = lua_tostring(lx.current, -1);
    int line = line_of(message);
    /* lauxlib's buffers fail with an error of their own, not LUA_ERRMEM */
    if (status == LUA_ERRMEM || (message && strstr(message, "not enough memory"))) {
        char why[VM_FAULT_MESSAGE_BYTES];
        snprintf(why, sizeof(why), "not enough memory: the script needs more than the %lu "
                 "bytes the board grants", (unsigned long)lx.memory_bytes);
        return finish(lx_fault("out_of_memory", (uint32_t)line, why));
    }
    if (message == NULL) {
        message = "the script raised an error that is not a string";
    }
    /* Lua's own limits: its stack in the heap, nested C calls (LUAI_MAXCCALLS) */
    const char *code = strstr(message, "stack overflow") ? "stack_exhausted" : "guest_error";
    return finish(lx_fault(code, (uint32_t)line, message));
}

static vm_outcome_t settle(int status)
{
    if (status == LUA_YIELD) {
        lua_settop(lx.current, 0);
        if (lx_calls.sleep_pending) {
            return (vm_outcome_t){ .kind = VM_RUN_YIELDED, .value = (int32_t)lx_calls.sleep_ms };
        }
        return (vm_outcome_t){ .kind = lx.remaining <= 0 ? VM_RUN_BUDGET : VM_RUN_YIELDED };
    }
    if (lx_calls.stop == LX_STOP_EXIT) {
        return finish((vm_outcome_t){ .kind = VM_RUN_EXITED, .value = lx_calls.exit_code });
    }
    if (lx_calls.stop == LX_STOP_FAULT) {
        int depth;
        uint32_t line = (uint32_t)lx_state_line(lx.current, &depth);
        return finish(lx_fault(lx_calls.fault_code, line, lx_calls.message));
    }
    return status == LUA_OK ? completed() : failed(status);
}

vm_outcome_t lx_run(uint32_t budget)
{
    if (lx.state == VM_STATE_IDLE) {
        return lx_fault("unsupported", 0, "no program loaded; load() an image first");
    }
    if (lx.ended_valid && !lx.invoking) {
        return lx.ended;
    }
    if (budget == 0) {
        return (vm_outcome_t){ .kind = VM_RUN_BUDGET };
    }
    lx.remaining = budget;
    lx.overrun = budget > MIN_OVERRUN ? budget : MIN_OVERRUN;
    lx.hook_count = budget < HOOK_INTERVAL ? (int)budget : HOOK_INTERVAL;
    lua_sethook(lx.current, count_hook, LUA_MASKCOUNT, lx.hook_count);
    lx.state = VM_STATE_RUNNING;
    lx_calls.sleep_pending = false;
    int args = lx.pending_args;
    lx.pending_args = 0;
    return settle(lua_resume(lx.current, lx.L, args));
}
