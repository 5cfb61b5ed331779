/*
 * engine_test cases for VM=wasm and VM=wasm-fast (vm/wamr): the .wasm images of
 * firmware/build/wasm, WAMR's memory cap, and modules the loader must refuse.
 */
#include "blob/ackermann.wasm.h"
#include "blob/array.wasm.h"
#include "blob/button-counter.wasm.h"
#include "blob/crc32.wasm.h"
#include "blob/fibonacci.wasm.h"
#include "blob/heapsort.wasm.h"
#include "blob/lists.wasm.h"
#include "blob/matrix.wasm.h"
#include "blob/md5sum.wasm.h"
#include "blob/random.wasm.h"
#include "blob/sieve.wasm.h"
#include "blob/spin.wasm.h"
#include "blob/tarfind.wasm.h"
#include "blob/ud.wasm.h"
#include "blob/wild-store.wasm.h"
#include "blob/xgboost.wasm.h"

static const program_t programs[] = {
    PROGRAM("ackermann", ackermann, wasm), PROGRAM("array", array, wasm),
    PROGRAM("crc32", crc32, wasm), PROGRAM("fibonacci", fibonacci, wasm),
    PROGRAM("heapsort", heapsort, wasm), PROGRAM("lists", lists, wasm),
    PROGRAM("matrix", matrix, wasm), PROGRAM("md5sum", md5sum, wasm),
    PROGRAM("random", random, wasm), PROGRAM("sieve", sieve, wasm),
    PROGRAM("tarfind", tarfind, wasm), PROGRAM("ud", ud, wasm),
    PROGRAM("xgboost", xgboost, wasm),
};
static const program_t spin = PROGRAM("spin", spin, wasm);
static const program_t wild_store = PROGRAM("wild-store", wild_store, wasm);
static const program_t button_counter = PROGRAM("button-counter", button_counter, wasm);

/* "\0asm" with a wrong byte, and two modules that import what the ABI does not offer. */
static const uint8_t bad_magic[] = { 0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00 };
static const uint8_t env_import[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
    0x02, 0x0b, 0x01, 0x03, 'e', 'n', 'v', 0x03, 'f', 'o', 'o', 0x00, 0x00,
};
static const uint8_t print_no_args[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
    0x02, 0x14, 0x01, 0x07, 'v', 'm', 'f', 'l', 'e', 'e', 't',
    0x08, 'v', 'm', '_', 'p', 'r', 'i', 'n', 't', 0x00, 0x00,
};

static void family_cases(void)
{
    /* heapsort's arrays (.bss) reach past 16 KiB: with the board's cap there, its data and
     * stack still fit, but the first store past the cap traps though the page goes on. */
    run_capped("heapsort-16k", heapsort_wasm, sizeof(heapsort_wasm), RUN_BUDGET, 16384);
    handler_test(&button_counter);
    load("bad-magic", bad_magic, sizeof(bad_magic), GUEST_RAM);
    load("env-import", env_import, sizeof(env_import), GUEST_RAM);
    load("print-no-args", print_no_args, sizeof(print_no_args), GUEST_RAM);
    load("small-ram", fibonacci_wasm, sizeof(fibonacci_wasm), 2048);
}
