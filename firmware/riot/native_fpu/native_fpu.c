/*
 * RIOT native64's signal trampoline, done so that a preempted thread loses nothing.
 *
 * A native interrupt is a Unix signal. RIOT's handler (cpu/native/irq.c) returns to the
 * thread it interrupted through _native_sig_leave_tramp (cpu/native/native.S), which
 * pushes the general registers at the interrupted stack pointer and swaps to the ISR
 * context, from which the scheduler may run other threads. Two things are lost:
 *  - the 128 bytes below the stack pointer, the x86-64 ABI's red zone, where leaf
 *    functions keep locals without moving the stack pointer: the pushes overwrite them;
 *  - the SSE/AVX registers: swapcontext saves only their control words, so the ISR and
 *    the other threads clobber the interrupted code's floats and memcpy's vectors.
 * (RIOT issue #495, "native not float safe".) The Lua engine computes in doubles; this is
 * why its native64 device failed benchmarks and crashed now and then under load.
 *
 * The link (native_fpu.mk) wraps the symbol, so irq.c sends threads here instead. This is
 * the same sequence as RIOT's, after stepping over the red zone, with the vector state
 * saved by XSAVE (FXSAVE without it) in an area on the thread's stack, restored last.
 */

#include <cpuid.h>
#include <stdint.h>

/* The XSAVE components saved: x87, SSE, AVX and AVX-512 where XCR0 enables them, in the
 * standard layout (CPUID gives each one's offset and size). Not all of XCR0: AMX tile data
 * alone is 8 KiB, more than a thread's stack, and nothing here uses it (nor MPX or PKRU). */
#define WANTED ((1u << 0) | (1u << 1) | (1u << 2) | (1u << 5) | (1u << 6) | (1u << 7))
#define CPUID1_ECX_OSXSAVE (1u << 27)

/* Read by the trampoline: XSAVE's feature mask (0: no XSAVE, use FXSAVE) and area bytes. */
uint64_t vmfleet_xsave_mask;
uint64_t vmfleet_xsave_bytes = 512;

__attribute__((constructor)) static void vmfleet_native_fpu_init(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & CPUID1_ECX_OSXSAVE)) {
        return; /* FXSAVE: x87 and SSE, 512 bytes */
    }
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    uint32_t mask = lo & WANTED;
    uint64_t bytes = 512 + 64; /* the legacy area and the XSAVE header */
    for (unsigned i = 2; i < 8; i++) {
        if (mask & (1u << i)) {
            __cpuid_count(0xd, i, a, b, c, d); /* a: size, b: offset in the standard form */
            if ((uint64_t)b + a > bytes) {
                bytes = (uint64_t)b + a;
            }
        }
    }
    vmfleet_xsave_bytes = bytes;
    vmfleet_xsave_mask = mask;
}

__asm__(
    "    .text\n"
    "    .globl  __wrap__native_sig_leave_tramp\n"
    "    .type   __wrap__native_sig_leave_tramp, @function\n"
    "__wrap__native_sig_leave_tramp:\n"
    "    lea     -128(%rsp), %rsp              /* over the red zone (lea leaves the flags) */\n"
    "    pushq   _native_user_fptr(%rip)       /* where the thread resumes */\n"
    "    pushfq\n"
    "    pushq   %rax\n"
    "    pushq   %rcx\n"
    "    pushq   %rdx\n"
    "    pushq   %rbx\n"
    "    pushq   %rbp\n"
    "    pushq   %rsi\n"
    "    pushq   %rdi\n"
    "    pushq   %r8\n"
    "    pushq   %r9\n"
    "    pushq   %r10\n"
    "    pushq   %r11\n"
    "    pushq   %r12\n"
    "    pushq   %r13\n"
    "    pushq   %r14\n"
    "    pushq   %r15\n"
    "\n"
    "    /* the vector state, 64-byte aligned below; rbx keeps the frame (swapcontext keeps it) */\n"
    "    mov     %rsp, %rbx\n"
    "    sub     vmfleet_xsave_bytes(%rip), %rsp\n"
    "    and     $-64, %rsp\n"
    "    mov     vmfleet_xsave_mask(%rip), %rax\n"
    "    test    %rax, %rax\n"
    "    jz      1f\n"
    "    xor     %ecx, %ecx                    /* XRSTOR faults on a header with stray bits */\n"
    "    mov     %rcx, 512(%rsp)\n"
    "    mov     %rcx, 520(%rsp)\n"
    "    mov     %rcx, 528(%rsp)\n"
    "    mov     %rcx, 536(%rsp)\n"
    "    mov     %rcx, 544(%rsp)\n"
    "    mov     %rcx, 552(%rsp)\n"
    "    mov     %rcx, 560(%rsp)\n"
    "    mov     %rcx, 568(%rsp)\n"
    "    xor     %edx, %edx\n"
    "    xsave64 (%rsp)\n"
    "    jmp     2f\n"
    "1:  fxsave64 (%rsp)\n"
    "2:\n"
    "    mov     _native_isr_context(%rip), %rsi\n"
    "    mov     _native_current_context(%rip), %rdi\n"
    "    call    swapcontext@PLT\n"
    "\n"
    "    /* back on this thread: as RIOT's trampoline, interrupts on, out of the ISR */\n"
    "    call    irq_enable@PLT\n"
    "    movl    $0x0, _native_in_isr(%rip)\n"
    "\n"
    "    mov     vmfleet_xsave_mask(%rip), %rax\n"
    "    test    %rax, %rax\n"
    "    jz      3f\n"
    "    xor     %edx, %edx\n"
    "    xrstor64 (%rsp)\n"
    "    jmp     4f\n"
    "3:  fxrstor64 (%rsp)\n"
    "4:\n"
    "    mov     %rbx, %rsp\n"
    "    popq    %r15\n"
    "    popq    %r14\n"
    "    popq    %r13\n"
    "    popq    %r12\n"
    "    popq    %r11\n"
    "    popq    %r10\n"
    "    popq    %r9\n"
    "    popq    %r8\n"
    "    popq    %rdi\n"
    "    popq    %rsi\n"
    "    popq    %rbp\n"
    "    popq    %rbx\n"
    "    popq    %rdx\n"
    "    popq    %rcx\n"
    "    popq    %rax\n"
    "    popfq\n"
    "    ret     $128                          /* to the thread, and back above the red zone */\n"
    "    .size   __wrap__native_sig_leave_tramp, . - __wrap__native_sig_leave_tramp\n"
    "\n"
    "    .section .note.GNU-stack, \"\", @progbits\n");
