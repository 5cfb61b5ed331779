/*
 * engine_test cases for VM=lua (vm/lua): the scripts of firmware/lua (bench/ and apps/),
 * hostile scripts (each must end with its fault code and leave the engine usable), and
 * the native stack the deepest C recursion Lua allows takes of the VM thread's.
 */
#include "blob/ackermann.lua.h"
#include "blob/array.lua.h"
#include "blob/button-counter.lua.h"
#include "blob/crc32.lua.h"
#include "blob/fibonacci.lua.h"
#include "blob/heapsort.lua.h"
#include "blob/lists.lua.h"
#include "blob/matrix.lua.h"
#include "blob/md5sum.lua.h"
#include "blob/random.lua.h"
#include "blob/sieve.lua.h"
#include "blob/spin.lua.h"
#include "blob/tarfind.lua.h"
#include "blob/ud.lua.h"
#include "blob/wild-store.lua.h"
#include "blob/xgboost.lua.h"

static const program_t programs[] = {
    PROGRAM("ackermann", ackermann, lua), PROGRAM("array", array, lua),
    PROGRAM("crc32", crc32, lua), PROGRAM("fibonacci", fibonacci, lua),
    PROGRAM("heapsort", heapsort, lua), PROGRAM("lists", lists, lua),
    PROGRAM("matrix", matrix, lua), PROGRAM("md5sum", md5sum, lua),
    PROGRAM("random", random, lua), PROGRAM("sieve", sieve, lua),
    PROGRAM("tarfind", tarfind, lua), PROGRAM("ud", ud, lua),
    PROGRAM("xgboost", xgboost, lua),
};
static const program_t spin = PROGRAM("spin", spin, lua);
static const program_t wild_store = PROGRAM("wild-store", wild_store, lua);
static const program_t button_counter = PROGRAM("button-counter", button_counter, lua);

/* Hostile and API scripts: name, source, and the guest RAM to load them with. */
typedef struct {
    const char *name;
    const char *source;
} script_t;

static const script_t hostile[] = {
    { "endless", "while true do end" },
    { "alloc-bomb", "local t = {}\nfor i = 1, 1e9 do t[i] = (\"x\"):rep(64) .. i end" },
    { "lua-recursion", "local function r(n) return 1 + r(n + 1) end\nreturn r(0)" },
    { "pcall-exit", "print(pcall(exit, 3))\nlocal n = 0\nwhile true do n = n + 1 end" },
    { "gc-finalizer", "setmetatable({}, { __gc = function() while true do end end })" },
    { "binary-chunk", "assert(load(string.dump(function() end)))" },
    { "sort-spin", "table.sort({ 3, 2, 1 }, function() while true do end end)" },
    { "coroutine-spin", "coroutine.wrap(function() while true do end end)()" },
    { "unknown-sensor", "hal.read(\"bogus\")" },
    { "sandbox", "print(io, os, debug, require, dofile, loadfile, package)" },
    { "sleep", "sleep_ms(5)\nwrite(\"slept\\n\")\nreturn 7" },
    { "slices", "local s = 0\nfor i = 1, 3000000 do s = s + i end\nprint(s)" },
};

/* C recursion Lua bounds with LUAI_MAXCCALLS ("C stack overflow"): each must end before
 * the VM thread's stack does; @@STACK says how much of it the case took. */
static const script_t deep[] = {
    { "deep-index", "local t = setmetatable({}, { __index = function(t, k) return t[k] end })\n"
                    "return t.x" },
    { "deep-pcall", "local function f() local ok, e = pcall(f) if not ok then error(e, 0) end end\n"
                    "f()" },
    { "deep-coroutine", "local function f() coroutine.wrap(f)() end\nf()" },
    { "deep-gsub", "local function f(s) return (s:gsub(\".\", f)) end\nf(\"ab\")" },
    { "deep-tostring", "local mt = {}\nmt.__tostring = function(t) return tostring(t) end\n"
                       "print(setmetatable({}, mt))" },
    { "deep-parse", "assert(load(\"return \" .. (\"(\"):rep(500) .. \"1\" .. (\")\"):rep(500)))" },
    { "deep-functions", "assert(load((\"return function() \"):rep(300) .. (\" end\"):rep(300)))" },
    { "deep-pattern", "return (\"a\"):rep(400):find((\"a?\"):rep(400) .. (\"a\"):rep(400))" },
};

