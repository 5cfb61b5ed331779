/*
 * Portable print layer, native side: over stdio. Same functions as sdk/mips1/out.h;
 * the differential test compares what the two builds print byte for byte.
 */
#ifndef VMFLEET_OUT_H
#define VMFLEET_OUT_H

#include <stdint.h>

void print_str(const char *s);
/* Signed decimal. */
void print_int(int32_t v);
void print_newline(void);
/* Exactly 8 lowercase hex digits, no prefix. */
void print_hex(uint32_t v);

#endif /* VMFLEET_OUT_H */
