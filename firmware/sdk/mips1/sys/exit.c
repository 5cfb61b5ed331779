/*
 * _exit(2): the vm_exit syscall with the code. newlib's exit() runs the atexit handlers
 * and flushes stdio first, then calls this; crt0 hands main's result to exit().
 */
#include <unistd.h>
#include "vmfleet.h"

void _exit(int code) { vm_exit(code); }
