/*
 * engine_test cases for VM=js (vm/jerryscript): the scripts of firmware/js, hostile
 * scripts the engine must stop with a fault and survive (deep recursion, allocation
 * bombs, a loop that catches what it can), the device API's errors, sleeping through
 * `yield`, and sources load() must refuse.
 */
#include "blob/ackermann.js.h"
#include "blob/array.js.h"
#include "blob/button-counter.js.h"
#include "blob/crc32.js.h"
#include "blob/fibonacci.js.h"
#include "blob/heapsort.js.h"
#include "blob/lists.js.h"
#include "blob/matrix.js.h"
#include "blob/md5sum.js.h"
#include "blob/random.js.h"
#include "blob/sieve.js.h"
#include "blob/spin.js.h"
#include "blob/tarfind.js.h"
#include "blob/ud.js.h"
#include "blob/wild-store.js.h"
#include "blob/xgboost.js.h"

static const program_t programs[] = {
    PROGRAM("ackermann", ackermann, js), PROGRAM("array", array, js),
    PROGRAM("crc32", crc32, js),         PROGRAM("fibonacci", fibonacci, js),
    PROGRAM("heapsort", heapsort, js),   PROGRAM("lists", lists, js),
    PROGRAM("matrix", matrix, js),       PROGRAM("md5sum", md5sum, js),
    PROGRAM("random", random, js),       PROGRAM("sieve", sieve, js),
    PROGRAM("tarfind", tarfind, js),     PROGRAM("ud", ud, js),
    PROGRAM("xgboost", xgboost, js),
};
static const program_t spin = PROGRAM("spin", spin, js);
static const program_t wild_store = PROGRAM("wild-store", wild_store, js);
static const program_t button_counter = PROGRAM("button-counter", button_counter, js);

/* A script given as a C string (without its NUL). */
#define SCRIPT(n, text) { n, (const unsigned char *)(text), sizeof(text) - 1 }

static const program_t hostile[] = {
    SCRIPT("deep-recursion", "write('deep: going down\\n');\n"
                             "function f(n) { return 1 + f(n + 1); }\n"
                             "f(0);\n"),
    SCRIPT("builtin-recursion", "let a = [];\n"
                                "for (let i = 0; i < 1200; i++) a = [a];\n"
                                "String(a);\n"),
    SCRIPT("alloc-bomb", "write('bomb: allocating\\n');\n"
                         "const keep = [];\n"
                         "for (;;) keep.push(new Array(64).fill(keep.length));\n"),
    SCRIPT("string-bomb", "write('strings: doubling\\n');\n"
                          "let s = 'x';\n"
                          "for (;;) s = s + s;\n"),
    SCRIPT("catch-budget", "write('catch: looping\\n');\n"
                           "for (;;) { try { for (;;) {} } catch (e) { write('caught\\n'); } }\n"),
    SCRIPT("catch-recursion", "let depth = 0;\n"
                              "function f(n) { depth = n; return 1 + f(n + 1); }\n"
                              "try { f(0); } catch (e) { write(e.name, ': caught\\n'); }\n"
                              "write('depth ', depth, '\\n');\n"
                              "return 4;\n"),
};

static const program_t api_cases[] = {
    SCRIPT("sleep", "write('sleep: before\\n');\n"
                    "const t = yield sleep_ms(5);\n"
                    "write('sleep: after ', t, '\\n');\n"
                    "return 0;\n"),
    SCRIPT("exit-code", "print('exit:', 1 + 2);\nexit(3);\nwrite('not reached\\n');\n"),
    SCRIPT("return-code", "console.log('return', 7);\nreturn 7;\n"),
    SCRIPT("bad-sensor", "write('sensor\\n');\n\nhal.read('nope');\n"),
    SCRIPT("bad-number", "hal.write('led', 0, 'on');\n"),
    SCRIPT("bad-handler", "events.on('button', 42);\n"),
    SCRIPT("publish", "publish('answer', 42.9); events.emit(101); return hal.probe('light');\n"),
};

static const program_t handler_error =
    SCRIPT("handler-error", "events.on('button', (v) => {\n"
                            "  throw new Error('handler ' + v);\n"
                            "});\n"
                            "return 0;\n");