static void run_script(const script_t *s, uint32_t budget)
{
    run_capped(s->name, (const uint8_t *)s->source, strlen(s->source), budget, GUEST_RAM);
}

#define STACK_PAINT 0x5a

/* Paints the unused part of this thread's stack, runs the case, and reports the deepest
 * byte it touched (RIOT's own measure needs a thread created with THREAD_CREATE_STACKTEST). */
static void run_measured(const script_t *s)
{
#ifdef DEVELHELP
    volatile uint8_t here = 0;
    uint8_t *start = (uint8_t *)thread_get_active()->stack_start;
    uint8_t *low = start + 64;
    uint8_t *high = (uint8_t *)&here - 512;
    memset(low, STACK_PAINT, (size_t)(high - low));
    run_script(s, RUN_BUDGET);
    uint8_t *p = low;
    while (p < high && *p == STACK_PAINT) {
        p++;
    }
    printf("@@STACK %s used=%lu of=%lu@@\n", s->name, (unsigned long)((uint8_t *)&here - p),
           (unsigned long)VMFLEET_VM_STACK);
    (void)here;
#else
    run_script(s, RUN_BUDGET);
#endif
}

/* step(50) stops inside the loop on line 3; inspect() names the line and the depth. */
static void inspect_case(void)
{
    static const char source[] = "local count = 7\nlocal name = \"x\"\n"
                                 "while true do count = count + 0 end";
    if (!load("inspect", (const uint8_t *)source, strlen(source), GUEST_RAM)) {
        return;
    }
    vm_outcome_t out = vm_engine.step(50);
    vm_inspection_t in;
    vm_engine.inspect(&in);
    printf("@@INSPECT kind=%d state=%d pc=%lu instructions=%lu", (int)out.kind, (int)in.state,
           (unsigned long)in.pc, (unsigned long)in.instructions);
    for (unsigned i = 0; i < in.register_count; i++) {
        printf(" %s=%lu", in.registers[i].name, (unsigned long)in.registers[i].value);
    }
    printf("@@\n");
}

/* reset() runs the program again from the start, with a fresh state. */
static void reset_case(void)
{
    static const char source[] = "counter = (counter or 0) + 1\nprint(\"run\", counter)";
    if (!load("reset", (const uint8_t *)source, strlen(source), GUEST_RAM)) {
        return;
    }
    printf("@@BEGIN reset@@\n");
    vm_outcome_t out = run_to_end(RUN_BUDGET);
    vm_engine.reset();
    printf("[state after reset %d]\n", (int)vm_engine.state());
    out = run_to_end(RUN_BUDGET);
    print_end("reset", &out);
}

static const char syntax_error[] = "local a = 1\nlocal b = 2\nlocal c = = 3\n";
static const char bad_utf8[] = "print(\"\xff\")";

static void family_cases(void)
{
    handler_test(&button_counter);
    for (unsigned i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        run_script(&hostile[i], i == 0 ? SPIN_BUDGET : RUN_BUDGET);
    }
    for (unsigned i = 0; i < sizeof(deep) / sizeof(deep[0]); i++) {
        run_measured(&deep[i]);
    }
    inspect_case();
    reset_case();
    load("syntax-error", (const uint8_t *)syntax_error, strlen(syntax_error), GUEST_RAM);
    load("bad-utf8", (const uint8_t *)bad_utf8, strlen(bad_utf8), GUEST_RAM);
    load("empty", (const uint8_t *)"", 0, GUEST_RAM);
    load("over-ram", fibonacci_lua, sizeof(fibonacci_lua), GUEST_RAM + 1);
    load("small-ram", fibonacci_lua, sizeof(fibonacci_lua), 8192);
    load("tight-ram", tarfind_lua, sizeof(tarfind_lua), 40960);
    /* after all of that, the engine still runs a program */
    run_program("fibonacci-again", fibonacci_lua, sizeof(fibonacci_lua), RUN_BUDGET);
}
