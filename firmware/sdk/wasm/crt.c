/*
 * vmfleet wasm start-up code (docs/guest-abi.md, "wasm images").
 *
 * The engine instantiates the module (data segments copied, globals and the stack
 * pointer set by wasm-ld), then calls the exported _start. _start runs the static
 * constructors, calls main() and hands its result to exit(), as any C start-up does:
 * wasi-libc's exit() runs the atexit handlers, flushes stdio and ends in _Exit(). Programs
 * that register Event Handler callbacks end main() the same way and the Event Handler
 * decides whether the VM stays alive to serve events.
 */
#include <stdlib.h>

#include "vmfleet.h"

/* int main(void) and int main(int, char **) both work: clang names them __main_void and
 * __main_argc_argv, and wasi-libc's __main_void passes the (empty) argument vector. */
int main(void);
/* Synthesised by wasm-ld: calls every __attribute__((constructor)) function. */
void __wasm_call_ctors(void);

__attribute__((export_name("_start"))) void _start(void) {
  __wasm_call_ctors();
  exit(main());
}

/*
 * The end of every exit path (exit, return from main, _Exit itself) is the ABI's vm_exit
 * rather than WASI's proc_exit, so a program that prints only through vm_print imports
 * nothing but the vmfleet module. It replaces wasi-libc's _Exit.o, whose only content is
 * the proc_exit call. (abort() and a failed assert() trap: unreachable.)
 */
_Noreturn void _Exit(int code) { vm_exit(code); }
