/*
 * The host side of run-m1: vm_host_syscall() and vm_clock_us() for a plain host build.
 */
#ifndef RUN_M1_HOST_H
#define RUN_M1_HOST_H

#include <stdio.h>

#include "vm.h"

/* Where the guest's own output goes (stdout; stderr while stepping, so that stdout keeps
 * only the key=value report). */
extern FILE *host_guest_out;
/* Handlers the program registered with eh_on_raw / eh_on_condition. */
extern unsigned host_handlers;

#endif /* RUN_M1_HOST_H */
