/*
 * The Lua engine (VM=lua) behind vm.h: the C form of devices/engines/lua/engine.ts, on
 * RIOT's pkg/lua. The image is the program's UTF-8 source, compiled by load() as chunk
 * "guest". The chunk runs as a coroutine with a count hook that charges the budget and
 * yields when it runs out (lua_run.c), so run() returns VM_RUN_BUDGET and the next run()
 * resumes exactly there: the engine is preemptible.
 * sleep_ms() does the sleep syscall and yields the coroutine (VM_RUN_YIELDED); exit() and
 * a refused syscall unwind the script (lua_sys.c). Handlers run in their own coroutine.
 */
#include <stdio.h>
#include <string.h>

#include "lua_engine.h"
#include "tlsf.h"
#include "vm_clock.h"

#define MAX_SOURCE_BYTES (256u * 1024u)

/* A build without a clock still links; its load time reads 0 (vm_clock.h). */
__attribute__((weak)) uint64_t vm_clock_us(void) { return 0; }

lx_engine_t lx;

/* ---- load ------------------------------------------------------------------------------ */

/* Strict UTF-8 (no overlong forms, surrogates or code points past U+10FFFF), no NUL. */
static const char *source_problem(const uint8_t *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        uint8_t c = s[i];
        unsigned n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2
                     : (c & 0xf8) == 0xf0 ? 3 : 4;
        if (c == 0) {
            return "bad_source: Lua source contains a NUL byte";
        }
        if (n == 4 || (n > 0 && i + n >= len)) {
            return "bad_utf8: Lua source is not valid UTF-8";
        }
        uint32_t cp = n == 0 ? c : c & (0x3f >> n);
        for (unsigned k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return "bad_utf8: Lua source is not valid UTF-8";
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        static const uint32_t least[] = { 0, 0x80, 0x800, 0x10000 };
        if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return "bad_utf8: Lua source is not valid UTF-8";
        }
        i += n + 1;
    }
    return NULL;
}

static void lx_unload(void)
{
    memset(&lx, 0, sizeof(lx));
    lx.state = VM_STATE_IDLE;
}

/* A fresh state and the compiled chunk: the engine is loaded, or idle with err. */
static int start(const uint8_t *source, size_t len, uint32_t memory_bytes, char *err,
                 size_t err_len)
{
    lx_unload();
    memset(&lx_calls, 0, sizeof(lx_calls));
    lx_heap_reset(memory_bytes);
    lx.L = lx_state_new(memory_bytes, err, err_len);
    if (lx.L == NULL || lx_state_compile(lx.L, (const char *)source, len, memory_bytes,
                                         &lx.main, &lx.current_ref, err, err_len) != 0) {
        lx_unload();
        return -1;
    }
    lx.current = lx.main;
    lx.source = source;
    lx.source_len = len;
    lx.memory_bytes = memory_bytes;
    lx.state = VM_STATE_LOADED;
    return 0;
}

