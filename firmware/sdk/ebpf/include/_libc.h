/*
 * The eBPF SDK's C library, shared attribute. BPF objects are not linked (one translation
 * unit per program, sdk/ebpf/runtime.c pre-included), so every libc function is a static
 * function of the program itself: clang drops the ones a program does not call, and the
 * rest are ordinary bpf-to-bpf calls (or inlined). `unused` keeps -Werror quiet about the
 * dropped ones.
 */
#ifndef VMFLEET_EBPF_LIBC_H
#define VMFLEET_EBPF_LIBC_H

#define __ebpf_libc static __attribute__((unused))

#endif /* VMFLEET_EBPF_LIBC_H */
