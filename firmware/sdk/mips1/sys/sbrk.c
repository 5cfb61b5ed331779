/*
 * sbrk(2) for newlib's malloc: the heap is the region [__heap_start, __heap_end) that
 * link.ld reserves after .bss (HEAP_BYTES_<name> in firmware/Makefile, 16 KiB by default,
 * only in programs that link this file, i.e. that call malloc or use stdio). It is part of
 * the image's bssBytes, so a board too small for it is refused at load, and a program
 * runs out of heap at the same point on every board. Past the end: ENOMEM, (void *)-1,
 * and malloc returns NULL.
 */
#include <errno.h>
#include <unistd.h>

extern char __heap_start[], __heap_end[];

static char *heap_break = __heap_start;

void *_sbrk(ptrdiff_t increment) {
  char *old = heap_break;
  if (increment > __heap_end - old || increment < __heap_start - old) {
    errno = ENOMEM;
    return (void *)-1;
  }
  heap_break = old + increment;
  return old;
}

void *sbrk(ptrdiff_t increment) __attribute__((weak, alias("_sbrk")));