static const program_t refused[] = {
    SCRIPT("syntax-error", "write('a');\nlet x = ;\n"),
    SCRIPT("top-level-yield-in-function", "function g() { yield 1; }\n"),
    SCRIPT("bad-utf8", "write('\xff\xfe');\n"),
    SCRIPT("empty", ""),
    /* Close the wrapper, run, reopen: stopped at load by the first budget poll, and its
     * straight-line code finds no device API (write would be a ReferenceError). */
    SCRIPT("breakout-loop", "})(); for (;;); (function* () {"),
    SCRIPT("breakout-code", "}); write('ran'); (function* () {"),
};

/* Each case, then the line inspect() reports (the line of a fault). */
static void run_all(const program_t *list, unsigned n, uint32_t budget)
{
    for (unsigned i = 0; i < n; i++) {
        run_program(list[i].name, list[i].image, list[i].len, budget);
        vm_inspection_t seen;
        vm_engine.inspect(&seen);
        printf("@@LINE %s %lu@@\n", list[i].name, (unsigned long)seen.pc);
    }
}

/* The native stack load()'s parser used (inspect()'s parse_stack register). */
static void parse_stack(const char *name, const unsigned char *image, unsigned len)
{
    if (!load(name, image, len, GUEST_RAM)) {
        return;
    }
    vm_inspection_t seen;
    vm_engine.inspect(&seen);
    for (unsigned i = 0; i < seen.register_count; i++) {
        if (strcmp(seen.registers[i].name, "parse_stack") == 0) {
            printf("@@PARSE_STACK %s %lu@@\n", name, (unsigned long)seen.registers[i].value);
        }
    }
}

/* A source of `levels` nested function expressions, which the parser recurses into. */
static unsigned nested_functions(char *buf, unsigned levels)
{
    static const char open[] = "(function(){", close[] = "})";
    unsigned n = 0;
    for (unsigned i = 0; i < levels; i++, n += sizeof(open) - 1) {
        memcpy(buf + n, open, sizeof(open) - 1);
    }
    for (unsigned i = 0; i < levels; i++, n += sizeof(close) - 1) {
        memcpy(buf + n, close, sizeof(close) - 1);
    }
    return n;
}

static void family_cases(void)
{
    /* wild-store again, for the line of its fault */
    const program_t wild_line = { "wild-store-line", wild_store_js, sizeof(wild_store_js) };
    run_all(&wild_line, 1, RUN_BUDGET);
    handler_test(&button_counter);
    run_all(hostile, sizeof(hostile) / sizeof(hostile[0]), SPIN_BUDGET);
    run_all(api_cases, sizeof(api_cases) / sizeof(api_cases[0]), RUN_BUDGET);
    /* a handler that throws ends the program with guest_error and the handler's line */
    run_all(&handler_error, 1, RUN_BUDGET);
    const int32_t value = 5;
    printf("@@INVOKE handler-error=%d@@\n", vm_engine.invoke(last_handler, &value, 1));
    printf("@@BEGIN handler-throw@@\n");
    vm_outcome_t out = run_to_end(RUN_BUDGET);
    print_end("handler-throw", &out);
    vm_inspection_t seen;
    vm_engine.inspect(&seen);
    printf("@@LINE handler-throw %lu@@\n", (unsigned long)seen.pc);
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        load(refused[i].name, refused[i].image, refused[i].len, GUEST_RAM);
    }
    /* 300 nested functions would take the parser some 200 KiB of native stack */
    static char deep[300 * 14];
    load("deep-functions", (const uint8_t *)deep, nested_functions(deep, 300), GUEST_RAM);
    parse_stack("xgboost-parse", xgboost_js, sizeof(xgboost_js));
    parse_stack("tarfind-parse", tarfind_js, sizeof(tarfind_js));
    /* below JerryScript's heap: the program could use more than it was granted */
    load("small-ram", fibonacci_js, sizeof(fibonacci_js), 2048);
    /* after every hostile case the engine still runs a program */
    run_program("after", fibonacci_js, sizeof(fibonacci_js), RUN_BUDGET);
}
