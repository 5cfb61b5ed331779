#!/usr/bin/env bash
# `npm run build`'s last step: the host builds of the benchmarks (firmware/build/native/),
# the native baseline every benchmark campaign and bench:vm divide by. Built when the host
# has gcc and make (seconds; nothing when up to date); without them it says what to
# install and the build still succeeds: the gateway runs, campaigns then need --no-native.
set -euo pipefail
firmware=$(cd "$(dirname "$0")/.." && pwd)
missing=()
command -v gcc >/dev/null || missing+=(gcc)
command -v make >/dev/null || missing+=(make)
if [ ${#missing[@]} -gt 0 ]; then
  echo "build: no native benchmark builds: ${missing[*]} not found (apt-get install ${missing[*]}); campaigns need --no-native" >&2
  exit 0
fi
make -C "$firmware" -s --no-print-directory native
