/*
 * engine_test cases for VM=lua (vm/lua): the scripts of firmware/lua (bench/ and apps/).
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

static void family_cases(void)
{
    handler_test(&button_counter);
}
