/*
 * The MIPS-I interpreter: devices/engines/mips1/interpreter.ts + decode.ts + arith.ts.
 * Semantics follow "MIPS32 Architecture for Programmers, Vol. II" (MD00086), cited as
 * MIPS32 Vol. II; MIPS I is its user subset. Little-endian guest, any host byte order.
 *
 * Decoded on the fly, not pre-decoded as the TS engine does: a pre-decoded program costs
 * 8 bytes of RAM per instruction on top of the text, which an ATmega-class board does not
 * have, and text is read-only (stores into it fault), so a decode can never go stale.
 * The one decode-time rule of decode.ts, a jump or branch in a delay slot, is decided at
 * execution from the words before it, with the same result (in_delay_slot).
 */
#include "mips1_internal.h"

typedef enum { EX_NEXT, EX_SYSCALL, EX_FAULT } ex_t;

#define RS(w) (((w) >> 21) & 31)
#define RT(w) (((w) >> 16) & 31)
#define RD(w) (((w) >> 11) & 31)
#define SHAMT(w) (((w) >> 6) & 31)
#define UIMM(w) ((w) & 0xffffu)
#define SIMM(w) ((uint32_t)(int32_t)(int16_t)((w) & 0xffffu))
#define SIGN 0x80000000u

/* The one checked path: every load, store and syscall buffer (fetches stay inside text,
 * which the layout check put inside guest memory). Alignment is checked by the callers
 * first, because MIPS raises the address error before any range check. */
uint8_t *m1_guest(uint32_t addr, uint32_t len, uint32_t lo)
{
    uint32_t size = m1.memory_bytes;
    if (addr < lo || addr > size || len > size - addr) {
        return NULL;
    }
    return &m1_ram[addr];
}

uint32_t m1_read32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void write32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Arithmetic shift without relying on implementation-defined >> of negative values. */
static uint32_t sra(uint32_t v, uint32_t n)
{
    uint32_t fill = (v & SIGN) && n ? ~(0xffffffffu >> n) : 0;
    return (v >> n) | fill;
}

/* $sp is sampled at jal, jalr, jr, syscall and when execute returns (README: Memory). */
static void sample_sp(void)
{
    if ((int32_t)m1.regs[M1_SP] < (int32_t)m1.lowest_sp) {
        m1.lowest_sp = m1.regs[M1_SP];
    }
}

static bool is_control_transfer(uint32_t w)
{
    uint32_t opcode = w >> 26;
    if (opcode == 0) {
        return (w & 63) == 8 || (w & 63) == 9;
    }
    if (opcode == 1) {
        uint32_t rt = RT(w);
        return rt == 0 || rt == 1 || rt == 16 || rt == 17;
    }
    return opcode >= 2 && opcode <= 7;
}

/*
 * A jump or branch in a delay slot is UNPREDICTABLE (MIPS32 Vol. II, e.g. BEQ
 * "Restrictions"): illegal_instruction. decode.ts rewrites text in one forward pass, so
 * in a run of consecutive control transfers the 2nd, 4th, ... are the illegal ones: an
 * odd number of control transfers right before this one.
 */
static bool in_delay_slot(uint32_t cur, vm_fault_t *f)
{
    unsigned run = 0;
    for (uint32_t a = cur; a - m1.load_lo >= 4; a -= 4) {
        if (!is_control_transfer(m1_read32(&m1_ram[a - 4]))) {
            break;
        }
        run++;
    }
    if (run & 1) {
        m1_fault_delay_slot(f, cur);
    }
    return run & 1;
}

static ex_t illegal(uint32_t w, uint32_t cur, vm_fault_t *f)
{
    m1_fault_illegal(f, cur, w);
    return EX_FAULT;
}

static ex_t overflowed(uint32_t cur, vm_fault_t *f)
{
    m1_fault_overflow(f, cur);
    return EX_FAULT;
}

/* mult/multu/div/divu (MIPS32 Vol. II). Divide by zero is UNPREDICTABLE: HI and LO keep
 * their values. INT_MIN / -1 gives LO = INT_MIN, HI = 0, as hardware does. */
