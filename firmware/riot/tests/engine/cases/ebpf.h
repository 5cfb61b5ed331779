/*
 * engine_test cases for VM=ebpf (vm/ebpf): the .rbf images of firmware/build/ebpf, and
 * hand-assembled images (ebpf_asm.h) for what the C programs do not do: every ALU, jump
 * and memory form on edge values, hostile guests (deep recursion, a call chain past the
 * depth limit, a store into rodata), defined division by zero, the Femto-Container
 * helpers, yields, an event handler, exact slicing, and images the verifier refuses. Each
 * hand-assembled image is printed (@@IMAGE) so test/riot-engine-ebpf.e2e-spec.ts runs the
 * very same bytes on the TypeScript engine and compares outcome and output.
 */
#include <string.h>

#include "blob/ackermann.rbf.h"
#include "blob/array.rbf.h"
#include "blob/button-counter.rbf.h"
#include "blob/crc32.rbf.h"
#include "blob/fibonacci.rbf.h"
#include "blob/heapsort.rbf.h"
#include "blob/lists.rbf.h"
#include "blob/matrix.rbf.h"
#include "blob/md5sum.rbf.h"
#include "blob/random.rbf.h"
#include "blob/sieve.rbf.h"
#include "blob/spin.rbf.h"
#include "blob/tarfind.rbf.h"
#include "blob/ud.rbf.h"
#include "blob/wild-store.rbf.h"
#include "blob/xgboost.rbf.h"

/* bench/libc (build/ebpf/libc): the blobs' symbols drop the folder, so libc's sieve is
 * renamed on the way in (the coisa sieve above is sieve_rbf). */
#include "blob/libc/calc.rbf.h"
#include "blob/libc/crc64.rbf.h"
#include "blob/libc/format.rbf.h"
#define sieve_rbf libc_sieve_rbf
#define sieve_rbf_len libc_sieve_rbf_len
#include "blob/libc/sieve.rbf.h"
#undef sieve_rbf
#undef sieve_rbf_len
#include "blob/libc/sort.rbf.h"
#include "blob/libc/xorshift.rbf.h"

static const program_t libc_programs[] = {
    { "libc-calc", calc_rbf, sizeof(calc_rbf) },
    { "libc-crc64", crc64_rbf, sizeof(crc64_rbf) },
    { "libc-format", format_rbf, sizeof(format_rbf) },
    { "libc-sieve", libc_sieve_rbf, sizeof(libc_sieve_rbf) },
    { "libc-sort", sort_rbf, sizeof(sort_rbf) },
    { "libc-xorshift", xorshift_rbf, sizeof(xorshift_rbf) },
};

#include "ebpf_asm.h"

static const program_t programs[] = {
    PROGRAM("ackermann", ackermann, rbf), PROGRAM("array", array, rbf),
    PROGRAM("crc32", crc32, rbf), PROGRAM("fibonacci", fibonacci, rbf),
    PROGRAM("heapsort", heapsort, rbf), PROGRAM("lists", lists, rbf),
    PROGRAM("matrix", matrix, rbf), PROGRAM("md5sum", md5sum, rbf),
    PROGRAM("random", random, rbf), PROGRAM("sieve", sieve, rbf),
    PROGRAM("tarfind", tarfind, rbf), PROGRAM("ud", ud, rbf),
    PROGRAM("xgboost", xgboost, rbf),
};
static const program_t spin = PROGRAM("spin", spin, rbf);
static const program_t wild_store = PROGRAM("wild-store", wild_store, rbf);

static const uint8_t isa_data[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };

/* The image just assembled, run (or, refused: only loaded) and shown to the spec. */
static void hand_case(const char *name)
{
    show_image(name);
    run_program(name, image, image_len, RUN_BUDGET);
}

static void hand_refusal(const char *name)
{
    show_image(name);
    load(name, image, image_len, GUEST_RAM);
}

static void bare(const char *name)
{
    asm_rbf("", 0, "", 0, NULL, 0);
    hand_case(name);
}

