/*
 * deep-recursion (hostile app): recurses without end, each call keeping a 128-byte frame
 * live, as a runaway recursive parser or a missing base case would. It is also the
 * allocation bomb of a C guest: the SDKs have no heap, so the stack is the only guest memory
 * that grows. The engine must stop it when the stack runs out (stack_exhausted, or
 * bad_address where the stack simply runs below the guest's memory) and the device must
 * keep running.
 */
#include <stdint.h>
#include "vmfleet.h"

/* The base case is a depth no stack reaches; it keeps compilers from calling this an
 * endless recursion (and from compiling it into a loop). */
static volatile int32_t bottom = INT32_MAX;

static int32_t down(int32_t depth) {
  volatile uint8_t frame[128];
  frame[depth & 127] = (uint8_t)depth;
  if (depth == bottom) return 0;
  /* Not a tail call: the frame is read after the call returns. */
  return down(depth + 1) + frame[depth & 127];
}

int main(void) {
  vm_print("deep-recursion: going down\n");
  int32_t never = down(0);
  vm_print("deep-recursion: came back (should not happen)\n");
  return never;
}
