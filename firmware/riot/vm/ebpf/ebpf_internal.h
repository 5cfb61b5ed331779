/*
 * Private to the ebpf engine: its state, the checked path to guest memory, and the
 * functions its files share.
 *
 * The C counterpart of devices/engines/ebpf (its README states every rule followed here);
 * file by file: ebpf.c = engine.ts, rbf.c and verify.c = src/protocol/images/rbf/format.ts
 * and verify.ts (+ isa.ts), frames.c = frames.ts, exec.c = interpreter.ts + calls.ts +
 * arith.ts, memory.c = memory.ts + faults.ts, helpers.c = helper-calls.ts + saul.ts,
 * printf.c = printf.ts, text.c = the message formatter. No libc (only <stdint.h>,
 * <stddef.h>, <stdbool.h>) and nothing allocates: the program's text and rodata are read
 * in place from the image (which stays valid while it is loaded, in the agent's app slot,
 * as for mips1), and everything else is static.
 */
#ifndef VMFLEET_EBPF_INTERNAL_H
#define VMFLEET_EBPF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm.h"

/* Guest RAM pool of this build: stack + data (+ .bss) + helper buffer (ebpf.mk). */
#ifndef VMFLEET_GUEST_RAM
#define VMFLEET_GUEST_RAM 65536
#endif
/* Most nested bpf-to-bpf calls (layout.ts MAX_CALL_DEPTH); 40 bytes of RAM each. */
#ifndef VMFLEET_EBPF_MAX_DEPTH
#define VMFLEET_EBPF_MAX_DEPTH 1024
#endif
/* Most functions (instruction 0, table entries, call targets) an image may have. */
#ifndef VMFLEET_EBPF_MAX_FUNCTIONS
#define VMFLEET_EBPF_MAX_FUNCTIONS 64
#endif
/* Keys of the local (per program) and the global (per device) key/value store. */
#ifndef VMFLEET_EBPF_STORE_ENTRIES
#define VMFLEET_EBPF_STORE_ENTRIES 16
#endif

/* Region bases and sizes (src/protocol/images/rbf/layout.ts). */
#define EB_RODATA_BASE 0x10000000u
#define EB_DATA_BASE 0x20000000u
#define EB_STACK_BASE 0x30000000u
#define EB_HELPER_BASE 0x50000000u
#define EB_MAX_REGION_BYTES 0x10000000u
#define EB_STACK_BYTES 8192u
#define EB_STACK_TOP (EB_STACK_BASE + EB_STACK_BYTES)
#define EB_HELPER_BYTES 1024u
/* Where the regions sit in eb_ram: the stack first (the hottest), then data, helper. */
#define EB_DATA_OFFSET EB_STACK_BYTES

#define EB_INSN_BYTES 8u
#define EB_FUNCTION_BYTES 6u /* .rbf function table entry */
#define EB_R10 10
#define EB_OP_LDDW 0x18
#define EB_OP_LDDW_DATA 0xb8
#define EB_OP_LDDW_RODATA 0xd8
#define EB_OP_CALL 0x85
#define EB_OP_EXIT 0x95
#define EB_OP_GOTOL 0x06 /* ISA v4: JMP32 | JA, pc += imm */
#define EB_ABI_HELPER_BASE 0x100u

/* A bpf-to-bpf call's saved caller state (calls.ts): r6..r9, the return pc and r10,
 * whose high word is always 0 (r10 is only ever moved by calls). */
typedef struct {
    uint64_t saved[4];
    uint32_t return_pc;
    uint32_t r10;
} eb_frame_t;

typedef struct {
    uint32_t key;
    uint32_t value;
} eb_entry_t;

typedef struct {
    eb_entry_t entries[VMFLEET_EBPF_STORE_ENTRIES];
    unsigned count;
} eb_store_t;

/* Everything the engine holds about the loaded program, in one static struct (eb). */
typedef struct {
    /* the image, read in place */
    const uint8_t *text;
    uint32_t count; /* instruction slots */
    const uint8_t *rodata;
    uint32_t rodata_bytes;
    const uint8_t *data_init;
    uint32_t data_bytes;
    uint32_t helper_offset; /* of the helper buffer in eb_ram */
    uint32_t entry;
    /* functions, sorted by first instruction, with their frame sizes (frames.c) */
    unsigned functions;
    uint32_t function_pc[VMFLEET_EBPF_MAX_FUNCTIONS];
    uint32_t function_frame[VMFLEET_EBPF_MAX_FUNCTIONS];
    uint16_t function_hint, callee_hint; /* guesses of exec.c call_local, never trusted */
    /* cpu */
    uint64_t r[11];
    uint32_t pc;
    uint32_t depth;
    uint32_t lowest_stack; /* lowest address any frame could reach (memory()) */
    uint32_t stop_pc;      /* the helper call, exit or faulting instruction */
    /* engine */
    uint64_t instructions;
    vm_state_t state;
    vm_state_t state_before_invoke;
    bool invoking;
    bool ended_valid; /* the program exited or faulted: run() reports `ended` again */
    bool access_failed; /* a host syscall's memory view access fell outside the regions */
    uint32_t failed_address;
    vm_outcome_t ended;
    /* helper state (helper-calls.ts HelperState) */
    eb_store_t local;
    eb_entry_t gpio[8]; /* last level written per GPIO pin, for toggle */
    unsigned gpio_count;
} eb_vm_t;

extern eb_vm_t eb;
extern eb_frame_t eb_frames[VMFLEET_EBPF_MAX_DEPTH];
extern eb_store_t eb_global_store;
extern uint8_t eb_ram[VMFLEET_GUEST_RAM];

