/*
 * The file syscalls newlib's stdio asks for, for a guest that has only a console:
 * descriptors 0..2 are character devices (so stdout is line-buffered), reading stdin is
 * at its end, nothing seeks, nothing else exists (EBADF). Weak aliases give the
 * unprefixed names newlib for mips*-elf calls.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_console(int fd) { return fd >= 0 && fd <= 2; }

static int bad_descriptor(void) {
  errno = EBADF;
  return -1;
}

int _close(int fd) { return is_console(fd) ? 0 : bad_descriptor(); }

ssize_t _read(int fd, void *buf, size_t count) {
  (void)buf;
  (void)count;
  return fd == 0 ? 0 : bad_descriptor();
}

int _fstat(int fd, struct stat *st) {
  if (!is_console(fd)) return bad_descriptor();
  st->st_mode = S_IFCHR;
  st->st_blksize = 0;
  return 0;
}

int _isatty(int fd) {
  if (is_console(fd)) return 1;
  errno = EBADF;
  return 0;
}

off_t _lseek(int fd, off_t offset, int whence) {
  (void)offset;
  (void)whence;
  if (!is_console(fd)) return bad_descriptor();
  errno = ESPIPE;
  return -1;
}

int close(int) __attribute__((weak, alias("_close")));
ssize_t read(int, void *, size_t) __attribute__((weak, alias("_read")));
int fstat(int, struct stat *) __attribute__((weak, alias("_fstat")));
int isatty(int) __attribute__((weak, alias("_isatty")));
off_t lseek(int, off_t, int) __attribute__((weak, alias("_lseek")));
