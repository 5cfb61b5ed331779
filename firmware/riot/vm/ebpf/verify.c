/*
 * The pre-flight verifier, after Femto-Container's bpf_verify_preflight():
 * src/protocol/images/rbf/verify.ts and isa.ts, the same checks in the same order with the
 * same codes. Text a whole number of instructions, registers < 11, known opcodes, jump
 * targets inside text, known helper ids, exit last, no division by an immediate 0; plus
 * what the engine relies on: r10 never written, no jump, call or function entry into the
 * second half of an LDDW, bpf-to-bpf call targets inside text. Loops are allowed (the budget bounds them).
 */
#include "ebpf_internal.h"

typedef struct {
    uint8_t opcode, dst, src;
    int16_t offset;
    int32_t imm;
} insn_t;

static insn_t insn_at(const uint8_t *text, uint32_t pc)
{
    const uint8_t *p = text + pc * EB_INSN_BYTES;
    insn_t i = { p[0], p[1] & 0x0f, p[1] >> 4, (int16_t)eb_u16(p + 2), (int32_t)eb_u32(p + 4) };
    return i;
}

static bool refuse(eb_text_t *err, const char *code)
{
    eb_text_str(err, code);
    eb_text_str(err, ": ");
    return false;
}

/* ---- isa.ts isKnownInstruction ----------------------------------------------------------- */

static bool conditional_jump(uint8_t op)
{
    return (op >= 0x10 && op <= 0x70) || (op >= 0xa0 && op <= 0xd0);
}

static bool known_alu(const insn_t *i, uint8_t cls, uint8_t op)
{
    bool x = (i->opcode & 0x08) != 0;
    switch (op) {
    case 0x80: /* neg has no register form */
        return !x;
    case 0xd0: /* ALU: to le/be; ALU64: v4 bswap, source bit 0 only */
        return (cls == 0x04 || !x) && (i->imm == 16 || i->imm == 32 || i->imm == 64);
    case 0x30: /* div, mod; offset 1: v4 sdiv, smod */
    case 0x90:
        return i->offset == 0 || i->offset == 1;
    case 0xb0: /* mov; offset 8/16/32 of the register form: v4 movsx (32: ALU64 only) */
        return i->offset == 0 ||
               (x && (i->offset == 8 || i->offset == 16 || (cls == 0x07 && i->offset == 32)));
    default:
        return op <= 0xc0 && i->offset == 0;
    }
}

static bool known(const insn_t *i)
{
    uint8_t cls = i->opcode & 0x07, op = i->opcode & 0xf0;
    switch (cls) {
    case 0x04: /* ALU */
    case 0x07: /* ALU64 */
        return known_alu(i, cls, op);
    case 0x05: /* JMP */
        if (i->opcode == 0x05 || i->opcode == EB_OP_EXIT) {
            return true;
        }
        if (i->opcode == EB_OP_CALL) {
            return i->src == 0 || i->src == 1;
        }
        return conditional_jump(op);
    case 0x06: /* JMP32; 0x06 itself is v4 gotol */
        return i->opcode == EB_OP_GOTOL || conditional_jump(op);
    case 0x01: /* LDX: mode MEM, or v4 MEMSX of 1, 2, 4 bytes */
        return (i->opcode & 0xe0) == 0x60 ||
               ((i->opcode & 0xe0) == 0x80 && (i->opcode & 0x18) != 0x18);
    case 0x02: /* ST */
    case 0x03: /* STX */
        return (i->opcode & 0xe0) == 0x60; /* mode MEM */
    default: /* LD */
        return i->opcode == EB_OP_LDDW || i->opcode == EB_OP_LDDW_DATA ||
               i->opcode == EB_OP_LDDW_RODATA;
    }
}

/* isa.ts dividesByZeroImmediate: DIV, MOD, SDIV, SMOD by an immediate 0 (rbpf refuses it). */
static bool divides_by_zero_immediate(const insn_t *i)
{
    uint8_t cls = i->opcode & 0x07, op = i->opcode & 0xf0;
    return (cls == 0x04 || cls == 0x07) && (op == 0x30 || op == 0x90) &&
           (i->opcode & 0x08) == 0 && i->imm == 0;
}

