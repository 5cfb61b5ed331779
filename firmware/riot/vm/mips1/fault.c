/*
 * Fault builders (slow paths only) and the tiny formatter their messages need: the
 * engine has no libc, so no snprintf. Codes, pcs and addresses are those of
 * devices/engines/mips1/faults.ts; messages are the same text, cut at
 * VM_FAULT_MESSAGE_BYTES.
 */
#include "mips1_internal.h"

void m1_copy(void *dst, const void *src, uint32_t len)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (len--) {
        *d++ = *s++;
    }
}

void m1_zero(void *dst, uint32_t len)
{
    uint8_t *d = dst;
    while (len--) {
        *d++ = 0;
    }
}

/* A bounded, always NUL-terminated string builder; what does not fit is dropped. */
void m1_text_init(m1_text_t *t, char *buf, size_t cap)
{
    t->buf = buf;
    t->cap = buf == NULL ? 0 : cap;
    t->len = 0;
    if (t->cap > 0) {
        buf[0] = '\0';
    }
}

static void text_char(m1_text_t *t, char c)
{
    if (t->len + 1 < t->cap) {
        t->buf[t->len++] = c;
        t->buf[t->len] = '\0';
    }
}

void m1_text_str(m1_text_t *t, const char *s)
{
    while (s != NULL && *s != '\0') {
        text_char(t, *s++);
    }
}

/* 0x-prefixed, 8 digits: how format.ts hex() prints guest addresses. */
void m1_text_hex(m1_text_t *t, uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    m1_text_str(t, "0x");
    for (int shift = 28; shift >= 0; shift -= 4) {
        text_char(t, digits[(v >> shift) & 15]);
    }
}

void m1_text_dec(m1_text_t *t, int64_t v)
{
    char digits[20];
    unsigned n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (v < 0) {
        text_char(t, '-');
    }
    do {
        digits[n++] = (char)('0' + (u % 10));
        u /= 10;
    } while (u != 0);
    while (n > 0) {
        text_char(t, digits[--n]);
    }
}

static m1_text_t fault_text(vm_fault_t *f, const char *code, uint32_t pc)
{
    m1_text_t t;
    f->code = code;
    f->pc = pc;
    f->address = 0;
    f->has_address = false;
    m1_text_init(&t, f->message, sizeof(f->message));
    return t;
}

static void fault_address(vm_fault_t *f, uint32_t address)
{
    f->address = address;
    f->has_address = true;
}

/* "<what> at <pc>: address <a> is not naturally aligned" */
static void misaligned(vm_fault_t *f, uint32_t pc, uint32_t a, const char *what, uint32_t n)
{
    m1_text_t t = fault_text(f, "misaligned", pc);
    fault_address(f, a);
    m1_text_str(&t, what);
    if (n > 0) {
        m1_text_str(&t, " of ");
        m1_text_dec(&t, n);
        m1_text_str(&t, " bytes");
    }
    m1_text_str(&t, " at ");
    m1_text_hex(&t, pc);
    m1_text_str(&t, ": address ");
    m1_text_hex(&t, a);
    m1_text_str(&t, " is not naturally aligned");
}

void m1_fault_load(vm_fault_t *f, uint32_t pc, uint32_t a, uint32_t bytes)
{
    if (a & (bytes - 1)) {
        misaligned(f, pc, a, "load", bytes);
        return;
    }
    m1_text_t t = fault_text(f, "bad_address", pc);
    fault_address(f, a);
    m1_text_str(&t, "load at ");
    m1_text_hex(&t, pc);
    m1_text_str(&t, " from ");
    m1_text_hex(&t, a);
    m1_text_str(&t, ", outside guest memory [");
    m1_text_hex(&t, m1.load_lo);
    m1_text_str(&t, ", ");
    m1_text_hex(&t, m1.memory_bytes);
    m1_text_str(&t, ")");
}

void m1_fault_store(vm_fault_t *f, uint32_t pc, uint32_t a, uint32_t bytes)
{
    if (a & (bytes - 1)) {
        misaligned(f, pc, a, "store", bytes);
        return;
    }
    m1_text_t t = fault_text(f, "bad_address", pc);
    fault_address(f, a);
    m1_text_str(&t, "store at ");
    m1_text_hex(&t, pc);
    m1_text_str(&t, " to ");
    m1_text_hex(&t, a);
    /* 64-bit so an address near 2^32 does not wrap into text */
    if ((uint64_t)a + bytes > m1.load_lo && a < m1.store_lo) {
        m1_text_str(&t, " into read-only text (code and constants; self-modifying code is "
                        "not supported)");
        return;
    }
    m1_text_str(&t, " outside writable memory [");
    m1_text_hex(&t, m1.store_lo);
    m1_text_str(&t, ", ");
    m1_text_hex(&t, m1.memory_bytes);
    m1_text_str(&t, ")");
}

