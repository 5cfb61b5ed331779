/*
 * What every ebpf guest gets besides its own C file. eBPF objects are not linked (the
 * packer takes one relocatable object), so ebpf.mk pre-includes this file into each
 * program's translation unit (clang -include): the SDK's C library (libc.c, static
 * functions: a program carries only what it calls) and print_hex, an ordinary global
 * function reached by a bpf-to-bpf call; the packer puts main first in the function table
 * (the entry point).
 */
#include "out.h"
#include "libc.c"

void print_hex(uint32_t v) {
  static const char digits[] = "0123456789abcdef";
  char text[9];
  for (int i = 7; i >= 0; i--, v >>= 4) text[i] = digits[v & 15];
  text[8] = '\0';
  vm_print(text);
}