static bool is_lddw(uint8_t opcode)
{
    return opcode == EB_OP_LDDW || opcode == EB_OP_LDDW_DATA || opcode == EB_OP_LDDW_RODATA;
}

static bool known_helper(int32_t id)
{
    switch (id) {
    case 0x01: case 0x10: case 0x11: case 0x12: case 0x13: case 0x20:
    case 0x30: case 0x31: case 0x32: case 0x33: case 0x70: case 0x71: case 0x72:
        return true;
    default:
        break;
    }
    switch (id - (int32_t)EB_ABI_HELPER_BASE) {
    case 1: case 2: case 3: case 4: case 5: case 6: case 10: case 11: case 12:
    case 20: case 30: case 31: case 32:
        return true;
    default:
        return false;
    }
}

/* "instruction N (byte B, opcode 0xOO)" */
static void where(eb_text_t *err, uint32_t pc, const insn_t *i)
{
    eb_text_str(err, "instruction ");
    eb_text_dec(err, pc);
    eb_text_str(err, " (byte ");
    eb_text_dec(err, (int64_t)pc * EB_INSN_BYTES);
    eb_text_str(err, ", opcode 0x");
    eb_text_hex(err, i->opcode, 2);
    eb_text_str(err, ")");
}

static bool check_instruction(const insn_t *i, uint32_t pc, eb_text_t *err)
{
    if (i->dst >= 11 || i->src >= 11) {
        refuse(err, "bad_register");
        where(err, pc, i);
        eb_text_str(err, " uses r");
        eb_text_dec(err, i->dst > i->src ? i->dst : i->src);
        eb_text_str(err, "; eBPF has r0..r10");
        return false;
    }
    if (!known(i)) {
        refuse(err, "unknown_opcode");
        where(err, pc, i);
        eb_text_str(err, " (src ");
        eb_text_dec(err, i->src);
        eb_text_str(err, ", offset ");
        eb_text_dec(err, i->offset);
        eb_text_str(err, ", imm ");
        eb_text_dec(err, i->imm);
        eb_text_str(err, ") is not an instruction this runtime executes");
        return false;
    }
    if (divides_by_zero_immediate(i)) {
        refuse(err, "division_by_zero");
        where(err, pc, i);
        eb_text_str(err, " divides by the immediate 0; test the divisor in C before dividing");
        return false;
    }
    uint8_t cls = i->opcode & 0x07;
    bool writes_dst = cls == 0x04 || cls == 0x07 || cls == 0x01 || cls == 0x00;
    if (i->dst == EB_R10 && writes_dst) {
        refuse(err, "write_to_r10");
        where(err, pc, i);
        eb_text_str(err, " writes r10, the read-only frame pointer");
        return false;
    }
    if (i->opcode == EB_OP_CALL && i->src == 0 && !known_helper(i->imm)) {
        refuse(err, "unknown_helper");
        where(err, pc, i);
        eb_text_str(err, " calls helper ");
        eb_text_dec(err, i->imm);
        eb_text_str(err, " (0x");
        eb_text_hex(err, (uint32_t)i->imm, 0);
        eb_text_str(err, "), which this runtime does not provide");
        return false;
    }
    return true;
}

static bool check_lddw_tail(const uint8_t *text, uint32_t pc, uint32_t count, eb_text_t *err)
{
    if (pc + 1 >= count) {
        refuse(err, "bad_lddw");
        eb_text_str(err, "LDDW at instruction ");
        eb_text_dec(err, pc);
        eb_text_str(err, " has no second half: text ends");
        return false;
    }
    insn_t tail = insn_at(text, pc + 1);
    if (tail.opcode != 0 || tail.dst != 0 || tail.src != 0 || tail.offset != 0) {
        refuse(err, "bad_lddw");
        eb_text_str(err, "second half of the LDDW at instruction ");
        eb_text_dec(err, pc);
        eb_text_str(err, " must have opcode, registers and offset 0 (RFC 9669 §5.4)");
        return false;
    }
    return true;
}

