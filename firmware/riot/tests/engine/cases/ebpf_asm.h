/*
 * A tiny eBPF assembler for the ebpf cases (RFC 9669 encodings, as
 * devices/engines/ebpf/testing/asm.ts) and the programs of the ISA cases built with it.
 * One image at a time: asm_begin() starts a text, asm_rbf() wraps it into an .rbf in
 * `image` (src/protocol/images/rbf/format.ts), which must stay valid while it is loaded.
 * show_image() prints the bytes so the spec runs the same image on the TypeScript engine.
 */
#define ASM_SLOTS 6144
#define R10 10
#define ABI(nr) (0x100 + (nr))

static uint8_t asm_text[ASM_SLOTS * 8];
static unsigned asm_slots;
static uint8_t image[ASM_SLOTS * 8 + 1024];
static size_t image_len;

static void asm_begin(void)
{
    asm_slots = 0;
}

static void I(uint8_t op, unsigned dst, unsigned src, int16_t off, int32_t imm)
{
    if (asm_slots == ASM_SLOTS) {
        return; /* the image then lacks its exit: the verifier refuses it (no_exit) */
    }
    uint8_t *p = &asm_text[asm_slots++ * 8];
    p[0] = op;
    p[1] = (uint8_t)(src << 4 | dst);
    p[2] = (uint8_t)off;
    p[3] = (uint8_t)((uint16_t)off >> 8);
    for (unsigned k = 0; k < 4; k++) {
        p[4 + k] = (uint8_t)((uint32_t)imm >> (8 * k));
    }
}

/* LDDW (0x18), or Femto-Container's 0xB8 (data + v) / 0xD8 (rodata + v): two slots. */
static void LDDW(uint8_t op, unsigned dst, uint64_t v)
{
    I(op, dst, 0, 0, (int32_t)(uint32_t)v);
    I(0, 0, 0, 0, (int32_t)(uint32_t)(v >> 32));
}

#define MOV64(d, imm) I(0xb7, d, 0, 0, imm)
#define MOV64X(d, s) I(0xbf, d, s, 0, 0)
#define CALL(helper) I(0x85, 0, 0, 0, helper)
#define CALL_LOCAL(rel) I(0x85, 0, 1, 0, rel)
#define EXIT() I(0x95, 0, 0, 0, 0)

static void put_u32(uint8_t *p, uint32_t v)
{
    for (unsigned k = 0; k < 4; k++) {
        p[k] = (uint8_t)(v >> (8 * k));
    }
}

/* header, data, rodata, text; function table entries at instruction indexes `fns`, named
 * f0, f1, ... after rodata, as asm.ts rbf() does. */
static void asm_rbf(const void *data, uint32_t dlen, const void *rodata, uint32_t rlen,
                    const uint16_t *fns, unsigned nfns)
{
    uint8_t *p = image;
    uint32_t names = 3 * nfns, tlen = asm_slots * 8;
    memcpy(p, "rBPF", 4);
    put_u32(p + 4, 0);
    put_u32(p + 8, 0);
    put_u32(p + 12, dlen);
    put_u32(p + 16, rlen + names);
    put_u32(p + 20, tlen);
    put_u32(p + 24, nfns);
    p += 28;
    memcpy(p, data, dlen);
    p += dlen;
    memcpy(p, rodata, rlen);
    p += rlen;
    for (unsigned k = 0; k < nfns; k++, p += 3) {
        p[0] = 'f';
        p[1] = (uint8_t)('0' + k);
        p[2] = 0;
    }
    memcpy(p, asm_text, tlen);
    p += tlen;
    for (unsigned k = 0; k < nfns; k++, p += 6) {
        uint16_t name = (uint16_t)(rlen + 3 * k), at = (uint16_t)(fns[k] * 8);
        p[0] = (uint8_t)name;
        p[1] = (uint8_t)(name >> 8);
        p[2] = p[3] = 0;
        p[4] = (uint8_t)at;
        p[5] = (uint8_t)(at >> 8);
    }
    image_len = (size_t)(p - image);
}