static void isa_cases(void)
{
    isa_alu(0x07);
    asm_rbf("", 0, isa_rodata, sizeof(isa_rodata), NULL, 0);
    hand_case("isa-alu64");
    isa_alu(0x04);
    asm_rbf("", 0, isa_rodata, sizeof(isa_rodata), NULL, 0);
    hand_case("isa-alu32");
    isa_jumps();
    asm_rbf("", 0, isa_rodata, sizeof(isa_rodata), NULL, 0);
    hand_case("isa-jumps");
    isa_memory();
    asm_rbf(isa_data, sizeof(isa_data), isa_rodata, sizeof(isa_rodata), NULL, 0);
    hand_case("isa-memory");
    isa_v4();
    asm_rbf("", 0, isa_rodata, sizeof(isa_rodata), NULL, 0);
    hand_case("isa-v4");
}

static void hostile_cases(void)
{
    asm_begin(); /* down(): a 8-byte frame per call, until the stack region ends */
    I(0x7a, R10, 0, -8, 0);
    CALL_LOCAL(-2);
    EXIT();
    bare("deep-recursion");
    asm_begin(); /* calls itself without a frame: the depth limit stops it */
    CALL_LOCAL(-1);
    EXIT();
    bare("call-depth");
    asm_begin();
    LDDW(0xd8, 1, 0);
    I(0x72, 1, 0, 0, 1); /* *(u8 *)rodata = 1 */
    EXIT();
    asm_rbf("", 0, "\1\2\3", 4, NULL, 0);
    hand_case("rodata-store");
    asm_begin(); /* §4.1: x / 0 = 0, x % 0 = x (ALU: its low word) */
    MOV64(0, 7);
    MOV64(1, 0);
    I(0x3f, 0, 1, 0, 0); /* r0 /= r1 (0) */
    MOV64(2, 9);
    I(0x9f, 2, 1, 0, 0); /* r2 %= r1 (9) */
    I(0x0f, 0, 2, 0, 0);
    MOV64(3, -1);
    I(0x9c, 3, 1, 0, 0); /* w3 %= w1: 0xffffffff, zero-extended */
    I(0x77, 3, 0, 0, 32);
    I(0x0f, 0, 3, 0, 0);
    MOV64(4, 5);
    I(0x3c, 4, 1, 0, 0); /* w4 /= w1 (0) */
    I(0x0f, 0, 4, 0, 0);
    MOV64(5, 3);
    I(0x9f, 5, 1, 1, 0); /* r5 s%= r1 (3) */
    I(0x0f, 0, 5, 0, 0);
    EXIT();
    bare("div-zero");
}

/* button-counter (signed %: ISA v4 smod) registers on_button; one press is published. */
static void button_counter_case(void)
{
    run_program("button-counter", button_counter_rbf, sizeof(button_counter_rbf), RUN_BUDGET);
    const int32_t value = 1000;
    if (vm_engine.invoke(last_handler, &value, 1) != 0) {
        printf("@@INVOKE refused@@\n");
        return;
    }
    printf("@@BEGIN button-press@@\n");
    vm_outcome_t out = run_to_end(RUN_BUDGET);
    print_end("button-press", &out);
}

