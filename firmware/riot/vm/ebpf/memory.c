/*
 * Guest memory for the host and the helpers (devices/engines/ebpf/memory.ts: the
 * GuestMemoryView, readCString) and the fault builders of faults.ts (slow paths only).
 * Messages are the TS engine's text, cut at VM_FAULT_MESSAGE_BYTES.
 */
#include "ebpf_internal.h"

typedef struct {
    const char *name;
    uint32_t base;
    uint32_t bytes;
    bool writable;
} region_t;

/* The regions in memory.ts order: stack, data, rodata, helper buffer. */
static void regions(region_t out[4])
{
    out[0] = (region_t){ "stack", EB_STACK_BASE, EB_STACK_BYTES, true };
    out[1] = (region_t){ "data", EB_DATA_BASE, eb.data_bytes, true };
    out[2] = (region_t){ "rodata", EB_RODATA_BASE, eb.rodata_bytes, false };
    out[3] = (region_t){ "helper", EB_HELPER_BASE, EB_HELPER_BYTES, false };
}

/* The region holding address a, for messages (memory.ts regionAt: an empty region still
 * owns its base), or -1. */
static int region_at(uint64_t a, region_t all[4])
{
    regions(all);
    for (int k = 0; k < 4; k++) {
        uint32_t bytes = all[k].bytes ? all[k].bytes : 1;
        if (a >= all[k].base && a - all[k].base < bytes) {
            return k;
        }
    }
    return -1;
}

/* o = a - base inside [0, size) with n bytes left: n may be anything here. */
static bool inside(uint64_t a, uint32_t base, uint32_t size, uint32_t n)
{
    uint64_t o = a - base;
    return o <= size && size - o >= n;
}

const uint8_t *eb_map_read(uint64_t a, uint32_t n)
{
    if (inside(a, EB_STACK_BASE, EB_STACK_BYTES, n)) {
        return &eb_ram[a - EB_STACK_BASE];
    }
    if (inside(a, EB_DATA_BASE, eb.data_bytes, n)) {
        return &eb_ram[EB_DATA_OFFSET + (a - EB_DATA_BASE)];
    }
    if (inside(a, EB_RODATA_BASE, eb.rodata_bytes, n)) {
        return &eb.rodata[a - EB_RODATA_BASE];
    }
    if (inside(a, EB_HELPER_BASE, EB_HELPER_BYTES, n)) {
        return &eb_ram[eb.helper_offset + (a - EB_HELPER_BASE)];
    }
    return NULL;
}

uint8_t *eb_map_write(uint64_t a, uint32_t n)
{
    if (inside(a, EB_STACK_BASE, EB_STACK_BYTES, n)) {
        return &eb_ram[a - EB_STACK_BASE];
    }
    if (inside(a, EB_DATA_BASE, eb.data_bytes, n)) {
        return &eb_ram[EB_DATA_OFFSET + (a - EB_DATA_BASE)];
    }
    return NULL;
}

/* ---- the host's view (vm_memory_view_t): addresses arrive as 32-bit values ---------------- */

static bool view_failed(uint32_t addr)
{
    eb.access_failed = true;
    eb.failed_address = addr;
    return false;
}

static bool view_read(void *ctx, uint32_t addr, void *dst, uint32_t len)
{
    (void)ctx;
    const uint8_t *p = eb_map_read(addr, len);
    if (p == NULL) {
        return view_failed(addr);
    }
    eb_copy(dst, p, len);
    return true;
}

static bool view_write(void *ctx, uint32_t addr, const void *src, uint32_t len)
{
    (void)ctx;
    uint8_t *p = eb_map_write(addr, len);
    if (p == NULL) {
        return view_failed(addr);
    }
    eb_copy(p, src, len);
    return true;
}

const vm_memory_view_t eb_view = { NULL, view_read, view_write };

int32_t eb_cstring(uint32_t addr, uint32_t max, const uint8_t **out, vm_fault_t *fault,
                   uint32_t helper)
{
    region_t all[4];
    int k = region_at(addr, all);
    if (k < 0 || all[k].bytes == 0) {
        eb_fault_access(fault, helper, false, addr, 1);
        return -1;
    }
    const uint8_t *p = eb_map_read(addr, 1);
    uint32_t left = all[k].base + all[k].bytes - addr;
    for (uint32_t n = 0; n < max && n < left; n++) {
        if (p[n] == 0) {
            *out = p;
            return (int32_t)n;
        }
    }
    eb_text_t t = eb_fault_helper(fault, helper);
    eb_text_str(&t, "string at 0x");
    eb_text_hex(&t, addr, 8);
    if (left < max) {
        uint32_t end = all[k].base + all[k].bytes;
        fault->code = "bad_address";
        fault->address = end;
        eb_text_str(&t, " runs past the end of ");
        eb_text_str(&t, all[k].name);
        eb_text_str(&t, " (0x");
        eb_text_hex(&t, end, 8);
        eb_text_str(&t, ")");
    } else {
        fault->address = addr;
        eb_text_str(&t, " has no NUL terminator within ");
        eb_text_dec(&t, max);
        eb_text_str(&t, " bytes");
    }
    fault->has_address = true;
    return -1;
}

/* ---- faults ------------------------------------------------------------------------------ */