static void show_image(const char *name)
{
    printf("@@IMAGE %s ", name);
    for (size_t k = 0; k < image_len; k++) {
        printf("%02x", image[k]);
    }
    printf("@@\n");
}

/* ---- the ISA cases: every ALU, jump and memory form on edge values, results printed ----- */

/* rodata of the ISA programs: "\n" at 0, " " at 2 */
static const char isa_rodata[] = "\n\0 ";
#define PRINT_STR(offset) (LDDW(0xd8, 1, offset), CALL(ABI(2)))

/* Prints r1 as "lo hi\n" (print_int takes the low 32 bits of r1). */
static void print_r1(void)
{
    MOV64X(6, 1);
    CALL(ABI(3));
    PRINT_STR(2);
    MOV64X(1, 6);
    I(0x77, 1, 0, 0, 32); /* r1 >>= 32 */
    CALL(ABI(3));
    PRINT_STR(0);
}

static const uint64_t isa_values[][2] = {
    { 0, 0 }, { 7, 0 }, { 100, 7 }, { (uint64_t)-1, 1 }, { (uint64_t)-7, 2 },
    { 0x8000000000000000ull, 63 }, { 0x123456789abcdef0ull, 0xfedcba9876543210ull },
    { 0xffffffffull, 0x100000003ull }, { 5, (uint64_t)-3 }, { 0x80000000ull, 33 },
};
#define ISA_PAIRS (sizeof(isa_values) / sizeof(isa_values[0]))

/* cls 0x07 (ALU64) or 0x04 (ALU): every operation with K and X operands, neg, and (ALU)
 * the byte swaps; r1 = a, r2 = b, result printed. */
static void isa_alu(uint8_t cls)
{
    asm_begin();
    for (unsigned k = 0; k < ISA_PAIRS; k++) {
        uint64_t a = isa_values[k][0], b = isa_values[k][1];
        for (unsigned op = 0; op <= 0xc0; op += 0x10) {
            for (unsigned x = 0; x < 2 && !(op == 0x80 && x); x++) {
                LDDW(0x18, 1, a);
                LDDW(0x18, 2, b);
                int32_t imm = x ? 0 : (int32_t)(uint32_t)b;
                if ((op == 0x30 || op == 0x90) && !x && imm == 0) {
                    continue; /* refused: division_by_zero */
                }
                I((uint8_t)(op | cls | (x ? 0x08 : 0)), 1, x ? 2 : 0, 0, imm);
                print_r1();
            }
        }
        for (unsigned width = 16; cls == 0x04 && width <= 64; width *= 2) {
            for (unsigned big = 0; big < 2; big++) {
                LDDW(0x18, 1, a ^ b);
                I(big ? 0xdc : 0xd4, 1, 0, 0, (int32_t)width);
                print_r1();
            }
        }
    }
    MOV64(0, 0);
    EXIT();
}

/* Every conditional jump, JMP and JMP32, K and X: prints 1 when taken, a line per pair. */
static void isa_jumps(void)
{
    static const uint8_t ops[] = { 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70,
                                   0xa0, 0xb0, 0xc0, 0xd0 };
    asm_begin();
    for (unsigned k = 0; k < ISA_PAIRS; k++) {
        for (unsigned j = 0; j < sizeof(ops) * 4; j++) {
            uint8_t cls = j & 2 ? 0x06 : 0x05, x = j & 1 ? 0x08 : 0;
            LDDW(0x18, 1, isa_values[k][0]);
            LDDW(0x18, 2, isa_values[k][1]);
            MOV64(0, 1);
            int32_t imm = x ? 0 : (int32_t)(uint32_t)isa_values[k][1];
            I((uint8_t)(ops[j / 4] | cls | x), 1, x ? 2 : 0, 1, imm);
            MOV64(0, 0);
            MOV64X(1, 0);
            CALL(ABI(3));
        }
        PRINT_STR(0);
    }
    MOV64(0, 0);
    EXIT();
}

/* Loads and stores of every size on the stack, data (0xB8) and rodata (0xD8), aligned and
 * not; ST's immediate is sign-extended. */
