/*
 * The process syscalls newlib's raise() and abort() use: the guest is process 1, and a
 * signal sent to it ends the program like a POSIX shell reports a signal death, with exit
 * code 128 + signal: abort() (SIGABRT, 6) and a failed assert() exit 134.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include "vmfleet.h"

pid_t _getpid(void) { return 1; }

int _kill(int pid, int sig) {
  if (pid != 1) {
    errno = ESRCH;
    return -1;
  }
  vm_exit(128 + sig);
}

pid_t getpid(void) __attribute__((weak, alias("_getpid")));
int kill(int, int) __attribute__((weak, alias("_kill")));
