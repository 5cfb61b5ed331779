/*
 * atexit (C11 7.22.4.2) over newlib's __register_exitproc, as newlib's own atexit is,
 * plus a reference to exit(): crt0 calls exit only when it is linked (a weak reference,
 * see crt0.S), and a program that registers a handler needs it to run when main returns.
 * libvmfleet.a comes before libc.a in the link, so this atexit is the one linked.
 */
#include <stdlib.h>

extern int __register_exitproc(int type, void (*fn)(void), void *arg, void *dso);

int atexit(void (*fn)(void)) { return __register_exitproc(0, fn, NULL, NULL); }

__attribute__((used)) static void (*const keep_exit)(int) = exit;
