/*
 * The eBPF interpreter: devices/engines/ebpf/interpreter.ts + calls.ts + arith.ts, on
 * native 64-bit registers. Semantics: RFC 9669 (cited as §), plus Femto-Container's LDDW
 * forms 0xB8/0xD8. One flat switch over the raw opcode, hot state in locals.
 *
 * Executed in place from the verified image, not pre-decoded as the TS engine does: the
 * eBPF encoding is already a decoded form (byte-aligned opcode, registers, offset and
 * immediate), so a copy would cost 8 bytes of RAM per instruction for nothing but the
 * two things decode.ts resolves ahead: 0xB8/0xD8 add their region's base here (one add),
 * and a bpf-to-bpf call looks its frames up in the function table (frames.c). The verifier guarantees every register is r0..r10,
 * every jump and call lands on an instruction and text ends with exit, so the fetch
 * needs no check; every load and store goes through eb_load_at/eb_store_at.
 */
#include "ebpf_internal.h"

/* Arithmetic shifts without relying on implementation-defined >> of negative values. */
static inline uint64_t sra64(uint64_t v, unsigned n)
{
    return (v >> 63) ? ~(~v >> n) : v >> n;
}

static inline uint32_t sra32(uint32_t v, unsigned n)
{
    return (v & 0x80000000u) ? ~(~v >> n) : v >> n;
}

static inline uint32_t bswap32(uint32_t v)
{
    return v >> 24 | (v >> 8 & 0xff00u) | (v << 8 & 0xff0000u) | v << 24;
}

/* The low `bits` bits of v (8, 16 or 32) sign-extended to 64: ISA v4 MOVSX and MEMSX. */
static inline uint64_t sext(uint64_t v, unsigned bits)
{
    uint64_t m = 1ull << (bits - 1);
    return ((v & ((m << 1) - 1)) ^ m) - m;
}

/* ISA v4 signed division and modulo on magnitudes, truncating toward zero like C (§4.1):
 * x / 0 = 0, x % 0 = x, MIN / -1 = MIN (the quotient wraps), MIN % -1 = 0. */
static inline uint64_t sdiv64(uint64_t a, uint64_t b)
{
    if (b == 0) {
        return 0;
    }
    uint64_t q = ((a >> 63) ? 0 - a : a) / ((b >> 63) ? 0 - b : b);
    return ((a ^ b) >> 63) ? 0 - q : q;
}

static inline uint64_t smod64(uint64_t a, uint64_t b)
{
    if (b == 0) {
        return a;
    }
    uint64_t m = ((a >> 63) ? 0 - a : a) % ((b >> 63) ? 0 - b : b);
    return (a >> 63) ? 0 - m : m;
}

static inline uint32_t sdiv32(uint32_t a, uint32_t b)
{
    if (b == 0) {
        return 0;
    }
    uint32_t q = ((a >> 31) ? 0 - a : a) / ((b >> 31) ? 0 - b : b);
    return ((a ^ b) >> 31) ? 0 - q : q;
}

static inline uint32_t smod32(uint32_t a, uint32_t b)
{
    if (b == 0) {
        return a;
    }
    uint32_t m = ((a >> 31) ? 0 - a : a) % ((b >> 31) ? 0 - b : b);
    return (a >> 31) ? 0 - m : m;
}

/* Signed x < y as an unsigned compare with the sign bits flipped: no conversion to a
 * signed type. */
#define SLT64(x, y) (((x) ^ 0x8000000000000000ull) < ((y) ^ 0x8000000000000000ull))
#define SLT32(x, y) (((x) ^ 0x80000000u) < ((y) ^ 0x80000000u))

#define DST r[dst]

/* The operands: dst, and b = the sign-extended immediate (K form) or src (X form, opcode
 * bit 3, §3.3). The two forms share one body, entered by a case of each that sets b: half
 * the code of a body per form (this is what a board's flash pays for), and unlike one case
 * testing the source bit, no run-time test. */
#define A32 ((uint32_t)DST)
#define B32 ((uint32_t)b)
#define K_OR_X(k_case, x_case, body)                                                       \
    case (k_case): b = (uint64_t)(int64_t)imm; goto body;                                  \
    case (x_case): b = r[src];                                                             \
    body:
