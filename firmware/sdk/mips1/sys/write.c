/*
 * write(2) for newlib's stdio: stdout and stderr go to the guest console (vm_print, which
 * takes a NUL-terminated string of at most VM_PRINT_MAX_BYTES), in chunks through a
 * stack buffer. A NUL byte in the data cannot travel through vm_print: it is skipped.
 * Every other descriptor is EBADF: a guest has no files.
 */
#include <errno.h>
#include <unistd.h>
#include "vmfleet.h"

#define CHUNK_BYTES 128

ssize_t _write(int fd, const void *buf, size_t count) {
  if (fd != 1 && fd != 2) {
    errno = EBADF;
    return -1;
  }
  const char *p = buf;
  char chunk[CHUNK_BYTES + 1];
  size_t used = 0;
  for (size_t i = 0; i < count; i++) {
    if (p[i] != '\0') chunk[used++] = p[i];
    if (used == CHUNK_BYTES || (i + 1 == count && used > 0)) {
      chunk[used] = '\0';
      vm_print(chunk);
      used = 0;
    }
  }
  return (ssize_t)count;
}

/* newlib for mips*-elf calls the unprefixed name (MISSING_SYSCALL_NAMES). */
ssize_t write(int fd, const void *buf, size_t count) __attribute__((weak, alias("_write")));

/* A program that writes to stdout must flush it when main returns: this pulls in exit(),
 * which crt0 references only weakly (see crt0.S). */
extern void exit(int);
__attribute__((used)) static void (*const keep_exit)(int) = exit;
