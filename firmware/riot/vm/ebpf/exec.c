/*
 * The eBPF interpreter: devices/engines/ebpf/interpreter.ts + calls.ts + arith.ts, on
 * native 64-bit registers. Semantics: RFC 9669 (cited as §), plus Femto-Container's LDDW
 * forms 0xB8/0xD8. One flat switch over the raw opcode, hot state in locals.
 *
 * Executed in place from the verified image, not pre-decoded as the TS engine does: the
 * eBPF encoding is already a decoded form (byte-aligned opcode, registers, offset and
 * immediate), so a copy would cost 8 bytes of RAM per instruction for nothing but the
 * two things decode.ts resolves ahead: 0xB8/0xD8 add their region's base here (one add),
 * and a bpf-to-bpf call looks its frames up in the function table (frames.c), a binary
 * search over a handful of entries. The verifier guarantees every register is r0..r10,
 * every jump and call lands on an instruction and text ends with exit, so the fetch
 * needs no check; every load and store goes through eb_load_at/eb_store_at.
 */
#include "ebpf_internal.h"

#define SIGN64 0x8000000000000000ull

/* Arithmetic shifts without relying on implementation-defined >> of negative values. */
static inline uint64_t sra64(uint64_t v, unsigned n)
{
    return (v & SIGN64) ? ~(~v >> n) : v >> n;
}

static inline uint32_t sra32(uint32_t v, unsigned n)
{
    return (v & 0x80000000u) ? ~(~v >> n) : v >> n;
}

static inline uint32_t bswap32(uint32_t v)
{
    return v >> 24 | (v >> 8 & 0xff00u) | (v << 8 & 0xff0000u) | v << 24;
}

/* Signed compares as unsigned ones with the sign bit flipped, no conversion to a signed
 * type; a 32-bit operand is flipped at bit 31 and compares zero-extended, in the same order. */
#define SLT(a, b) (((a) ^ sign_of(a)) < ((b) ^ sign_of(b)))
#define sign_of(x) (sizeof(x) == 8 ? SIGN64 : 0x80000000u)

#define DST r[dst]
#define SRC r[src]
#define IMM64 ((uint64_t)(int64_t)imm)

/* ALU64 (§4.1): immediate sign-extended to 64 bits, or a register ((void)a: mov does not
 * read dst). */
#define ALU64(code, expr)                                                                  \
    case (code) | 0x07: {                                                                  \
        uint64_t a = DST, b = IMM64;                                                       \
        (void)a, (void)b, DST = (expr);                                                    \
        break;                                                                             \
    }                                                                                      \
    case (code) | 0x0f: {                                                                  \
        uint64_t a = DST, b = SRC;                                                         \
        (void)a, (void)b, DST = (expr);                                                    \
        break;                                                                             \
    }
/* ALU (§4.1): 32-bit operations on the low words, the result zero-extended. */
#define ALU32(code, expr)                                                                  \
    case (code) | 0x04: {                                                                  \
        uint32_t a = (uint32_t)DST, b = (uint32_t)imm;                                     \
        (void)a, (void)b, DST = (uint32_t)(expr);                                          \
        break;                                                                             \
    }                                                                                      \
    case (code) | 0x0c: {                                                                  \
        uint32_t a = (uint32_t)DST, b = (uint32_t)SRC;                                     \
        (void)a, (void)b, DST = (uint32_t)(expr);                                          \
        break;                                                                             \
    }
/* JMP (64-bit compares, immediate sign-extended) and JMP32 (the low words), §4.3. */
#define JUMP(code, cond)                                                                   \
    case (code) | 0x05: {                                                                  \
        uint64_t a = DST, b = IMM64;                                                       \
        pc += (cond) ? off : 0;                                                            \
        break;                                                                             \
    }                                                                                      \
    case (code) | 0x0d: {                                                                  \
        uint64_t a = DST, b = SRC;                                                         \
        pc += (cond) ? off : 0;                                                            \
        break;                                                                             \
    }                                                                                      \
    case (code) | 0x06: {                                                                  \
        uint32_t a = (uint32_t)DST, b = (uint32_t)imm;                                     \
        pc += (cond) ? off : 0;                                                            \
        break;                                                                             \
    }                                                                                      \
    case (code) | 0x0e: {                                                                  \
        uint32_t a = (uint32_t)DST, b = (uint32_t)SRC;                                     \
        pc += (cond) ? off : 0;                                                            \
        break;                                                                             \
    }

/* LDX zero-extends (§5.1); n-byte little-endian load into dst. */
#define LOAD(code, n, read)                                                                \
    case (code): {                                                                         \
        const uint8_t *p = eb_load_at(SRC + (uint64_t)(int64_t)off, n);                    \
        if (p == NULL) {                                                                   \
            eb_fault_memory(fault, cur, false, n, SRC + (uint64_t)(int64_t)off);           \
            goto faulted;                                                                  \
        }                                                                                  \
        DST = (read);                                                                      \
        break;                                                                             \
    }