/* ALU64 and ALU (32-bit, the result zero-extended), §4.1. */
#define ALU(code, expr64, expr32)                                                          \
    K_OR_X((code) | 0x07, (code) | 0x0f, alu64_##code) DST = (expr64); break;              \
    K_OR_X((code) | 0x04, (code) | 0x0c, alu32_##code) DST = (uint32_t)(expr32); break;
/* JMP (64-bit compares) and JMP32 (the low words), §4.3. */
#define JUMP(code, cond64, cond32)                                                         \
    K_OR_X((code) | 0x05, (code) | 0x0d, jmp64_##code) pc += (cond64) ? off : 0; break;    \
    K_OR_X((code) | 0x06, (code) | 0x0e, jmp32_##code) pc += (cond32) ? off : 0; break;

/* LDX zero-extends (§5.1); an n-byte little-endian load into dst, through the checked path. */
#define LOAD(code, n)                                                                      \
    case (code): {                                                                         \
        uint64_t at = r[src] + (uint64_t)(int64_t)off;                                     \
        const uint8_t *p = eb_load_at(at, n);                                              \
        if (p == NULL) {                                                                   \
            eb_fault_memory(fault, cur, false, n, at);                                     \
            goto faulted;                                                                  \
        }                                                                                  \
        DST = get(p, n);                                                                   \
        break;                                                                             \
    }
/* ISA v4 MEMSX (§5.2): the same, sign-extended. */
#define LOAD_SX(code, n)                                                                   \
    case (code): {                                                                         \
        uint64_t at = r[src] + (uint64_t)(int64_t)off;                                     \
        const uint8_t *p = eb_load_at(at, n);                                              \
        if (p == NULL) {                                                                   \
            eb_fault_memory(fault, cur, false, n, at);                                     \
            goto faulted;                                                                  \
        }                                                                                  \
        DST = sext(get(p, n), 8 * (n));                                                    \
        break;                                                                             \
    }
/* ST (code) stores the sign-extended immediate, STX (code + 1) src; the base is dst. */
#define STORE(code, n)                                                                     \
    K_OR_X((code), (code) + 1, store_##n) {                                                \
        uint64_t at = DST + (uint64_t)(int64_t)off;                                        \
        uint8_t *p = eb_store_at(at, n);                                                   \
        if (p == NULL) {                                                                   \
            eb_fault_memory(fault, cur, true, n, at);                                      \
            goto faulted;                                                                  \
        }                                                                                  \
        put(p, b, n);                                                                      \
        break;                                                                             \
    }

static inline uint64_t get(const uint8_t *p, unsigned n)
{
    switch (n) {
    case 1: return p[0];
    case 2: return eb_u16(p);
    case 4: return eb_u32(p);
    default: return eb_u32(p) | (uint64_t)eb_u32(p + 4) << 32;
    }
}

static inline void put(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        p[k] = (uint8_t)(v >> (8 * k));
    }
}

/* Whether function k of the table holds instruction pc. */
static inline bool holds(unsigned k, uint32_t pc)
{
    return eb.function_pc[k] <= pc && (k + 1 == eb.functions || pc < eb.function_pc[k + 1]);
}

/* A bpf-to-bpf call (calls.ts): saves r6..r9, r10 and the return pc, moves r10 down by the
 * caller's frame; false with *fault set past the depth limit or below the stack region.
 * The caller is the function holding the call (frames.c): usually the one the last call
 * entered (eb.function_hint), and a call site usually calls the target it called last,
 * so the table is searched only when either guess is wrong. */
static bool call_local(uint64_t *r, uint32_t cur, uint32_t target, vm_fault_t *fault)
{
    if (eb.depth >= VMFLEET_EBPF_MAX_DEPTH) {
        eb_fault_depth(fault, cur);
        return false;
    }
    unsigned caller = holds(eb.function_hint, cur) ? eb.function_hint : eb_function_of(cur);
    unsigned callee = eb.function_pc[eb.callee_hint] == target ? eb.callee_hint
                                                               : eb_function_of(target);
    int64_t r10 = (int64_t)r[EB_R10] - eb.function_frame[caller];
    int64_t lowest = r10 - eb.function_frame[callee]; /* a call target starts a function */
    if (lowest < EB_STACK_BASE) {
        eb_fault_stack(fault, cur, lowest);
        return false;
    }
    eb.function_hint = eb.callee_hint = (uint16_t)callee;
    eb_frame_t *f = &eb_frames[eb.depth++];
    for (unsigned k = 0; k < 4; k++) {
        f->saved[k] = r[6 + k];
    }
    f->return_pc = cur + 1;
    f->r10 = (uint32_t)r[EB_R10];
    if ((uint32_t)lowest < eb.lowest_stack) {
        eb.lowest_stack = (uint32_t)lowest;
    }
    r[EB_R10] = (uint64_t)r10;
    return true;
}

/* exit from a called function: restores r6..r10, returns the caller's next pc. */
static uint32_t return_from_call(uint64_t *r)
{
    const eb_frame_t *f = &eb_frames[--eb.depth];
    for (unsigned k = 0; k < 4; k++) {
        r[6 + k] = f->saved[k];
    }
    r[EB_R10] = f->r10;
    return f->return_pc;
}

eb_stop_t eb_execute(uint32_t budget, uint32_t *executed, vm_fault_t *fault)
{
    uint64_t *r = eb.r;
    const uint8_t *text = eb.text;
    uint32_t pc = eb.pc, cur = pc, left = budget;
    eb_stop_t stop = EB_STOP_BUDGET;

    while (left > 0) {
        const uint8_t *ip = text + pc * EB_INSN_BYTES;
        uint8_t op = ip[0];
        unsigned dst = ip[1] & 0x0f, src = ip[1] >> 4;
        int32_t off = (int16_t)eb_u16(ip + 2);
        int32_t imm = (int32_t)eb_u32(ip + 4);
        uint64_t b = 0;
        cur = pc++;
        left--;
        switch (op) {
        ALU(0x00, DST + b, A32 + B32)
        ALU(0x10, DST - b, A32 - B32)
        ALU(0x20, DST * b, A32 * B32)
        /* §4.1: x / 0 = 0, x % 0 = x; offset 1 is v4 SDIV/SMOD (the verifier allows 0, 1) */
        ALU(0x30, off ? sdiv64(DST, b) : b ? DST / b : 0,
            off ? sdiv32(A32, B32) : B32 ? A32 / B32 : 0)
        ALU(0x40, DST | b, A32 | B32)
        ALU(0x50, DST & b, A32 & B32)
        ALU(0x60, DST << (b & 63), A32 << (B32 & 31))
        ALU(0x70, DST >> (b & 63), A32 >> (B32 & 31))
        ALU(0x90, off ? smod64(DST, b) : b ? DST % b : DST,
            off ? smod32(A32, B32) : B32 ? A32 % B32 : A32)
        ALU(0xa0, DST ^ b, A32 ^ B32)
        /* offset 8/16/32 (register form only): v4 MOVSX, ALU sign-extends into 32 bits */
        ALU(0xb0, off ? sext(b, (unsigned)off) : b, off ? (uint32_t)sext(B32, (unsigned)off) : B32)
        ALU(0xc0, sra64(DST, (unsigned)(b & 63)), sra32(A32, B32 & 31))
        case 0x87: DST = 0 - DST; break;
        case 0x84: DST = (uint32_t)(0 - A32); break;
        /* §4.2 byte swaps; "to le" on this little-endian machine truncates */
        case 0xd4: DST = imm == 16 ? (DST & 0xffff) : imm == 32 ? A32 : DST; break;
        case 0xdc:
        case 0xd7: /* v4 bswap (ALU64 END): unconditional, so `to be` on this machine */
            if (imm == 16) {
                DST = (uint16_t)((DST & 0xff) << 8 | (DST >> 8 & 0xff));
            } else if (imm == 32) {
                DST = bswap32(A32);
            } else {
                DST = (uint64_t)bswap32(A32) << 32 | bswap32((uint32_t)(DST >> 32));
            }
            break;
        case 0x05: pc += off; break;
        case EB_OP_GOTOL: pc += imm; break; /* v4: a 32-bit offset */
        JUMP(0x10, DST == b, A32 == B32)
        JUMP(0x20, DST > b, A32 > B32)
        JUMP(0x30, DST >= b, A32 >= B32)
        JUMP(0x40, (DST & b) != 0, (A32 & B32) != 0)
        JUMP(0x50, DST != b, A32 != B32)
        JUMP(0x60, SLT64(b, DST), SLT32(B32, A32))
        JUMP(0x70, !SLT64(DST, b), !SLT32(A32, B32))
        JUMP(0xa0, DST < b, A32 < B32)
        JUMP(0xb0, DST <= b, A32 <= B32)
        JUMP(0xc0, SLT64(DST, b), SLT32(A32, B32))
        JUMP(0xd0, !SLT64(b, DST), !SLT32(B32, A32))
        LOAD(0x71, 1)
        LOAD(0x69, 2)
        LOAD(0x61, 4)
        LOAD(0x79, 8)
        LOAD_SX(0x91, 1)
        LOAD_SX(0x89, 2)
        LOAD_SX(0x81, 4)
        STORE(0x72, 1)
        STORE(0x6a, 2)
        STORE(0x62, 4)
        STORE(0x7a, 8)
        /* §5.4: imm | next.imm << 32; 0xB8/0xD8 add the data/rodata base (LDDWD/LDDWR) */
        case EB_OP_LDDW:
        case EB_OP_LDDW_DATA:
        case EB_OP_LDDW_RODATA: {
            uint64_t v = (uint64_t)eb_u32(ip + 12) << 32 | (uint32_t)imm;
            v += op == EB_OP_LDDW_DATA ? EB_DATA_BASE : op == EB_OP_LDDW_RODATA ? EB_RODATA_BASE : 0;
            DST = v;
            pc++;
            break;
        }
        case EB_OP_CALL:
            if (src == 0) {
                eb.stop_pc = cur;
                stop = EB_STOP_HELPER;
                goto stopped;
            }
            if (!call_local(r, cur, (uint32_t)((int32_t)cur + 1 + imm), fault)) {
                goto faulted;
            }
            pc = (uint32_t)((int32_t)cur + 1 + imm);
            break;
        case EB_OP_EXIT:
            if (eb.depth == 0) {
                eb.stop_pc = cur;
                pc = cur; /* stays on exit: run() again reports the same end */
                stop = EB_STOP_EXIT;
                goto stopped;
            }
            pc = return_from_call(r);
            break;
        default: /* the verifier refused it; an LDDW's second half is never reached */
            eb_fault_illegal(fault, cur, op);
            goto faulted;
        }
    }
    goto stopped;
faulted:
    pc = cur; /* a faulting instruction is not counted and leaves pc on itself */
    left++;
    stop = EB_STOP_FAULT;
stopped:
    eb.pc = pc;
    *executed = budget - left;
    return stop;
}