static void muldiv(uint32_t funct, uint32_t s, uint32_t t)
{
    if (funct == 24) {
        uint64_t p = (uint64_t)((int64_t)(int32_t)s * (int64_t)(int32_t)t);
        m1.lo = (uint32_t)p;
        m1.hi = (uint32_t)(p >> 32);
    } else if (funct == 25) {
        uint64_t p = (uint64_t)s * t;
        m1.lo = (uint32_t)p;
        m1.hi = (uint32_t)(p >> 32);
    } else if (t == 0) {
        return;
    } else if (funct == 27) {
        m1.lo = s / t;
        m1.hi = s % t;
    } else if (s == SIGN && t == 0xffffffffu) {
        m1.lo = SIGN;
        m1.hi = 0;
    } else {
        m1.lo = (uint32_t)((int32_t)s / (int32_t)t);
        m1.hi = (uint32_t)((int32_t)s % (int32_t)t);
    }
}

/* jr/jalr: rs is read before rd is written (rd = rs is UNPREDICTABLE). A misaligned
 * target faults at its fetch, after the delay slot (README). */
static ex_t jump_register(uint32_t w, uint32_t cur, vm_fault_t *f, bool link)
{
    if (in_delay_slot(cur, f)) {
        return EX_FAULT;
    }
    sample_sp();
    uint32_t target = m1.regs[RS(w)];
    if (link) {
        m1.regs[RD(w)] = cur + 8;
    }
    m1.npc = target;
    return EX_NEXT;
}

/*
 * The frame adjustments (addiu/addu/subu on $sp, `move $sp, ...`) keep $sp inside the stack
 * [stack_limit, memory_bytes] or fault stack_exhausted (decode.ts stackPointerWrite, README:
 * Memory): a runaway recursion stops at the frame that would overflow. Loads into $sp and
 * li/lui are not checked, as on TS.
 */
static ex_t set_sp(uint32_t sp, uint32_t cur, vm_fault_t *f)
{
    if (sp - m1.stack_limit > m1.memory_bytes - m1.stack_limit) {
        m1_fault_stack(f, cur, sp);
        return EX_FAULT;
    }
    m1.regs[M1_SP] = sp;
    return EX_NEXT;
}

/* addu/or with exactly one $zero source is a move (checked), with two an li (not);
 * subu is always checked; or of two registers is not (decode.ts moveOrPure). */
static bool checked_sp_write(uint32_t funct, uint32_t w)
{
    bool move = (RS(w) == 0) != (RT(w) == 0);
    return funct == 35 || (funct == 33 && (RS(w) != 0 || RT(w) != 0)) || (funct == 37 && move);
}

static ex_t exec_alu(uint32_t w, uint32_t cur, vm_fault_t *f)
{
    uint32_t *r = m1.regs;
    uint32_t s = r[RS(w)], t = r[RT(w)], d = RD(w);
    if (d == M1_SP && checked_sp_write(w & 63, w)) {
        return set_sp((w & 63) == 35 ? s - t : (w & 63) == 33 ? s + t : s | t, cur, f);
    }
    switch (w & 63) {
    case 0: r[d] = t << SHAMT(w); break;
    case 2: r[d] = t >> SHAMT(w); break;
    case 3: r[d] = sra(t, SHAMT(w)); break;
    case 4: r[d] = t << (s & 31); break;
    case 6: r[d] = t >> (s & 31); break;
    case 7: r[d] = sra(t, s & 31); break;
    case 32:
        if (~(s ^ t) & (s ^ (s + t)) & SIGN) {
            return overflowed(cur, f);
        }
        r[d] = s + t;
        break;
    case 33: r[d] = s + t; break;
    case 34:
        if ((s ^ t) & (s ^ (s - t)) & SIGN) {
            return overflowed(cur, f);
        }
        r[d] = s - t;
        break;
    case 35: r[d] = s - t; break;
    case 36: r[d] = s & t; break;
    case 37: r[d] = s | t; break;
    case 38: r[d] = s ^ t; break;
    case 39: r[d] = ~(s | t); break;
    case 42: r[d] = (int32_t)s < (int32_t)t; break;
    case 43: r[d] = s < t; break;
    default: return illegal(w, cur, f);
    }
    return EX_NEXT;
}

/* SPECIAL (opcode 0), by funct: MIPS32 Vol. II, appendix A, restricted to MIPS I. */
static ex_t exec_special(uint32_t w, uint32_t cur, vm_fault_t *f)
{
    uint32_t funct = w & 63, s = m1.regs[RS(w)];
    switch (funct) {
    case 8: return jump_register(w, cur, f, false);
    case 9: return jump_register(w, cur, f, true);
    case 12: sample_sp(); return EX_SYSCALL;
    case 13: m1_fault_break(f, cur, (w >> 6) & 0xfffff); return EX_FAULT;
    case 16: m1.regs[RD(w)] = m1.hi; return EX_NEXT;
    case 17: m1.hi = s; return EX_NEXT;
    case 18: m1.regs[RD(w)] = m1.lo; return EX_NEXT;
    case 19: m1.lo = s; return EX_NEXT;
    case 24: case 25: case 26: case 27:
        muldiv(funct, s, m1.regs[RT(w)]);
        return EX_NEXT;
    default: return exec_alu(w, cur, f);
    }
}

