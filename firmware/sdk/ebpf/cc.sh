#!/usr/bin/env bash
# Compiles one C file for eBPF: `cc.sh <clang> <clang arguments...>` (firmware/ebpf.mk).
# clang's errors for what eBPF cannot do are cryptic ("stack arguments are not supported",
# "Looks like the BPF stack limit is exceeded"); when the compile fails, this prints clang's
# own output and then, for each known error, the rule it broke and what to change in the
# C source (the rules: devices/engines/ebpf/README.md, "What eBPF cannot do").
set -u
clang=$1
shift
src=
for arg in "$@"; do [[ $arg == *.c ]] && src=$arg; done
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
"$clang" "$@" 2>"$errors"
status=$?
cat "$errors" >&2
[[ $status -eq 0 ]] && exit 0

rule() { echo "ebpf: ${src:-the program}: $1" >&2; }
said() { grep -qE "$1" "$errors"; }
known=0
if said 'stack arguments are not supported|too many arguments'; then
  rule "a function takes more than 5 arguments; eBPF passes arguments in r1..r5 only and has no stack arguments. Pass a pointer to a struct instead, or split the function (printf and snprintf take up to 16 values: they are macros)."
  known=1
fi
if said 'BPF stack limit'; then
  rule "a function needs more than 512 bytes of stack (eBPF's per-function limit, which clang enforces). Make the large local arrays or structs static (they move to data) or global, or split the function."
  known=1
fi
if said "built-in function '__(add|sub|mul|div|neg|fix|float|extend|trunc|eq|ne|lt|le|gt|ge|un|pow)[a-z]*[sdtx]f[a-z0-9]*'"; then
  rule "the program uses float or double; eBPF has no floating point and no soft-float library. Use integers (fixed point, e.g. milli-units in int32_t)."
  known=1
fi
if said "built-in function '__(mul|div|mod|udiv|umod|ash|lsh)ti3'|only small returns supported"; then
  rule "the program uses 128-bit integers (__int128) or returns a value wider than 64 bits; eBPF registers are 64-bit. Use uint64_t, split wide values into two halves."
  known=1
fi
if said "built-in function '(memcpy|memset|memmove)' is not supported"; then
  rule "clang wanted a memcpy/memset of a size it cannot expand inline; call the SDK's memcpy/memset (string.h) explicitly, or copy in a loop."
  known=1
fi
if said 'variadic functions are not supported'; then
  rule "the program defines a variadic function (...); eBPF has no stack arguments, so it cannot. Give it fixed parameters, or a macro that packs the arguments into an array as the SDK's printf does (sdk/ebpf/include/stdio.h)."
  known=1
fi
if said 'aggregate returns are not supported|pass by value not supported|aggregate.*argument'; then
  rule "a function takes or returns a struct by value; eBPF passes only 64-bit registers. Pass a pointer to the struct instead (an out-parameter for a result)."
  known=1
fi
if said 'call to undeclared (library )?function|implicit declaration of function'; then
  rule "a function is not declared: if it is a C library function, the eBPF SDK (firmware/sdk/ebpf/include) does not provide it. Write it in the program, or do without it."
  known=1
fi
if said "'[a-z_]+\.h' file not found"; then
  rule "a header the eBPF SDK does not have (it has string.h, stdlib.h, stdio.h, ctype.h, assert.h, inttypes.h and the compiler's stdint.h, stddef.h, stdbool.h, limits.h, stdarg.h); no math.h: eBPF has no floating point."
  known=1
fi
if [[ $known -eq 0 ]] && said 'Cannot select|error in backend'; then
  rule "clang's BPF backend cannot translate a construct of this file (see its message above); the usual causes are floating point, 128-bit integers and variadic functions (devices/engines/ebpf/README.md)."
fi
exit $status
