/*
 * Internals of the Lua engine (vm/lua) shared by its files: the heap (lua_heap.c), the
 * host functions behind the prelude's `sys` table (lua_sys.c) and their arguments
 * (lua_args.c), the Lua state with the device API (lua_state.c), vm.h's engine
 * (lua_engine.c) and its run path (lua_run.c).
 */
#ifndef VMFLEET_LUA_ENGINE_H
#define VMFLEET_LUA_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lua.h"
#include "vm.h"

#ifndef VMFLEET_GUEST_RAM
#define VMFLEET_GUEST_RAM 65536
#endif

/* ---- heap (lua_heap.c) ----------------------------------------------------------------- */

/* A fresh TLSF pool over the whole static pool; Lua may use at most limit bytes of it
 * (blocks with their headers), limit <= lx_heap_pool_bytes(). */
void lx_heap_reset(uint32_t limit);
/* The lua_Alloc of every state: refuses to grow past the limit, tracks the high-water
 * mark. A refusal is Lua's "not enough memory" once an emergency collection did not help. */
void *lx_heap_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
uint32_t lx_heap_used(void);
uint32_t lx_heap_peak(void);
/* The most a program can be granted: VMFLEET_GUEST_RAM. */
uint32_t lx_heap_pool_bytes(void);

/* ---- host calls (lua_sys.c) ------------------------------------------------------------ */

typedef enum { LX_STOP_NONE, LX_STOP_EXIT, LX_STOP_FAULT } lx_stop_kind_t;

/* What the host said during a run (GuestCalls in devices/engines/script/guest-calls.ts):
 * a stop unwinds the script with an error and is raised again by every hook, so pcall
 * cannot keep the program alive after exit() or a refused syscall. */
typedef struct {
    lx_stop_kind_t stop;
    int32_t exit_code;
    const char *fault_code; /* "bad_syscall", or "budget_exhausted" from the hook */
    char message[VM_FAULT_MESSAGE_BYTES];
    bool sleep_pending;
    uint32_t sleep_ms;
} lx_calls_t;

extern lx_calls_t lx_calls;

/* ---- arguments (lua_args.c) ------------------------------------------------------------ */

typedef struct {
    const char *name;
    int32_t number;
} abi_name_t;

/* abi-names.ts: SENSOR_TYPES, ACTUATOR_TYPES, RAW_EVENTS, CONDITION_OP_CODES */
extern const abi_name_t lx_sensors[], lx_actuators[], lx_raw_events[], lx_condition_ops[];

/* Raises the message alone, as the TS engines' ScriptApiError (luaL_error would add the
 * prelude's line); the fault's pc is the guest's line. Does not return. */
int lx_api_error(lua_State *L, const char *fmt, ...);
/* int32() of abi-names.ts: a number truncated toward zero to 32 bits, or a boolean. */
int32_t lx_int32(lua_State *L, int idx, const char *what);
/* abiNumber() of abi-names.ts: an integral number as it is, or a name of the table. */
int32_t lx_abi_number(lua_State *L, int idx, const abi_name_t *table, const char *what);

/* Pushes the table of host functions the prelude takes as `__vmfleet_sys`. */
void lx_sys_push(lua_State *L);
/* Records a stop (exit or fault) and unwinds the script; does not return. */
int lx_sys_stop(lua_State *L, lx_stop_kind_t kind, int32_t code, const char *fault_code,
                const char *message);

/* ---- the state (lua_state.c) ----------------------------------------------------------- */

/* A fresh state with the standard libraries, the prelude and the sandbox; NULL with err
 * when the runtime does not fit the grant. */
lua_State *lx_state_new(uint32_t granted, char *err, size_t err_len);
/* Compiles source as chunk "guest" onto a new anchored thread: 0, or -1 with err. */
int lx_state_compile(lua_State *L, const char *source, size_t len, uint32_t granted,
                     lua_State **thread, int *ref, char *err, size_t err_len);
/* A new anchored thread with handler #index on its stack: 0, or -1 if there is none. */
int lx_state_handler(lua_State *L, uint32_t index, lua_State **thread, int *ref);
void lx_state_release(lua_State *L, int ref);
/* Line of the innermost frame of the guest's chunk in thread co (0 if none), and how
 * many frames deep it is. */
int lx_state_line(lua_State *co, int *depth);

/* ---- the engine (lua_engine.c) and its run path (lua_run.c) --------------------------- */

typedef struct {
    vm_state_t state;
    lua_State *L;
    lua_State *main;        /* the chunk's coroutine */
    lua_State *current;     /* the one run() resumes: main or an invoked handler */
    int current_ref;
    const uint8_t *source;  /* the image (the caller keeps it, reset() compiles it again) */
    size_t source_len;
    uint32_t memory_bytes;
    vm_state_t before_invoke;
    bool invoking;
    int pending_args;
    vm_outcome_t ended;     /* exit or fault, repeated by run() until reset() or load() */
    bool ended_valid;
    uint64_t instructions;
    int64_t remaining;
    int64_t overrun;
    int hook_count;
} lx_engine_t;

extern lx_engine_t lx;

vm_outcome_t lx_run(uint32_t budget);
vm_outcome_t lx_fault(const char *code, uint32_t line, const char *message);

#endif /* VMFLEET_LUA_ENGINE_H */
