/*
 * <string.h> of the eBPF SDK, implemented in sdk/ebpf/libc.c as byte loops: eBPF has no
 * host memcpy (a helper would be a new ABI call and a second checked path), and every
 * byte still goes through the engine's checked load/store. Copies of a constant size
 * (struct assignment, initialisers) never call these: clang's BPF backend expands them
 * inline into loads and stores.
 */
#ifndef VMFLEET_EBPF_STRING_H
#define VMFLEET_EBPF_STRING_H

#include <stddef.h>
#include "_libc.h"

__ebpf_libc void *memcpy(void *dst, const void *src, size_t n);
__ebpf_libc void *memmove(void *dst, const void *src, size_t n);
__ebpf_libc void *memset(void *dst, int c, size_t n);
__ebpf_libc int memcmp(const void *a, const void *b, size_t n);
__ebpf_libc void *memchr(const void *s, int c, size_t n);
__ebpf_libc size_t strlen(const char *s);
__ebpf_libc int strcmp(const char *a, const char *b);
__ebpf_libc int strncmp(const char *a, const char *b, size_t n);
__ebpf_libc char *strchr(const char *s, int c);
__ebpf_libc char *strrchr(const char *s, int c);
__ebpf_libc char *strstr(const char *haystack, const char *needle);
__ebpf_libc char *strcpy(char *dst, const char *src);
__ebpf_libc char *strncpy(char *dst, const char *src, size_t n);
__ebpf_libc char *strcat(char *dst, const char *src);
__ebpf_libc char *strncat(char *dst, const char *src, size_t n);
__ebpf_libc size_t strspn(const char *s, const char *accept);
__ebpf_libc size_t strcspn(const char *s, const char *reject);
__ebpf_libc char *strtok(char *s, const char *delimiters);

#endif /* VMFLEET_EBPF_STRING_H */