static eb_text_t fault_text(vm_fault_t *f, const char *code, uint32_t pc)
{
    eb_text_t t;
    f->code = code;
    f->pc = pc;
    f->address = 0;
    f->has_address = false;
    eb_text_init(&t, f->message, sizeof(f->message));
    return t;
}

/* "stack [0x30000000, 0x30002000), data [...]": the regions allowing the access. */
void eb_text_regions(eb_text_t *t, bool writable)
{
    region_t all[4];
    regions(all);
    for (int k = 0; k < 4; k++) {
        if (writable && !all[k].writable) {
            continue;
        }
        eb_text_str(t, k > 0 ? ", " : "");
        eb_text_str(t, all[k].name);
        eb_text_str(t, " [0x");
        eb_text_hex(t, all[k].base, 8);
        eb_text_str(t, ", 0x");
        eb_text_hex(t, all[k].base + all[k].bytes, 8);
        eb_text_str(t, ")");
    }
}

/* Femto-Container's BPF_ILLEGAL_MEM: an n-byte load or store outside the regions allowing
 * it; the address reported is its low 32 bits (faults.ts memoryFault). */
void eb_fault_memory(vm_fault_t *f, uint32_t pc, bool write, uint32_t n, uint64_t a)
{
    eb_text_t t = fault_text(f, "bad_address", pc);
    f->address = (uint32_t)a;
    f->has_address = true;
    eb_text_str(&t, write ? "store of " : "load of ");
    eb_text_dec(&t, n);
    eb_text_str(&t, " bytes at instruction ");
    eb_text_dec(&t, pc);
    eb_text_str(&t, write ? " to 0x" : " from 0x");
    eb_text_hex(&t, a, 0);
    eb_text_str(&t, ": ");
    region_t all[4];
    int k = region_at(a, all);
    if (k < 0) {
        eb_text_str(&t, write ? "outside every writable region ("
                              : "outside every readable region (");
        eb_text_regions(&t, write);
        eb_text_str(&t, ")");
    } else if (write && !all[k].writable) {
        eb_text_str(&t, "into read-only ");
        eb_text_str(&t, all[k].name);
    } else {
        eb_text_str(&t, "past the end of ");
        eb_text_str(&t, all[k].name);
        eb_text_str(&t, " [0x");
        eb_text_hex(&t, all[k].base, 8);
        eb_text_str(&t, ", 0x");
        eb_text_hex(&t, all[k].base + all[k].bytes, 8);
        eb_text_str(&t, ")");
    }
}

void eb_fault_depth(vm_fault_t *f, uint32_t pc)
{
    eb_text_t t = fault_text(f, "stack_exhausted", pc);
    eb_text_str(&t, "bpf-to-bpf call at instruction ");
    eb_text_dec(&t, pc);
    eb_text_str(&t, " would nest ");
    eb_text_dec(&t, VMFLEET_EBPF_MAX_DEPTH + 1);
    eb_text_str(&t, " calls deep; the limit is ");
    eb_text_dec(&t, VMFLEET_EBPF_MAX_DEPTH);
}

void eb_fault_stack(vm_fault_t *f, uint32_t pc, int64_t needed)
{
    eb_text_t t = fault_text(f, "stack_exhausted", pc);
    f->address = (uint32_t)needed;
    f->has_address = true;
    eb_text_str(&t, "bpf-to-bpf call at instruction ");
    eb_text_dec(&t, pc);
    eb_text_str(&t, " needs stack down to 0x");
    eb_text_hex(&t, (uint32_t)needed, 8);
    eb_text_str(&t, ", below the stack region's base 0x");
    eb_text_hex(&t, EB_STACK_BASE, 8);
}

void eb_fault_illegal(vm_fault_t *f, uint32_t pc, uint32_t opcode)
{
    eb_text_t t = fault_text(f, "illegal_instruction", pc);
    eb_text_str(&t, "opcode 0x");
    eb_text_hex(&t, opcode, 2);
    eb_text_str(&t, " at instruction ");
    eb_text_dec(&t, pc);
    eb_text_str(&t, " is not executable (the verifier should have refused it)");
}

eb_text_t eb_fault_helper(vm_fault_t *f, uint32_t helper)
{
    eb_text_t t = fault_text(f, "bad_syscall", eb.stop_pc);
    eb_text_str(&t, "helper 0x");
    eb_text_hex(&t, helper, 0);
    eb_text_str(&t, " at instruction ");
    eb_text_dec(&t, eb.stop_pc);
    eb_text_str(&t, ": ");
    return t;
}

/* memory.ts outside(): a helper's access through the view missed every region. */
void eb_fault_access(vm_fault_t *f, uint32_t helper, bool write, uint32_t a, uint32_t n)
{
    eb_text_t t = eb_fault_helper(f, helper);
    f->code = "bad_address";
    f->address = a;
    f->has_address = true;
    eb_text_str(&t, write ? "write of " : "read of ");
    eb_text_dec(&t, n);
    eb_text_str(&t, " bytes at 0x");
    eb_text_hex(&t, a, 8);
    eb_text_str(&t, write ? " is outside the writable regions: "
                          : " is outside the readable regions: ");
    eb_text_regions(&t, write);
}