/* After the first pass every slot but an LDDW's second half is a known instruction, and
 * opcode 0 is none: so a slot is a second half exactly when its opcode is 0. */
static bool is_tail(const uint8_t *text, uint32_t pc)
{
    return text[pc * EB_INSN_BYTES] == 0;
}

static bool check_target(const uint8_t *text, const insn_t *i, uint32_t pc, uint32_t count,
                         eb_text_t *err)
{
    uint8_t cls = i->opcode & 0x07;
    bool call = i->opcode == EB_OP_CALL && i->src != 0;
    bool jump = (cls == 0x05 || cls == 0x06) && i->opcode != EB_OP_CALL &&
                i->opcode != EB_OP_EXIT;
    if (!jump && !call) {
        return true;
    }
    /* gotol (v4) takes its 32-bit offset from imm */
    int32_t offset = call || i->opcode == EB_OP_GOTOL ? i->imm : i->offset;
    int64_t target = (int64_t)pc + 1 + offset;
    bool outside = target < 0 || target >= count;
    if (!outside && !is_tail(text, (uint32_t)target)) {
        return true;
    }
    refuse(err, outside ? (call ? "bad_call" : "bad_jump") : "jump_into_lddw");
    where(err, pc, i);
    eb_text_str(err, call ? " calls instruction " : " jumps to instruction ");
    eb_text_dec(err, target);
    if (outside) {
        eb_text_str(err, ", outside text [0, ");
        eb_text_dec(err, count);
        eb_text_str(err, ")");
    } else {
        eb_text_str(err, ", the second half of an LDDW");
    }
    return false;
}

static bool check_functions(const eb_image_t *img, eb_text_t *err)
{
    for (uint32_t k = 0; k < img->function_count; k++) {
        const uint8_t *f = img->functions + k * EB_FUNCTION_BYTES;
        uint32_t location = eb_u16(f + 4);
        if (is_tail(img->text, location / EB_INSN_BYTES)) {
            refuse(err, "jump_into_lddw");
            eb_text_str(err, "function \"");
            eb_text_str(err, (const char *)img->rodata + eb_u16(f)); /* NUL-checked */
            eb_text_str(err, "\" starts at byte ");
            eb_text_dec(err, location);
            eb_text_str(err, ", the second half of an LDDW");
            return false;
        }
    }
    return true;
}

bool eb_verify(const eb_image_t *img, eb_text_t *err)
{
    if (img->text_bytes == 0 || img->text_bytes % EB_INSN_BYTES != 0) {
        refuse(err, "bad_text_length");
        eb_text_str(err, "text of ");
        eb_text_dec(err, img->text_bytes);
        eb_text_str(err, " bytes is not a positive multiple of 8 (one eBPF instruction)");
        return false;
    }
    uint32_t count = img->text_bytes / EB_INSN_BYTES;
    for (uint32_t pc = 0; pc < count; pc++) {
        insn_t i = insn_at(img->text, pc);
        if (!check_instruction(&i, pc, err)) {
            return false;
        }
        if (is_lddw(i.opcode)) {
            if (!check_lddw_tail(img->text, pc, count, err)) {
                return false;
            }
            pc++; /* the second half is data, not an instruction */
        }
    }
    for (uint32_t pc = 0; pc < count; pc++) {
        insn_t i = insn_at(img->text, pc);
        if (!is_tail(img->text, pc) && !check_target(img->text, &i, pc, count, err)) {
            return false;
        }
    }
    if (is_tail(img->text, count - 1) || img->text[(count - 1) * EB_INSN_BYTES] != EB_OP_EXIT) {
        refuse(err, "no_exit");
        eb_text_str(err, "the last instruction (");
        eb_text_dec(err, count - 1);
        eb_text_str(err, ") is not exit (0x95): execution could run off the end of text");
        return false;
    }
    return check_functions(img, err);
}