static int lx_load(const uint8_t *image, size_t len, uint32_t memory_bytes,
                   vm_load_report_t *report, char *err, size_t err_len)
{
    uint64_t started = vm_clock_us();
    const char *problem = len == 0 ? "bad_source: empty Lua source" : NULL;
    if (len > MAX_SOURCE_BYTES) {
        problem = "too_large: the Lua source is over the 262144-byte limit";
    }
    if (problem == NULL) {
        problem = source_problem(image, len);
    }
    if (problem == NULL && memory_bytes > lx_heap_pool_bytes()) {
        snprintf(err, err_len, "bad_limits: memory_bytes %lu is more than the %lu-byte Lua "
                 "heap of this build (VMFLEET_GUEST_RAM)", (unsigned long)memory_bytes,
                 (unsigned long)lx_heap_pool_bytes());
        lx_unload();
        return -1;
    }
    if (problem != NULL) {
        snprintf(err, err_len, "%s", problem);
        lx_unload();
        return -1;
    }
    size_t bom = len >= 3 && memcmp(image, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    if (start(image + bom, len - bom, memory_bytes, err, err_len) != 0) {
        return -1;
    }
    if (report) {
        report->load_time_us = (uint32_t)(vm_clock_us() - started);
        report->image_bytes = (uint32_t)len;
        report->guest_memory_bytes = memory_bytes;
    }
    return 0;
}

/* Back to the loaded program's start: a new state and compile, as the TS engine does. */
static void lx_reset(void)
{
    if (lx.state == VM_STATE_IDLE) {
        return;
    }
    char err[VM_ERROR_BYTES];
    start(lx.source, lx.source_len, lx.memory_bytes, err, sizeof(err));
}

/* n Lua VM instructions (the hook fires after exactly n when n < HOOK_INTERVAL). */
static vm_outcome_t lx_step(uint32_t n) { return lx_run(n); }

/* ---- invoke, inspect, memory ----------------------------------------------------------- */

/* Handler #address (its index in the prelude's table) in a new coroutine, with the
 * arguments as integers; run() until VM_RUN_RETURNED. After main exited or before it ran. */
static int lx_invoke(uint32_t address, const int32_t *args, unsigned argc)
{
    if ((lx.state != VM_STATE_LOADED && lx.state != VM_STATE_EXITED) || lx.invoking) {
        return -1;
    }
    if (argc > 4 || (argc > 0 && args == NULL)) {
        return -2;
    }
    lua_State *co;
    if (lx_state_handler(lx.L, address, &co, &lx.current_ref) != 0) {
        return -3;
    }
    for (unsigned i = 0; i < argc; i++) {
        lua_pushinteger(co, args[i]); /* the new thread has LUA_MINSTACK free slots */
    }
    lx.pending_args = (int)argc;
    lx.current = co;
    lx.before_invoke = lx.state;
    lx.state = VM_STATE_RUNNING;
    lx.invoking = true;
    return 0;
}

static void lx_inspect(vm_inspection_t *out)
{
    memset(out, 0, sizeof(*out));
    out->state = lx.state;
    out->instructions = lx.instructions;
    if (lx.state == VM_STATE_IDLE) {
        return;
    }
    int depth;
    int line = lx_state_line(lx.current, &depth);
    out->pc = (uint32_t)line;
    const vm_register_t regs[] = {
        { "line", (uint32_t)line }, { "depth", (uint32_t)depth },
        { "heap", lx_heap_used() }, { "peak", lx_heap_peak() },
    };
    out->register_count = sizeof(regs) / sizeof(regs[0]);
    memcpy(out->registers, regs, sizeof(regs));
}

/* A Lua program has no flat guest memory (the TS engine: "not supported"). */
static bool lx_read_memory(uint32_t addr, uint8_t *dst, uint32_t len)
{
    (void)addr;
    (void)dst;
    (void)len;
    return false;
}

/* guest = the grant; peak = the allocator's high-water mark (runtime, prelude, compiled
 * program and data); engine = this state and TLSF's control block in the pool. */
static void lx_memory(vm_memory_report_t *out)
{
    memset(out, 0, sizeof(*out));
    if (lx.state == VM_STATE_IDLE) {
        return;
    }
    out->guest_bytes = lx.memory_bytes;
    out->peak_guest_bytes = lx_heap_peak();
    out->engine_bytes = (uint32_t)(sizeof(lx) + tlsf_size());
}

static vm_state_t lx_get_state(void) { return lx.state; }

const vm_engine_t vm_engine = {
    .kind = "lua",
    .version = "lua-" LUA_VERSION_MAJOR "." LUA_VERSION_MINOR "." LUA_VERSION_RELEASE,
    .preemptible = true,
    .load = lx_load, .run = lx_run, .step = lx_step, .reset = lx_reset,
    .invoke = lx_invoke, .inspect = lx_inspect, .read_memory = lx_read_memory,
    .memory = lx_memory, .state = lx_get_state, .unload = lx_unload,
};
