#include <stdio.h>
#include "out.h"

void print_str(const char *s) { fputs(s, stdout); }
void print_int(int32_t v) { printf("%d", (int)v); }
void print_newline(void) { putchar('\n'); }
void print_hex(uint32_t v) { printf("%08x", (unsigned)v); }
