/*
 * wild-store (hostile app): writes far outside its memory, as a buffer overrun or a bad
 * pointer would. The engine must stop it with bad_address and report the address; the
 * device must keep running.
 */
#include <stdint.h>
#include "vmfleet.h"

int main(void) {
  vm_print("wild-store: writing to 0x7ffffff0\n");
  volatile uint32_t *wild = (volatile uint32_t *)0x7ffffff0u;
  *wild = 0xdeadbeefu;
  vm_print("wild-store: still alive (should not happen)\n");
  return 0;
}
