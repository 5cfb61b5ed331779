#!/usr/bin/env bash
# Builds the vmfleet RIOT firmware for every VM engine and board, once (CI runs it before
# npm test; tests then use bin/<vm>/native64/vmfleet.elf), and prints the sizes.
#
#   firmware/riot/build-all.sh                  all of VMS x BOARDS
#   VMS="none mips1" BOARDS=native64 firmware/riot/build-all.sh
#
# It also writes the footprint of every build that succeeded into FOOTPRINT
# (firmware/riot/bin/footprint.json by default, merged with the builds already there):
# `vmfleet bench footprint` uploads it and benchmark reports show it per board, each VM
# against the VM=none build (the agent alone), as the reference study measured.
#
# An engine whose source directory has no .c file yet is skipped (engines are being written).
# RIOTBASE comes from the environment; else the kit at .riot (../shared/riot/install.sh .riot).
# Every build runs even if one fails; the exit code is non-zero if any failed.
set -uo pipefail

APP=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
VMS=${VMS:-none mips1 wasm wasm-fast lua js ebpf}
BOARDS=${BOARDS:-native64 adafruit-feather-nrf52840-sense}
JOBS=${JOBS:-2}
FOOTPRINT=${FOOTPRINT:-$APP/bin/footprint.json}

if [[ -z "${RIOTBASE:-}" && -f "$APP/../../.riot/env.sh" ]]; then
  # shellcheck disable=SC1091
  . "$APP/../../.riot/env.sh"
fi
[[ -f "${RIOTBASE:-}/Makefile.include" ]] || {
  echo "build-all.sh: no RIOT at RIOTBASE='${RIOTBASE:-}': ../shared/riot/install.sh .riot && . .riot/env.sh" >&2
  exit 1
}

engine_dir() { # vm -> its source directory (vm/<dir>, see vm/engines.mk)
  case "$1" in
    none | mips1 | lua | ebpf) echo "$APP/vm/$1" ;;
    wasm | wasm-fast) echo "$APP/vm/wamr" ;;
    js) echo "$APP/vm/jerryscript" ;;
    *) return 1 ;;
  esac
}

size_tool() { [[ "$1" == native64 ]] && echo size || echo arm-none-eabi-size; }

LOG_DIR=$(mktemp -d)
trap 'rm -rf "$LOG_DIR"' EXIT
rows=()
built=()
failed=()
for vm in $VMS; do
  dir=$(engine_dir "$vm") || { echo "build-all.sh: unknown VM $vm" >&2; failed+=("$vm"); continue; }
  if ! compgen -G "$dir/*.c" >/dev/null; then
    for board in $BOARDS; do rows+=("$vm|$board|skipped: no .c in ${dir#"$APP"/}||||"); done
    continue
  fi
  for board in $BOARDS; do
    log="$LOG_DIR/$vm-$board.log"
    start=$(date +%s.%N)
    printf '== make VM=%s BOARD=%s\n' "$vm" "$board"
    if make -C "$APP" -j"$JOBS" VM="$vm" BOARD="$board" all >"$log" 2>&1; then
      took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
      elf="$APP/bin/$vm/$board/vmfleet.elf"
      # text data bss dec, from the Berkeley format
      sizes=$("$(size_tool "$board")" "$elf" | awk 'NR == 2 { print $1 "|" $2 "|" $3 "|" $4 }')
      rows+=("$vm|$board|${took}s|$sizes")
      built+=("$vm|$board|$sizes")
    else
      # With -j the first error is often far above the end of the log: show errors, then the end.
      echo "!!!! VM=$vm BOARD=$board failed; errors, then the last lines of the build:"
      sed 's/\x1b\[[0-9;]*[mK]//g' "$log" | grep -E -m 20 'error|undefined reference|overflowed' || true
      echo '....'
      tail -n 15 "$log"
      rows+=("$vm|$board|FAILED||||")
      failed+=("$vm/$board")
    fi
  done
done

printf '\n%-10s %-32s %-22s %9s %7s %9s %9s\n' vm board build text data bss total
for row in "${rows[@]}"; do
  IFS='|' read -r vm board took text data bss dec <<<"$row"
  printf '%-10s %-32s %-22s %9s %7s %9s %9s\n' "$vm" "$board" "$took" "$text" "$data" "$bss" "$dec"
done
echo "(bytes; native64 by size, the feather by arm-none-eabi-size; ELFs in firmware/riot/bin/<vm>/<board>/)"

# vmfleet-footprint/1 (docs/benchmarks.md, "VM footprint"): one entry per VM and board.
if [[ ${#built[@]} -gt 0 ]]; then
  # The kit's env.sh names its RIOT; a RIOT checkout of one's own is its commit. (Not
  # `git -C` blindly: a tree inside another repository would give that repository's HEAD.)
  riot=${RIOT_VERSION:-}
  if [[ -z "$riot" && "$(git -C "$RIOTBASE" rev-parse --show-toplevel 2>/dev/null)" == "$(cd "$RIOTBASE" && pwd -P)" ]]; then
    riot=$(git -C "$RIOTBASE" rev-parse --short=10 HEAD)
  fi
  riot=${riot:-unknown}
  mkdir -p "$(dirname "$FOOTPRINT")"
  printf '%s\n' "${built[@]}" | node -e '
    const fs = require("fs");
    const [file, riot] = process.argv.slice(1);
    let old = [];
    try { old = JSON.parse(fs.readFileSync(file, "utf8")).builds ?? []; } catch {}
    const fresh = fs.readFileSync(0, "utf8").trim().split("\n").map((line) => {
      const [vm, board, text, data, bss] = line.split("|");
      return { vm, board, riot, textBytes: +text, dataBytes: +data, bssBytes: +bss,
               builtAt: new Date().toISOString() };
    });
    const key = (b) => b.vm + "|" + b.board;
    const keep = old.filter((b) => !fresh.some((f) => key(f) === key(b)));
    const builds = [...keep, ...fresh].sort((a, b) => key(a).localeCompare(key(b)));
    fs.writeFileSync(file, JSON.stringify({ schema: "vmfleet-footprint/1", builds }, null, 2) + "\n");
  ' "$FOOTPRINT" "$riot" && echo "footprint: $FOOTPRINT"
fi

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "build-all.sh: failed: ${failed[*]}" >&2
  exit 1
fi
