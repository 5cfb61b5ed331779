/*
 * Functions of a program and the stack each one uses below its r10: devices/engines/ebpf/
 * frames.ts. eBPF keeps r10 read-only, so a callee needs a fresh frame pointer: a
 * bpf-to-bpf call moves r10 down by the caller's frame size (as the Linux interpreter
 * gives each subprogram its own frame). A frame that is too small cannot break isolation
 * (every access is still region-checked): a guest could only clobber its own caller's.
 *
 * Entries: instruction 0, every function-table entry and every call target; a function
 * runs to the next entry (clang lays functions out one after another). Its frame size is
 * the deepest r10-relative byte it touches, rounded up to 8.
 */
#include "ebpf_internal.h"

#define MOV64_X 0xbf /* rX = r10: how clang takes the address of a local */
#define ADD64_K 0x07 /* rX += imm */

/* Adds pc to the sorted set of entries; false when the set is full. */
static bool add_entry(uint32_t pc)
{
    unsigned k = 0;
    while (k < eb.functions && eb.function_pc[k] < pc) {
        k++;
    }
    if (k < eb.functions && eb.function_pc[k] == pc) {
        return true;
    }
    if (eb.functions == VMFLEET_EBPF_MAX_FUNCTIONS) {
        return false;
    }
    for (unsigned j = eb.functions; j > k; j--) {
        eb.function_pc[j] = eb.function_pc[j - 1];
    }
    eb.function_pc[k] = pc;
    eb.functions++;
    return true;
}

typedef struct {
    int64_t at[11]; /* register -> its offset from r10, when derived[] */
    bool derived[11];
    int64_t deepest;
} frame_scan_t;

static void touch(frame_scan_t *s, unsigned base, int64_t offset)
{
    int64_t at;
    if (base == EB_R10) {
        at = 0;
    } else if (s->derived[base]) {
        at = s->at[base];
    } else {
        return;
    }
    if (at + offset < s->deepest) {
        s->deepest = at + offset;
    }
}

static uint32_t frame_bytes(const uint8_t *text, uint32_t start, uint32_t end)
{
    frame_scan_t s = { .deepest = 0 };
    for (uint32_t pc = start; pc < end; pc++) {
        const uint8_t *p = text + pc * EB_INSN_BYTES;
        uint8_t opcode = p[0], cls = opcode & 0x07, dst = p[1] & 0x0f, src = p[1] >> 4;
        int64_t offset = (int16_t)eb_u16(p + 2), imm = (int32_t)eb_u32(p + 4);
        if (opcode == MOV64_X && src == EB_R10) {
            s.derived[dst] = true;
            s.at[dst] = 0;
            continue;
        }
        if (opcode == ADD64_K && s.derived[dst]) {
            s.at[dst] += imm;
            if (s.at[dst] < s.deepest) {
                s.deepest = s.at[dst];
            }
            continue;
        }
        if (cls == 0x01) {
            touch(&s, src, offset);
        } else if (cls == 0x02 || cls == 0x03) {
            touch(&s, dst, offset); /* ST, STX: the base is dst */
        }
        bool lddw = opcode == EB_OP_LDDW || opcode == EB_OP_LDDW_DATA ||
                    opcode == EB_OP_LDDW_RODATA;
        if (lddw) {
            pc++;
        }
        if (cls == 0x01 || cls == 0x04 || cls == 0x07 || lddw) {
            s.derived[dst] = false; /* any other write of dst ends its r10 derivation */
        }
    }
    /* -deepest rounded up to 8; absurd depths (only add64 chains reach them) are capped,
     * which keeps them far beyond the 8 KiB stack: such a call faults either way. */
    int64_t bytes = (-s.deepest + 7) / 8 * 8;
    return bytes > 0x7ffffff8 ? 0x7ffffff8u : (uint32_t)bytes;
}

bool eb_frames_compute(const eb_image_t *img, eb_text_t *err)
{
    uint32_t count = img->text_bytes / EB_INSN_BYTES;
    bool fits = add_entry(0);
    for (uint32_t k = 0; k < img->function_count; k++) {
        const uint8_t *f = img->functions + k * EB_FUNCTION_BYTES;
        fits = fits && add_entry(eb_u16(f + 4) / EB_INSN_BYTES);
    }
    for (uint32_t pc = 0; fits && pc < count; pc++) {
        const uint8_t *p = img->text + pc * EB_INSN_BYTES;
        if (p[0] == EB_OP_CALL && (p[1] >> 4) == 1) {
            fits = add_entry((uint32_t)((int32_t)pc + 1 + (int32_t)eb_u32(p + 4))); /* verified */
        }
    }
    if (!fits) {
        eb_text_str(err, "does_not_fit: the program has more than ");
        eb_text_dec(err, VMFLEET_EBPF_MAX_FUNCTIONS);
        eb_text_str(err, " functions (VMFLEET_EBPF_MAX_FUNCTIONS of this build)");
        return false;
    }
    for (unsigned k = 0; k < eb.functions; k++) {
        uint32_t end = k + 1 < eb.functions ? eb.function_pc[k + 1] : count;
        eb.function_frame[k] = frame_bytes(img->text, eb.function_pc[k], end);
    }
    return true;
}

unsigned eb_function_of(uint32_t pc)
{
    unsigned lo = 0, hi = eb.functions; /* function_pc[0] == 0 <= pc */
    while (hi - lo > 1) {
        unsigned mid = (lo + hi) / 2;
        if (eb.function_pc[mid] <= pc) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

uint32_t eb_frame_at(uint32_t pc)
{
    unsigned k = eb_function_of(pc);
    return eb.function_pc[k] == pc ? eb.function_frame[k] : 0;
}
