/*
 * vmfleet wasm start-up code (docs/guest-abi.md, "wasm images").
 *
 * The engine instantiates the module (data segments copied, globals and the stack
 * pointer set by wasm-ld), then calls the exported _start. _start calls main() and hands
 * its result to vm_exit, as the mips1 crt0 does; programs that register Event Handler
 * callbacks end main() the same way and the Event Handler decides whether the VM stays
 * alive to serve events.
 */
#include "vmfleet.h"

int main(void);

__attribute__((export_name("_start"))) void _start(void) { vm_exit(main()); }