/* REGIMM (opcode 1): bltz, bgez, bltzal, bgezal. The link is written whether or not the
 * branch is taken (MIPS32 Vol. II, BLTZAL); rs is read first, so rs = $ra tests the old value. */
static ex_t exec_regimm(uint32_t w, uint32_t cur, vm_fault_t *f)
{
    uint32_t rt = RT(w);
    if (rt != 0 && rt != 1 && rt != 16 && rt != 17) {
        return illegal(w, cur, f);
    }
    if (in_delay_slot(cur, f)) {
        return EX_FAULT;
    }
    int32_t s = (int32_t)m1.regs[RS(w)];
    if (rt & 16) {
        m1.regs[M1_RA] = cur + 8;
    }
    if ((rt & 1) ? s >= 0 : s < 0) {
        m1.npc = cur + 4 + (SIMM(w) << 2);
    }
    return EX_NEXT;
}

/* j, jal, beq, bne, blez, bgtz. j/jal stay in the 256 MiB region of the delay slot. */
static ex_t exec_jump(uint32_t opcode, uint32_t w, uint32_t cur, vm_fault_t *f)
{
    if (in_delay_slot(cur, f)) {
        return EX_FAULT;
    }
    int32_t s = (int32_t)m1.regs[RS(w)], t = (int32_t)m1.regs[RT(w)];
    uint32_t branch = cur + 4 + (SIMM(w) << 2);
    uint32_t region = ((cur + 4) & 0xf0000000u) | ((w & 0x3ffffffu) << 2);
    switch (opcode) {
    case 3:
        sample_sp();
        m1.regs[M1_RA] = cur + 8;
        /* fall through */
    case 2: m1.npc = region; break;
    case 4: if (s == t) { m1.npc = branch; } break;
    case 5: if (s != t) { m1.npc = branch; } break;
    case 6: if (s <= 0) { m1.npc = branch; } break;
    default: if (s > 0) { m1.npc = branch; } break;
    }
    return EX_NEXT;
}

/* addi .. lui; addi traps on signed overflow (even with rt = $zero). */
static ex_t exec_immediate(uint32_t opcode, uint32_t w, uint32_t cur, vm_fault_t *f)
{
    uint32_t s = m1.regs[RS(w)], imm = SIMM(w);
    uint32_t *t = &m1.regs[RT(w)];
    if (opcode == 9 && RT(w) == M1_SP && RS(w) != 0) {
        return set_sp(s + imm, cur, f);
    }
    switch (opcode) {
    case 8:
        if (~(s ^ imm) & (s ^ (s + imm)) & SIGN) {
            return overflowed(cur, f);
        }
        *t = s + imm;
        break;
    case 9: *t = s + imm; break;
    case 10: *t = (int32_t)s < (int32_t)imm; break;
    case 11: *t = s < imm; break; /* sign-extended, then compared unsigned */
    case 12: *t = s & UIMM(w); break;
    case 13: *t = s | UIMM(w); break;
    case 14: *t = s ^ UIMM(w); break;
    default: *t = UIMM(w) << 16; break; /* lui */
    }
    return EX_NEXT;
}

/* lwl/lwr/swl/swr, little-endian (MIPS32 Vol. II with BigEndianCPU = 0); b = addr & 3.
 * Constants are uint32_t, not 1u: int is 16 bits on AVR. */
static uint32_t merge_unaligned(uint32_t opcode, uint32_t reg, uint32_t word, uint32_t b)
{
    const uint32_t one = 1, all = 0xffffffffu;
    uint32_t left = (3 - b) << 3, right = b << 3;
    switch (opcode) {
    case 34: return (word << left) | (reg & ((one << left) - 1)); /* lwl */
    case 38: return (word >> right) | (reg & ~(all >> right));    /* lwr */
    case 42: return (reg >> left) | (word & ~(all >> left));      /* swl */
    default: return (reg << right) | (word & ((one << right) - 1)); /* swr */
    }
}

