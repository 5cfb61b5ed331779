#!/usr/bin/env bash
# Fails unless every instruction in the given ELFs is MIPS I (R3000) integer ISA and no
# syscall/break sits in a branch delay slot.
#   check-isa.sh <objdump> <program.elf>...
# gcc -march=mips1 already restricts itself; this catches what it cannot: hand-written
# asm, a stray object built with other flags, a libgcc pulled in from the host multilib
# (Debian's is MIPS32r2: clz, mul, teq).
set -euo pipefail
objdump=$1
shift
status=0
for elf in "$@"; do
  if ! "$objdump" -d -M no-aliases "$elf" | awk -v elf="$elf" '
    BEGIN {
      n = split("sll srl sra sllv srlv srav jr jalr syscall break mfhi mthi mflo mtlo " \
                "mult multu div divu add addu sub subu and or xor nor slt sltu " \
                "bltz bgez bltzal bgezal j jal beq bne blez bgtz " \
                "addi addiu slti sltiu andi ori xori lui " \
                "lb lh lwl lw lbu lhu lwr sb sh swl sw swr " \
                "negu", ok, " ")  # negu: objdump names subu rd,$0,rt so even with no-aliases
      for (i = 1; i <= n; i++) isa[ok[i]] = 1
      m = split("jr jalr bltz bgez bltzal bgezal j jal beq bne blez bgtz", br, " ")
      for (i = 1; i <= m; i++) branch[br[i]] = 1
      bad = 0
    }
    /^ *[0-9a-f]+:\t[0-9a-f]+ \t/ {
      split($0, f, "\t"); op = f[3]; sub(/ .*/, "", op)
      if (!(op in isa)) { printf "%s: not MIPS I: %s\n", elf, $0; bad = 1 }
      if ((op == "syscall" || op == "break") && (prev in branch)) {
        printf "%s: %s in a delay slot: %s\n", elf, op, $0; bad = 1
      }
      prev = op
    }
    END { exit bad }'; then
    status=1
  fi
done
[ $status -eq 0 ] && echo "isa-check: $# ELF files use MIPS I instructions only"
exit $status