static void helper_cases(void)
{
    static const char format[] = "%d %04x %s!\0\0\0\0\0ok";
    asm_begin();
    LDDW(0xd8, 1, 0);
    MOV64(2, -5);
    MOV64(3, 255);
    LDDW(0xd8, 4, 16);
    CALL(0x01); /* bpf_printf: r0 = its length */
    EXIT();
    asm_rbf("", 0, format, sizeof(format), NULL, 0);
    hand_case("printf");
    asm_begin(); /* store_local(9, 1234); fetch_local(9, r10 - 8) */
    MOV64(1, 9);
    MOV64(2, 1234);
    CALL(0x10);
    MOV64(1, 9);
    MOV64X(2, R10);
    I(0x07, 2, 0, 0, -8);
    CALL(0x12);
    I(0x61, 0, R10, -8, 0);
    EXIT();
    bare("kv-local");
    asm_begin(); /* store_global(7, 4321): the next program fetches it */
    MOV64(1, 7);
    MOV64(2, 4321);
    CALL(0x11);
    EXIT();
    bare("kv-global-store");
    asm_begin();
    MOV64(1, 7);
    MOV64X(2, R10);
    I(0x07, 2, 0, 0, -4);
    CALL(0x13);
    I(0x61, 0, R10, -4, 0);
    EXIT();
    bare("kv-global-fetch");
    asm_begin(); /* sleep_ms(5) suspends; run() resumes after it with r0 = 0 */
    MOV64(1, 5);
    CALL(ABI(5));
    I(0x07, 0, 0, 0, 1);
    EXIT();
    bare("yield");
}

/* main registers on_press (instruction 5, byte 40) for event 1; on_press counts presses in
 * data and publishes the count. */
static void handler_case(void)
{
    static const uint8_t counter[4];
    asm_begin();
    MOV64(1, 1);
    MOV64(2, 5 * 8);
    CALL(ABI(30));
    MOV64(0, 0);
    EXIT();
    LDDW(0xb8, 2, 0);
    I(0x61, 3, 2, 0, 0);
    I(0x07, 3, 0, 0, 1);
    I(0x63, 2, 3, 0, 0);
    LDDW(0xd8, 1, 0);
    MOV64X(2, 3);
    CALL(ABI(20));
    MOV64(0, 0);
    EXIT();
    asm_rbf(counter, sizeof(counter), "presses", 8, NULL, 0);
    show_image("eh-counter");
    const program_t prog = { "eh-counter", image, (unsigned)image_len };
    handler_test(&prog);
}

/* sum of 1..100 one instruction at a time: 303 steps, as run.spec.ts slices it. */
static void sliced_case(void)
{
    asm_begin();
    MOV64(0, 0);
    MOV64(1, 100);
    I(0x0f, 0, 1, 0, 0);
    I(0x17, 1, 0, 0, 1);
    I(0x55, 1, 0, -3, 0);
    EXIT();
    asm_rbf("", 0, "", 0, NULL, 0);
    if (!load("sliced", image, image_len, GUEST_RAM)) {
        return;
    }
    printf("@@BEGIN sliced@@\n");
    vm_outcome_t out;
    unsigned steps = 0;
    do {
        out = vm_engine.step(1);
        steps++;
    } while (out.kind == VM_RUN_BUDGET && steps < 10000);
    print_end("sliced", &out);
    vm_inspection_t in;
    vm_engine.inspect(&in);
    printf("@@SLICED steps=%u instructions=%lu pc=%lu@@\n", steps, (unsigned long)in.instructions,
           (unsigned long)in.pc);
}

/* run.spec.ts "bpf-to-bpf calls": main calls twice (instruction 7) with r6 and its frame
 * live; after 4 instructions the call is in progress. */
static void calls_case(void)
{
    static const uint16_t fns[] = { 0, 7 };
    asm_begin();
    MOV64(6, 5);
    I(0x7a, R10, 0, -8, 1);
    MOV64(1, 20);
    CALL_LOCAL(3);
    I(0x0f, 0, 6, 0, 0);
    I(0x79, 1, R10, -8, 0);
    I(0x05, 0, 0, 5, 0);
    I(0x7a, R10, 0, -8, 99);
    MOV64(6, 0);
    MOV64(0, 2);
    I(0x2f, 0, 1, 0, 0);
    EXIT();
    I(0x0f, 0, 1, 0, 0);
    EXIT();
    asm_rbf("", 0, "", 0, fns, 2);
    show_image("calls");
    if (!load("calls", image, image_len, GUEST_RAM)) {
        return;
    }
    vm_engine.step(4);
    vm_inspection_t in;
    vm_engine.inspect(&in);
    printf("@@INSPECT count=%u pc=%lu", in.register_count, (unsigned long)in.pc);
    for (unsigned k = 0; k < in.register_count; k++) {
        printf(" %s=%lu", in.registers[k].name, (unsigned long)in.registers[k].value);
    }
    printf("@@\n@@BEGIN calls@@\n");
    vm_outcome_t out = run_to_end(RUN_BUDGET);
    print_end("calls", &out);
}