static uint16_t read16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static ex_t exec_load(uint32_t opcode, uint32_t w, uint32_t cur, vm_fault_t *f)
{
    static const uint8_t widths[8] = { 1, 2, 1, 4, 1, 2, 1, 0 }; /* lb lh lwl lw lbu lhu lwr */
    uint32_t a = m1.regs[RS(w)] + SIMM(w), n = widths[opcode - 32];
    uint32_t *t = &m1.regs[RT(w)];
    bool partial = opcode == 34 || opcode == 38;
    uint8_t *p = m1_guest(partial ? a & ~3u : a, partial ? 4 : n, m1.load_lo);
    if (n == 0) {
        return illegal(w, cur, f);
    }
    if ((a & (n - 1)) || p == NULL) {
        m1_fault_load(f, cur, a, n);
        return EX_FAULT;
    }
    switch (opcode) {
    case 32: *t = (uint32_t)(int32_t)(int8_t)p[0]; break;
    case 36: *t = p[0]; break;
    case 33: *t = (uint32_t)(int32_t)(int16_t)read16(p); break;
    case 37: *t = read16(p); break;
    case 35: *t = m1_read32(p); break;
    default: *t = merge_unaligned(opcode, *t, m1_read32(p), a & 3); break;
    }
    return EX_NEXT;
}

static ex_t exec_store(uint32_t opcode, uint32_t w, uint32_t cur, vm_fault_t *f)
{
    static const uint8_t widths[8] = { 1, 2, 1, 4, 0, 0, 1, 0 }; /* sb sh swl sw - - swr */
    uint32_t a = m1.regs[RS(w)] + SIMM(w), n = widths[opcode - 40];
    uint32_t v = m1.regs[RT(w)];
    bool partial = opcode == 42 || opcode == 46;
    uint8_t *p = m1_guest(partial ? a & ~3u : a, partial ? 4 : n, m1.store_lo);
    if (n == 0) {
        return illegal(w, cur, f);
    }
    if ((a & (n - 1)) || p == NULL) {
        m1_fault_store(f, cur, a, n);
        return EX_FAULT;
    }
    switch (opcode) {
    case 40: p[0] = (uint8_t)v; break;
    case 41: p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); break;
    case 43: write32(p, v); break;
    default: write32(p, merge_unaligned(opcode, v, m1_read32(p), a & 3)); break;
    }
    return EX_NEXT;
}

/* Coprocessor opcodes (16-19, 48-51, 56-59) and MIPS II+ stay illegal. */
static ex_t exec_one(uint32_t w, uint32_t cur, vm_fault_t *f)
{
    uint32_t opcode = w >> 26;
    if (opcode == 0) {
        return exec_special(w, cur, f);
    }
    if (opcode == 1) {
        return exec_regimm(w, cur, f);
    }
    if (opcode <= 7) {
        return exec_jump(opcode, w, cur, f);
    }
    if (opcode <= 15) {
        return exec_immediate(opcode, w, cur, f);
    }
    if (opcode >= 32 && opcode <= 39) {
        return exec_load(opcode, w, cur, f);
    }
    if (opcode >= 40 && opcode <= 47) {
        return exec_store(opcode, w, cur, f);
    }
    return illegal(w, cur, f);
}

/*
 * Runs up to `budget` instructions. Writes to $zero land in regs[0] and are wiped after
 * every instruction, so instructions that must still trap or fault with rd = $zero need
 * no special case. A faulting instruction is not counted and leaves pc on itself.
 */
m1_stop_t m1_execute(uint32_t budget, uint32_t *executed, vm_fault_t *fault)
{
    uint32_t text_bytes = m1.store_lo - m1.load_lo;
    uint32_t left = budget;
    m1_stop_t stop = M1_STOP_BUDGET;
    while (left > 0) {
        uint32_t cur = m1.pc;
        if ((cur & 3) != 0 || cur - m1.load_lo >= text_bytes) {
            stop = M1_STOP_LEFT_TEXT;
            break;
        }
        m1.pc = m1.npc;
        m1.npc += 4;
        ex_t ex = exec_one(m1_read32(&m1_ram[cur]), cur, fault);
        m1.regs[0] = 0;
        if (ex == EX_NEXT) {
            left--;
            continue;
        }
        m1.stop_pc = cur;
        if (ex == EX_SYSCALL) {
            left--;
            stop = M1_STOP_SYSCALL;
            break;
        }
        m1.npc = m1.pc;
        m1.pc = cur;
        stop = M1_STOP_FAULT;
        break;
    }
    sample_sp();
    *executed = budget - left;
    return stop;
}