/* ---- the one checked path to guest memory --------------------------------------------- */

/* Host pointer of an n-byte load (1 <= n <= 8: the interpreter's accesses; memory.c
 * eb_map_read takes any length) at guest address a: stack, data, rodata, helper buffer
 * (memory.ts loadOffset), or NULL. 64-bit addresses: every region lies below 2^32. */
static inline const uint8_t *eb_load_at(uint64_t a, uint32_t n)
{
    uint64_t o = a - EB_STACK_BASE;
    if (o <= EB_STACK_BYTES - n) {
        return &eb_ram[o];
    }
    o = a - EB_DATA_BASE;
    if (o < eb.data_bytes && eb.data_bytes - o >= n) {
        return &eb_ram[EB_DATA_OFFSET + o];
    }
    o = a - EB_RODATA_BASE;
    if (o < eb.rodata_bytes && eb.rodata_bytes - o >= n) {
        return &eb.rodata[o];
    }
    o = a - EB_HELPER_BASE;
    if (o <= EB_HELPER_BYTES - n) {
        return &eb_ram[eb.helper_offset + o];
    }
    return NULL;
}

/* Host pointer of an n-byte store (1 <= n <= 8) at a: stack and data only (storeOffset). */
static inline uint8_t *eb_store_at(uint64_t a, uint32_t n)
{
    uint64_t o = a - EB_STACK_BASE;
    if (o <= EB_STACK_BYTES - n) {
        return &eb_ram[o];
    }
    o = a - EB_DATA_BASE;
    if (o < eb.data_bytes && eb.data_bytes - o >= n) {
        return &eb_ram[EB_DATA_OFFSET + o];
    }
    return NULL;
}

static inline uint32_t eb_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t eb_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* ---- the interpreter (exec.c) ---------------------------------------------------------- */

typedef enum {
    EB_STOP_BUDGET, /* ran `budget` instructions */
    EB_STOP_HELPER, /* a helper call (counted): eb.stop_pc; the engine serves it */
    EB_STOP_EXIT,   /* exit from the outermost frame (counted); pc stays on it */
    EB_STOP_FAULT,  /* *fault says what; not counted, pc stays on the instruction */
} eb_stop_t;

eb_stop_t eb_execute(uint32_t budget, uint32_t *executed, vm_fault_t *fault);

/* ---- image, verifier, frames (rbf.c, verify.c, frames.c) ------------------------------ */

typedef struct {
    char *buf;
    size_t cap;
    size_t len;
} eb_text_t;

typedef struct {
    const uint8_t *data, *rodata, *text, *functions;
    uint32_t data_bytes, rodata_bytes, text_bytes, function_count;
} eb_image_t;

bool eb_parse(const uint8_t *image, size_t len, eb_image_t *out, eb_text_t *err);
bool eb_verify(const eb_image_t *img, eb_text_t *err);
/* Fills eb.functions/function_pc/function_frame; false if there are too many. */
bool eb_frames_compute(const eb_image_t *img, eb_text_t *err);
/* Index in eb.function_pc of the function holding pc (the last entry <= pc). */
unsigned eb_function_of(uint32_t pc);
/* Frame size of the function starting at pc, 0 if none starts there. */
uint32_t eb_frame_at(uint32_t pc);

/* ---- helpers (helpers.c, printf.c) ----------------------------------------------------- */

/* Serves the helper call at eb.stop_pc. False when the guest simply continues. */
bool eb_service_helper(vm_outcome_t *out);
/* Formats bpf_printf into the helper buffer; its byte length, or -1 with *fault set. */
int32_t eb_printf(uint32_t format, vm_fault_t *fault, uint32_t helper);

/* ---- memory view, faults (memory.c), text (text.c) ------------------------------------ */

/* Host pointer of [a, a + n), any n, inside one readable / writable region, or NULL. */
const uint8_t *eb_map_read(uint64_t a, uint32_t n);
uint8_t *eb_map_write(uint64_t a, uint32_t n);
extern const vm_memory_view_t eb_view;
/* Reads the NUL-terminated string at addr (at most max bytes) as memory.ts readCString;
 * its length, or -1 with *fault set (helper `helper` at eb.stop_pc). */
int32_t eb_cstring(uint32_t addr, uint32_t max, const uint8_t **out, vm_fault_t *fault,
                   uint32_t helper);

void eb_fault_memory(vm_fault_t *f, uint32_t pc, bool write, uint32_t n, uint64_t a);
void eb_fault_depth(vm_fault_t *f, uint32_t pc);
void eb_fault_stack(vm_fault_t *f, uint32_t pc, int64_t needed);
void eb_fault_illegal(vm_fault_t *f, uint32_t pc, uint32_t opcode);
/* "helper 0x.. at instruction N: " with code bad_syscall; the caller adds the why. */
eb_text_t eb_fault_helper(vm_fault_t *f, uint32_t helper);
/* A view access that failed: code bad_address at *what* address, access described. */
void eb_fault_access(vm_fault_t *f, uint32_t helper, bool write, uint32_t a, uint32_t n);

void eb_text_init(eb_text_t *t, char *buf, size_t cap);
void eb_text_str(eb_text_t *t, const char *s);
void eb_text_char(eb_text_t *t, char c);
void eb_text_hex(eb_text_t *t, uint64_t v, unsigned digits);
void eb_text_dec(eb_text_t *t, int64_t v);
void eb_text_regions(eb_text_t *t, bool writable);

void eb_copy(void *dst, const void *src, uint32_t len);
void eb_zero(void *dst, uint32_t len);

#endif /* VMFLEET_EBPF_INTERNAL_H */
