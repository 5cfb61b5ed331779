#include "out.h"

void print_hex(uint32_t v) {
  static const char digits[] = "0123456789abcdef";
  char text[9];
  for (int i = 7; i >= 0; i--, v >>= 4) text[i] = digits[v & 15];
  text[8] = '\0';
  vm_print(text);
}