static void isa_memory(void)
{
    asm_begin();
    for (int16_t at = -16; at <= -9; at++) {
        LDDW(0x18, 3, 0x1122334455667788ull);
        I(0x7b, R10, 3, -16, 0);
        I(0x7b, R10, 3, -8, 0);
        for (unsigned size = 0; size < 4; size++) { /* w h b dw */
            I((uint8_t)(0x62 | size << 3), R10, 0, at, -2);
            I((uint8_t)(0x61 | size << 3), 1, R10, at, 0);
            print_r1();
            I((uint8_t)(0x63 | size << 3), R10, 3, (int16_t)(at + 1), 0);
            I(0x79, 1, R10, -16, 0);
            print_r1();
        }
    }
    LDDW(0xb8, 4, 1);
    I(0x61, 1, 4, 0, 0); /* data[1..4] */
    print_r1();
    I(0x63, 4, 1, 3, 0); /* data[4..7] = it */
    I(0x79, 1, 4, -1, 0);
    print_r1();
    LDDW(0xd8, 4, 1);
    I(0x69, 1, 4, 0, 0); /* rodata[1..2] */
    print_r1();
    MOV64X(1, 4);
    print_r1();
    MOV64(0, 0);
    EXIT();
}

/* ISA v4 (RFC 9669): sdiv/smod in ALU64 and ALU, K and X, on the ISA pairs and the
 * overflow edges; movsx of every width; bswap; sign-extending loads; gotol. */
static void isa_v4(void)
{
    static const uint64_t edges[][2] = {
        { 0x8000000000000000ull, (uint64_t)-1 }, /* LLONG_MIN / -1 */
        { 0xffffffff80000000ull, (uint64_t)-1 }, /* INT_MIN / -1 in the low words */
        { 0x80000000ull, 0xffffffffull },
        { (uint64_t)-7, 0 }, /* by a zero register */
    };
    static const int16_t sx[] = { 8, 16, 32 };
    asm_begin();
    for (unsigned k = 0; k < ISA_PAIRS + 4; k++) {
        const uint64_t *v = k < ISA_PAIRS ? isa_values[k] : edges[k - ISA_PAIRS];
        for (unsigned j = 0; j < 8; j++) { /* sdiv, smod (offset 1); ALU64, ALU; K, X */
            uint8_t op = j & 4 ? 0x90 : 0x30, cls = j & 2 ? 0x04 : 0x07, x = j & 1 ? 0x08 : 0;
            int32_t imm = x ? 0 : (int32_t)(uint32_t)v[1];
            if (!x && imm == 0) {
                continue; /* refused: division_by_zero */
            }
            LDDW(0x18, 1, v[0]);
            LDDW(0x18, 2, v[1]);
            I((uint8_t)(op | cls | x), 1, x ? 2 : 0, 1, imm);
            print_r1();
        }
        for (unsigned j = 0; j < 5; j++) { /* movsx: ALU64 s8 s16 s32, ALU s8 s16 */
            LDDW(0x18, 1, v[1]);
            LDDW(0x18, 2, v[0]);
            I(j < 3 ? 0xbf : 0xbc, 1, 2, sx[j % 3], 0);
            print_r1();
        }
        for (unsigned width = 16; width <= 64; width *= 2) {
            LDDW(0x18, 1, v[0] ^ v[1]);
            I(0xd7, 1, 0, 0, (int32_t)width); /* bswap */
            print_r1();
        }
    }
    LDDW(0x18, 3, 0x80ff7f00fe7f8001ull);
    I(0x7b, R10, 3, -8, 0);
    for (int16_t at = -8; at <= -5; at++) {
        for (unsigned size = 0; size < 3; size++) { /* w h b, sign-extended */
            I((uint8_t)(0x81 | size << 3), 1, R10, at, 0);
            print_r1();
        }
    }
    MOV64(1, 1);
    I(0x06, 0, 0, 0, 2); /* gotol +2 */
    MOV64(1, 99);
    I(0x06, 0, 0, 0, 2); /* gotol +2: to the print */
    MOV64(1, 7);
    I(0x06, 0, 0, 0, -3); /* gotol -3: back to the one above */
    print_r1();
    MOV64(0, 0);
    EXIT();
}
