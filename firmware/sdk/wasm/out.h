/*
 * Portable print layer, wasm side: over the vm_print / vm_print_int imports.
 * Same functions as sdk/mips1/out.h and sdk/native/out.h: a program that prints only
 * through these must print the same bytes everywhere.
 */
#ifndef VMFLEET_OUT_H
#define VMFLEET_OUT_H

#include <stdint.h>
#include "vmfleet.h"

static inline void print_str(const char *s) { vm_print(s); }
/* Signed decimal. */
static inline void print_int(int32_t v) { vm_print_int(v); }
static inline void print_newline(void) { vm_print("\n"); }
/* Exactly 8 lowercase hex digits, no prefix. */
void print_hex(uint32_t v);

#endif /* VMFLEET_OUT_H */