static void refusal_cases(void)
{
    asm_begin();
    I(0xe7, 1, 0, 0, 0); /* ALU64 operation 0xe0: none */
    EXIT();
    asm_rbf("", 0, "", 0, NULL, 0);
    hand_refusal("unknown-opcode");
    asm_begin();
    I(0x05, 0, 0, 5, 0); /* ja +5: past the end */
    EXIT();
    asm_rbf("", 0, "", 0, NULL, 0);
    hand_refusal("bad-jump");
    asm_begin();
    CALL(0x99);
    EXIT();
    asm_rbf("", 0, "", 0, NULL, 0);
    hand_refusal("unknown-helper");
    asm_begin();
    MOV64(R10, 1);
    EXIT();
    asm_rbf("", 0, "", 0, NULL, 0);
    hand_refusal("write-r10");
    asm_begin();
    MOV64(1, 5);
    I(0x94, 1, 0, 0, 0); /* w1 %= 0, an immediate */
    EXIT();
    asm_rbf("", 0, "", 0, NULL, 0);
    hand_refusal("div-by-zero-imm");
    asm_begin();
    I(0xb7, 1, 0, 8, 5); /* movsx from an immediate: no such form */
    EXIT();
    asm_rbf("", 0, "", 0, NULL, 0);
    hand_refusal("movsx-imm");
    /* ISA v4 encodings that are none: the spec compares each refusal with the TS verifier */
    static const struct {
        const char *name;
        uint8_t op;
        int16_t off;
        int32_t imm;
    } not_v4[] = {
        { "sdiv-offset-2", 0x3f, 2, 0 },  /* DIV X with offset 2 */
        { "movsx32-32", 0xbc, 32, 0 },    /* ALU movsx of 32 bits */
        { "memsx-dw", 0x99, 0, 0 },       /* a sign-extending doubleword load */
        { "bswap-x", 0xdf, 0, 16 },       /* ALU64 END with the source bit */
        { "gotol-past-end", 0x06, 0, 9 }, /* gotol +9: outside text */
    };
    for (unsigned k = 0; k < sizeof(not_v4) / sizeof(not_v4[0]); k++) {
        asm_begin();
        I(not_v4[k].op, 1, 2, not_v4[k].off, not_v4[k].imm);
        EXIT();
        asm_rbf("", 0, "", 0, NULL, 0);
        hand_refusal(not_v4[k].name);
    }
    asm_begin();
    MOV64(0, 0);
    asm_rbf("", 0, "", 0, NULL, 0);
    hand_refusal("no-exit");
    asm_begin();
    EXIT();
    asm_rbf("", 0, "", 0, NULL, 0);
    image[3] = 'X';
    hand_refusal("bad-magic");
    image[3] = 'F';
    image_len -= 1;
    hand_refusal("size-mismatch");
    load("small-ram", fibonacci_rbf, sizeof(fibonacci_rbf), 4096);
}

static void family_cases(void)
{
    isa_cases();
    hostile_cases();
    helper_cases();
    handler_case();
    button_counter_case();
    for (unsigned k = 0; k < sizeof(libc_programs) / sizeof(libc_programs[0]); k++) {
        run_program(libc_programs[k].name, libc_programs[k].image, libc_programs[k].len,
                    RUN_BUDGET);
    }
    sliced_case();
    calls_case();
    refusal_cases();
    /* after every hostile and refused image, the engine still runs a program */
    run_program("fibonacci-again", fibonacci_rbf, sizeof(fibonacci_rbf), RUN_BUDGET);
}
