/*
 * Internals of the Lua engine (vm/lua) shared by its files: the heap (lua_heap.c), the
 * host functions behind the prelude's `sys` table (lua_sys.c), the Lua state with the
 * device API (lua_state.c) and vm.h's engine (lua_engine.c).
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

#endif /* VMFLEET_LUA_ENGINE_H */