void m1_fault_fetch(vm_fault_t *f, uint32_t pc)
{
    if (pc & 3) {
        misaligned(f, pc, pc, "instruction fetch", 0);
        return;
    }
    m1_text_t t = fault_text(f, "bad_address", pc);
    fault_address(f, pc);
    m1_text_str(&t, "instruction fetch from ");
    m1_text_hex(&t, pc);
    m1_text_str(&t, ", outside the program's text");
}

void m1_fault_illegal(vm_fault_t *f, uint32_t pc, uint32_t word)
{
    m1_text_t t = fault_text(f, "illegal_instruction", pc);
    m1_text_str(&t, "reserved or unsupported instruction ");
    m1_text_hex(&t, word);
    m1_text_str(&t, " at ");
    m1_text_hex(&t, pc);
    m1_text_str(&t, " (MIPS-I user ISA without coprocessors)");
}

void m1_fault_delay_slot(vm_fault_t *f, uint32_t pc)
{
    m1_text_t t = fault_text(f, "illegal_instruction", pc);
    m1_text_str(&t, "jump or branch at ");
    m1_text_hex(&t, pc);
    m1_text_str(&t, " sits in the delay slot of another one (UNPREDICTABLE on MIPS)");
}

void m1_fault_overflow(vm_fault_t *f, uint32_t pc)
{
    m1_text_t t = fault_text(f, "overflow", pc);
    m1_text_str(&t, "signed overflow in add/addi/sub at ");
    m1_text_hex(&t, pc);
    m1_text_str(&t, " (use addu/addiu/subu for wrap-around)");
}

/* faults.ts stackExhausted(): where $sp went, and against what the image was granted. */
void m1_fault_stack(vm_fault_t *f, uint32_t pc, uint32_t sp)
{
    m1_text_t t = fault_text(f, "stack_exhausted", pc);
    fault_address(f, sp);
    m1_text_str(&t, "$sp set to ");
    m1_text_hex(&t, sp);
    m1_text_str(&t, " at ");
    m1_text_hex(&t, pc);
    m1_text_str(&t, ", outside the stack [");
    m1_text_hex(&t, m1.stack_limit);
    m1_text_str(&t, ", ");
    m1_text_hex(&t, m1.memory_bytes);
    m1_text_str(&t, "]: ");
    if (sp < m1.stack_limit || sp >= 0x80000000u) {
        m1_text_dec(&t, (int64_t)m1.memory_bytes - 16 - (int32_t)sp);
        m1_text_str(&t, " bytes of stack in use, ");
        m1_text_dec(&t, (int64_t)m1.memory_bytes - m1.stack_limit - 16);
        m1_text_str(&t, " granted (the image's stackBytes; STACK_BYTES_<name> in firmware/Makefile)");
    } else {
        m1_text_str(&t, "above the top of guest memory ");
        m1_text_hex(&t, m1.memory_bytes);
    }
}

void m1_fault_break(vm_fault_t *f, uint32_t pc, uint32_t code)
{
    m1_text_t t = fault_text(f, "break", pc);
    m1_text_str(&t, "break ");
    m1_text_dec(&t, code);
    m1_text_str(&t, " at ");
    m1_text_hex(&t, pc);
}

/* The host refused the call (syscalls.ts). A refusal after the call touched memory outside
 * the sandbox is that access's bad_address, as a GuestAccessError is in the TS engine. */
void m1_fault_syscall(vm_fault_t *f, uint32_t pc, int32_t nr, const char *message)
{
    m1_text_t t = fault_text(f, m1.access_failed ? "bad_address" : "bad_syscall", pc);
    m1_text_str(&t, "syscall ");
    m1_text_dec(&t, nr);
    if (m1.access_failed) {
        fault_address(f, m1.failed_address);
        m1_text_str(&t, " at ");
        m1_text_hex(&t, pc);
    }
    m1_text_str(&t, ": ");
    m1_text_str(&t, message == NULL ? "refused by the host" : message);
}
