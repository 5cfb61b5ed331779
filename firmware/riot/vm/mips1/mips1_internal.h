/*
 * Private to the mips1 engine: its state, the interpreter and the fault builders.
 *
 * The C counterpart of devices/engines/mips1 (see its README for every defined
 * behaviour); file by file: mips1.c = engine.ts + syscalls.ts, exec.c = interpreter.ts +
 * decode.ts + arith.ts, image.c = mips1-image.ts + program.ts, fault.c = faults.ts.
 * No libc: only <stdint.h>, <stddef.h> and <stdbool.h>, so the engine builds for any
 * board, and nothing allocates.
 */
#ifndef VMFLEET_MIPS1_INTERNAL_H
#define VMFLEET_MIPS1_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm.h"

/* Guest RAM of this build (firmware Makefile: -DVMFLEET_GUEST_RAM). */
#ifndef VMFLEET_GUEST_RAM
#define VMFLEET_GUEST_RAM 65536
#endif

/* $ra of an invoke()d handler: unmapped, so returning to it ends the call (engine.ts). */
#define M1_INVOKE_RETURN_ADDRESS 0xfffffff0u
/* Smallest guest memory accepted: the null page plus a little program (engine.ts). */
#define M1_MIN_MEMORY_BYTES 64u
/* Most bytes one read_memory() call copies (engine.ts MAX_READ_BYTES). */
#define M1_MAX_READ_BYTES 4096u
/* Stack reserved when an image asks for 0 (program.ts). */
#define M1_DEFAULT_STACK_BYTES 1024u

/* o32 register roles the engine itself uses. */
#define M1_V0 2
#define M1_A0 4
#define M1_SP 29
#define M1_RA 31

/* The M1VM header fields (src/protocol/images/mips1-image.ts). */
typedef struct {
    uint32_t load_address;
    uint32_t entry;
    uint32_t text_bytes;
    uint32_t data_bytes;
    uint32_t bss_bytes;
    uint32_t stack_bytes;
} m1_header_t;

/* Everything the engine holds, in one static struct (m1). Addresses are guest addresses. */
typedef struct {
    /* layout of the loaded program */
    uint32_t memory_bytes;
    uint32_t load_lo;    /* loads and fetches: [load_lo, memory_bytes) */
    uint32_t store_lo;   /* stores: [store_lo, memory_bytes), store_lo = end of text */
    uint32_t static_end; /* end of bss */
    uint32_t stack_top;  /* initial $sp */
    uint32_t stack_limit; /* lowest valid $sp: stack_top - the image's stack bytes */
    uint32_t entry;
    /* reset() maps the image again, so it must stay valid while loaded (it lives in the
     * agent's app slot); keeping a copy would double the RAM a program needs */
    const uint8_t *payload;
    uint32_t payload_bytes;
    /* cpu: pc and npc give the branch delay slot (npc is where a taken branch goes) */
    uint32_t regs[32];
    uint32_t hi, lo, pc, npc;
    uint32_t lowest_sp; /* lowest $sp seen at calls, returns and syscalls (memory()) */
    uint32_t stop_pc;   /* the syscall or faulting instruction that stopped m1_execute */
    /* engine */
    uint64_t instructions;
    vm_state_t state;
    vm_state_t state_before_invoke;
    bool invoking;
    bool ended_valid;     /* the program exited or faulted: run() reports `ended` again */
    bool access_failed;   /* a syscall's memory view access fell outside the sandbox */
    uint32_t failed_address;
    vm_outcome_t ended;
} m1_vm_t;

extern m1_vm_t m1;
extern uint8_t m1_ram[VMFLEET_GUEST_RAM];

/* ---- the one checked path to guest memory (exec.c) ----------------------------------- */

/* &m1_ram[addr] when [addr, addr + len) lies in [lo, memory_bytes), else NULL. */
uint8_t *m1_guest(uint32_t addr, uint32_t len, uint32_t lo);
uint32_t m1_read32(const uint8_t *p);

/* ---- the interpreter (exec.c) -------------------------------------------------------- */

typedef enum {
    M1_STOP_BUDGET,    /* ran `budget` instructions */
    M1_STOP_SYSCALL,   /* a syscall ran (counted); m1.stop_pc is its address */
    M1_STOP_LEFT_TEXT, /* fetch outside text: exit, invoke() return or fault (engine decides) */
    M1_STOP_FAULT,     /* *fault says what; the instruction is not counted, pc stays on it */
} m1_stop_t;

m1_stop_t m1_execute(uint32_t budget, uint32_t *executed, vm_fault_t *fault);

/* ---- image parsing and layout (image.c) ---------------------------------------------- */

typedef struct {
    char *buf;
    size_t cap;
    size_t len;
} m1_text_t;

bool m1_parse(const uint8_t *image, size_t len, m1_header_t *h, m1_text_t *err);
bool m1_lay_out(const m1_header_t *h, uint32_t memory_bytes, m1_text_t *err);

/* ---- messages and faults (fault.c) --------------------------------------------------- */

void m1_text_init(m1_text_t *t, char *buf, size_t cap);
void m1_text_str(m1_text_t *t, const char *s);
void m1_text_hex(m1_text_t *t, uint32_t v);
void m1_text_dec(m1_text_t *t, int64_t v);

void m1_fault_load(vm_fault_t *f, uint32_t pc, uint32_t addr, uint32_t bytes);
void m1_fault_store(vm_fault_t *f, uint32_t pc, uint32_t addr, uint32_t bytes);
void m1_fault_fetch(vm_fault_t *f, uint32_t pc);
void m1_fault_illegal(vm_fault_t *f, uint32_t pc, uint32_t word);
void m1_fault_delay_slot(vm_fault_t *f, uint32_t pc);
void m1_fault_overflow(vm_fault_t *f, uint32_t pc);
void m1_fault_stack(vm_fault_t *f, uint32_t pc, uint32_t sp);
void m1_fault_break(vm_fault_t *f, uint32_t pc, uint32_t code);
void m1_fault_syscall(vm_fault_t *f, uint32_t pc, int32_t nr, const char *message);

void m1_copy(void *dst, const void *src, uint32_t len);
void m1_zero(void *dst, uint32_t len);

#endif /* VMFLEET_MIPS1_INTERNAL_H */
