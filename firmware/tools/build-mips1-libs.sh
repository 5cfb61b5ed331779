#!/usr/bin/env bash
# Builds the mips1 SDK's C environment from Debian's source packages, reproducibly:
#   <out>/lib/libc.a, <out>/lib/libm.a   newlib (newlib-source) for MIPS I, soft-float
#   <out>/lib/libgcc.a                   libgcc's soft-fp and 64-bit integer helpers
#                                        (gcc-12-source: libgcc/soft-fp, libgcc2.c)
#   <out>/include/                       newlib's installed headers (newlib.h is generated)
# Usage: tools/build-mips1-libs.sh <out>   (make -C firmware mips1-libs: <out> = sdk/mips1)
# The results are committed; `make check-mips1-libs` rebuilds them in a temp dir and
# compares byte for byte. About 2 minutes on 2 cores.
set -euo pipefail
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=0

out=${1:?usage: build-mips1-libs.sh <out dir>}
CROSS=${CROSS:-mipsel-linux-gnu-}
JOBS=${JOBS:-2}
NEWLIB_TAR=$(ls /usr/src/newlib/newlib-*.tar.* 2>/dev/null | head -n 1 || true)
GCC_TAR=$(ls /usr/src/gcc-12/gcc-12*.tar.xz 2>/dev/null | grep -v gm2 | head -n 1 || true)
[ -n "$NEWLIB_TAR" ] || { echo "build-mips1-libs: no /usr/src/newlib/newlib-*.tar.*: apt-get install newlib-source" >&2; exit 1; }
[ -n "$GCC_TAR" ] || { echo "build-mips1-libs: no /usr/src/gcc-12/gcc-12*.tar.xz: apt-get install gcc-12-source" >&2; exit 1; }
command -v "${CROSS}gcc" >/dev/null || { echo "build-mips1-libs: no ${CROSS}gcc: apt-get install gcc-mipsel-linux-gnu" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The guest ABI's code generation (firmware/Makefile M1_ABI_FLAGS), one section per
# function/object for --gc-sections, no host paths. mipsel-linux-gnu-gcc predefines the
# Linux macros; a bare-metal libc must not see them.
ABI="-march=mips1 -mfp32 -msoft-float -mno-abicalls -fno-pic -G0"
TARGET_CFLAGS="$ABI -O2 -ffunction-sections -fdata-sections -fno-stack-protector \
  -ffile-prefix-map=$work=. -U__linux__ -U__gnu_linux__ -Ulinux -U__unix__ -U__unix -Uunix"

build_newlib() {
  mkdir -p "$work/src" "$work/newlib" "$work/dest"
  tar -xf "$NEWLIB_TAR" -C "$work/src"
  local src
  src=$(echo "$work"/src/*)
  # newlib puts _impure_ptr in .sdata on MIPS, which makes every access $gp-relative; the
  # guest ABI is -G0 with $gp unused (0), so it must be ordinary data. The one patch.
  local config="$src/newlib/libc/include/sys/config.h"
  grep -q '^#if defined(__mips__) && !defined(__rtems__)$' "$config" ||
    { echo "build-mips1-libs: $config no longer has the MIPS .sdata line to patch" >&2; exit 1; }
  sed -i 's|^#if defined(__mips__) && !defined(__rtems__)$|#if 0 /* vmfleet: -G0, no small data */|' "$config"
  # What the options buy (newlib/README): the full printf/scanf with long long and C99
  # formats (%lld, %zu, %hhd, PRIx64: nano printf has no long long) and floats; nano malloc;
  # a small struct _reent; no wide orientation; exit() without atexit tables it does not
  # use; no syscalls of newlib's own: the SDK's sys/*.c map them to the guest ABI. One
  # thread: no locks.
  (cd "$work/newlib" && "$src/configure" --target=mipsel-elf --prefix=/usr \
    --disable-multilib --disable-nls --disable-libgloss \
    --disable-newlib-supplied-syscalls --enable-newlib-nano-malloc \
    --enable-newlib-io-long-long --enable-newlib-io-c99-formats --enable-newlib-reent-small \
    --disable-newlib-fvwrite-in-streamio --disable-newlib-fseek-optimization \
    --disable-newlib-wide-orient --enable-newlib-unbuf-stream-opt --enable-lite-exit \
    --enable-newlib-global-atexit --disable-newlib-multithread \
    --disable-newlib-atexit-dynamic-alloc \
    CC_FOR_TARGET="${CROSS}gcc" AR_FOR_TARGET="${CROSS}ar" RANLIB_FOR_TARGET="${CROSS}ranlib" \
    AS_FOR_TARGET="${CROSS}as" LD_FOR_TARGET="${CROSS}ld" NM_FOR_TARGET="${CROSS}nm" \
    OBJDUMP_FOR_TARGET="${CROSS}objdump" READELF_FOR_TARGET="${CROSS}readelf" \
    STRIP_FOR_TARGET="${CROSS}strip" CFLAGS_FOR_TARGET="$TARGET_CFLAGS" \
    >"$work/newlib-configure.log" 2>&1) || { tail -n 30 "$work/newlib-configure.log" >&2; exit 1; }
  make -C "$work/newlib" -j"$JOBS" all-target-newlib >"$work/newlib-make.log" 2>&1 ||
    { grep -B2 -A8 -m3 'rror' "$work/newlib-make.log" >&2; exit 1; }
  make -C "$work/newlib" install-target-newlib DESTDIR="$work/dest" >"$work/newlib-install.log" 2>&1 ||
    { tail -n 30 "$work/newlib-install.log" >&2; exit 1; }
}

# libgcc's own build needs a configured gcc tree; these functions need only the target's
# word size (mips.h: MIN_UNITS_PER_WORD 4) and what -fbuilding-libgcc predefines.
SOFTFP="addsf3 subsf3 mulsf3 divsf3 negsf2 eqsf2 gesf2 lesf2 unordsf2
  adddf3 subdf3 muldf3 divdf3 negdf2 eqdf2 gedf2 ledf2 unorddf2
  fixsfsi fixsfdi fixunssfsi fixunssfdi floatsisf floatdisf floatunsisf floatundisf
  fixdfsi fixdfdi fixunsdfsi fixunsdfdi floatsidf floatdidf floatunsidf floatundidf
  extendsfdf2 truncdfsf2"
LIBGCC2="_muldi3 _negdi2 _lshrdi3 _ashldi3 _ashrdi3 _cmpdi2 _ucmpdi2
  _divdi3 _moddi3 _divmoddi4 _udivdi3 _umoddi3 _udivmoddi4
  _absvsi2 _absvdi2 _addvsi3 _addvdi3 _subvsi3 _subvdi3 _mulvsi3 _mulvdi3 _negvsi2 _negvdi2
  _ffssi2 _ffsdi2 _clz _clzsi2 _clzdi2 _ctzsi2 _ctzdi2 _popcount_tab _popcountsi2
  _popcountdi2 _paritysi2 _paritydi2 _powisf2 _powidf2 _mulsc3 _muldc3 _divsc3 _divdc3
  _bswapsi2 _bswapdi2 _clrsbsi2 _clrsbdi2"

build_libgcc() {
  local top="$work/gcc"
  mkdir -p "$top" "$work/shim" "$work/libgcc"
  tar -xJf "$GCC_TAR" -C "$top" --strip-components=1 --wildcards --no-wildcards-match-slash \
    '*/libgcc/libgcc2.[ch]' '*/libgcc/soft-fp/*' '*/libgcc/config/mips/sfp-machine.h' \
    '*/gcc/tsystem.h' '*/include/*.h'
  for h in tconfig.h coretypes.h libgcc_tm.h; do echo '/* nothing for MIPS I */' >"$work/shim/$h"; done
  printf '#define MIN_UNITS_PER_WORD 4\n#ifndef LIBGCC2_UNITS_PER_WORD\n#define LIBGCC2_UNITS_PER_WORD 4\n#endif\n' \
    >"$work/shim/tm.h"
  local lg="$top/libgcc"
  local cflags="$TARGET_CFLAGS -fbuilding-libgcc -DIN_LIBGCC2 -Dinhibit_libc -nostdinc \
    -isystem $("${CROSS}gcc" -print-file-name=include) -I$work/shim -I$top/gcc -I$lg \
    -I$lg/config/mips -I$lg/soft-fp -I$top/include"
  local f
  for f in $SOFTFP; do
    echo "$lg/soft-fp/$f.c -o $work/libgcc/$f.o"
  done >"$work/libgcc.jobs"
  for f in $LIBGCC2; do
    echo "-DL$f $lg/libgcc2.c -o $work/libgcc/$f.o"
  done >>"$work/libgcc.jobs"
  # shellcheck disable=SC2086
  xargs -P "$JOBS" -L 1 "${CROSS}gcc" $cflags -c <"$work/libgcc.jobs"
  (cd "$work/libgcc" && ls ./*.o | sort | xargs "${CROSS}ar" rcsD "$work/libgcc.a")
}

build_newlib
build_libgcc

# Debian's binutils write deterministic archives (no dates, uid 0); `ar D` says so anyway.
mkdir -p "$out/lib"
cp "$work/dest/usr/mipsel-elf/lib/libc.a" "$work/dest/usr/mipsel-elf/lib/libm.a" "$out/lib/"
cp "$work/libgcc.a" "$out/lib/libgcc.a"
rm -rf "$out/include"
cp -r "$work/dest/usr/mipsel-elf/include" "$out/include"
# newlib installs a few empty directories (bits/, rpc/); git keeps no empty directory, so
# a clean clone would never match a fresh build with them.
find "$out/include" -type d -empty -delete
echo "build-mips1-libs: $out/lib/{libc,libm,libgcc}.a and $out/include/ ($(find "$out/include" -type f | wc -l) headers)"
