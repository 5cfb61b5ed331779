/*
 * The libc subset mips1 guests get (implemented in sdk/mips1/libc.c). gcc emits calls
 * to memcpy/memset/memmove/memcmp for struct copies and array initialisation even with
 * -ffreestanding, so they must exist; the rest is what the programs use.
 */
#ifndef VMFLEET_STRING_H
#define VMFLEET_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif /* VMFLEET_STRING_H */