/* ST stores the (sign-extended) immediate, STX the low bytes of src; the base is dst. */
#define STORE(code, n, value)                                                              \
    case (code): {                                                                         \
        uint8_t *p = eb_store_at(DST + (uint64_t)(int64_t)off, n);                         \
        if (p == NULL) {                                                                   \
            eb_fault_memory(fault, cur, true, n, DST + (uint64_t)(int64_t)off);            \
            goto faulted;                                                                  \
        }                                                                                  \
        put(p, (value), n);                                                                \
        break;                                                                             \
    }

static inline uint64_t get(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned k = n; k-- > 0;) {
        v = v << 8 | p[k];
    }
    return v;
}

static inline void put(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        p[k] = (uint8_t)(v >> (8 * k));
    }
}

/* A bpf-to-bpf call (calls.ts): saves r6..r9, r10 and the return pc, moves r10 down by the
 * caller's frame; false with *fault set past the depth limit or below the stack region. */
static bool call_local(uint64_t *r, uint32_t cur, uint32_t target, vm_fault_t *fault)
{
    if (eb.depth >= VMFLEET_EBPF_MAX_DEPTH) {
        eb_fault_depth(fault, cur);
        return false;
    }
    int64_t r10 = (int64_t)r[EB_R10] - eb.function_frame[eb_function_of(cur)];
    int64_t lowest = r10 - eb_frame_at(target);
    if (lowest < EB_STACK_BASE) {
        eb_fault_stack(fault, cur, lowest);
        return false;
    }
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
        unsigned dst = ip[1] & 0x0f, src = ip[1] >> 4;
        int32_t off = (int16_t)eb_u16(ip + 2);
        int32_t imm = (int32_t)eb_u32(ip + 4);
        cur = pc++;
        left--;
        switch (ip[0]) {
        ALU64(0x00, a + b)
        ALU64(0x10, a - b)
        ALU64(0x20, a * b)
        ALU64(0x30, b ? a / b : 0) /* §4.1: division by zero gives 0 */
        ALU64(0x40, a | b)
        ALU64(0x50, a & b)
        ALU64(0x60, a << (b & 63))
        ALU64(0x70, a >> (b & 63))
        ALU64(0x90, b ? a % b : a) /* §4.1: modulo by zero leaves dst unchanged */
        ALU64(0xa0, a ^ b)
        ALU64(0xb0, b)
        ALU64(0xc0, sra64(a, (unsigned)(b & 63)))
        case 0x87: DST = 0 - DST; break;
        ALU32(0x00, a + b)
        ALU32(0x10, a - b)
        ALU32(0x20, a * b)
        ALU32(0x30, b ? a / b : 0)
        ALU32(0x40, a | b)
        ALU32(0x50, a & b)
        ALU32(0x60, a << (b & 31))
        ALU32(0x70, a >> (b & 31))
        ALU32(0x90, b ? a % b : a) /* the low word, zero-extended */
        ALU32(0xa0, a ^ b)
        ALU32(0xb0, b)
        ALU32(0xc0, sra32(a, b & 31))
        case 0x84: DST = (uint32_t)(0 - (uint32_t)DST); break;
        /* §4.2 byte swaps; "to le" on this little-endian machine truncates */
        case 0xd4: DST = imm == 16 ? (DST & 0xffff) : imm == 32 ? (uint32_t)DST : DST; break;
        case 0xdc:
            if (imm == 16) {
                DST = (uint16_t)((DST & 0xff) << 8 | (DST >> 8 & 0xff));
            } else if (imm == 32) {
                DST = bswap32((uint32_t)DST);
            } else {
                DST = (uint64_t)bswap32((uint32_t)DST) << 32 | bswap32((uint32_t)(DST >> 32));
            }
            break;
        case 0x05: pc += off; break;
        JUMP(0x10, a == b)
        JUMP(0x20, a > b)
        JUMP(0x30, a >= b)
        JUMP(0x40, (a & b) != 0)
        JUMP(0x50, a != b)
        JUMP(0x60, SLT(b, a))
        JUMP(0x70, !SLT(a, b))
        JUMP(0xa0, a < b)
        JUMP(0xb0, a <= b)
        JUMP(0xc0, SLT(a, b))
        JUMP(0xd0, !SLT(b, a))
        LOAD(0x71, 1, p[0])
        LOAD(0x69, 2, get(p, 2))
        LOAD(0x61, 4, get(p, 4))
        LOAD(0x79, 8, get(p, 8))
        STORE(0x72, 1, (uint64_t)imm)
        STORE(0x6a, 2, (uint64_t)imm)
        STORE(0x62, 4, (uint64_t)imm)
        STORE(0x7a, 8, IMM64)
        STORE(0x73, 1, SRC)
        STORE(0x6b, 2, SRC)
        STORE(0x63, 4, SRC)
        STORE(0x7b, 8, SRC)
        /* §5.4: imm | next.imm << 32; 0xB8/0xD8 add the data/rodata base (LDDWD/LDDWR) */
        case EB_OP_LDDW:
        case EB_OP_LDDW_DATA:
        case EB_OP_LDDW_RODATA: {
            uint64_t v = (uint64_t)eb_u32(ip + 12) << 32 | (uint32_t)imm;
            v += ip[0] == EB_OP_LDDW_DATA ? EB_DATA_BASE
               : ip[0] == EB_OP_LDDW_RODATA ? EB_RODATA_BASE : 0;
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
            eb_fault_illegal(fault, cur, ip[0]);
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
