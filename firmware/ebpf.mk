# ebpf (Femto-Container .rbf) images of the benchmarks and demo apps. Included from the
# Makefile, whose program lists, BUILD/OBJ and TS_NODE it reuses. See README.md and
# devices/engines/ebpf/README.md.
#
#   make ebpf         build every image eBPF can express into build/ebpf/ (committed)
#   make check-ebpf   rebuild in a temp dir and compare byte for byte with build/ebpf/

CLANG ?= clang
EBPF_IMG := $(BUILD)/ebpf
EBPF_OBJ := $(OBJ)/ebpf

# Programs clang cannot compile for eBPF (reasons: devices/engines/ebpf/README.md).
# ud, xgboost, button-counter: signed 32-bit division or remainder, which eBPF before
# ISA v4 lacks (clang 14 stops with "Cannot select: sdiv").
EBPF_UNSUPPORTED := ud xgboost button-counter
EBPF_PROGRAMS := $(filter-out $(EBPF_UNSUPPORTED),$(PROGRAMS))

# -mcpu=v3: ALU32 and JMP32 (RFC 9669 groups base32 + base64 with 32-bit jumps), which
# 32-bit C code needs far fewer instructions with. -ffreestanding: no builtins, so the SDK's
# memcpy loops stay loops. One translation unit per program: BPF objects are not linked,
# so sdk/ebpf/runtime.c (libc subset, print_hex) is pre-included. No -g, no host paths:
# the bytes depend only on the sources and the clang version.
EBPF_CFLAGS := --target=bpf -mcpu=v3 -O2 -std=gnu11 -Wall -Wextra -Werror \
               -ffreestanding -nostdinc -isystem $(shell $(CLANG) -print-resource-dir 2>/dev/null)/include \
               -ffile-prefix-map=$(CURDIR)=. -fdebug-prefix-map=$(CURDIR)=. \
               -Isdk/ebpf -Isdk/mips1/include -Isdk/common -Ibench/embench \
               -include sdk/ebpf/runtime.c
EBPF_SDK := $(wildcard sdk/ebpf/*.h sdk/ebpf/*.c sdk/mips1/libc.c sdk/mips1/include/*.h sdk/common/*.h)
EBPF_PACKER := tools/pack-rbf.ts tools/elf64.ts $(wildcard ../src/protocol/images/rbf/*.ts)

.PHONY: ebpf check-ebpf
ebpf: $(EBPF_PROGRAMS:%=$(EBPF_IMG)/%.rbf)

$(EBPF_OBJ) $(EBPF_IMG):
	mkdir -p $@

$(EBPF_OBJ)/%.o: %.c $(EBPF_SDK) $(PROGRAM_HEADERS) | $(EBPF_OBJ)
	$(CLANG) $(EBPF_CFLAGS) -c $< -o $@

$(EBPF_IMG)/%.rbf: $(EBPF_OBJ)/%.o $(EBPF_PACKER) | $(EBPF_IMG)
	$(TS_NODE) tools/pack-rbf.ts $< $@

check-ebpf:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(MAKE) --no-print-directory -s BUILD=$$tmp ebpf || exit 1; \
	status=0; \
	for p in $(EBPF_PROGRAMS); do \
	  if [ ! -f $(EBPF_IMG)/$$p.rbf ]; then echo "check-ebpf: $$p.rbf is not committed in $(EBPF_IMG)/"; status=1; \
	  elif ! cmp -s $$tmp/ebpf/$$p.rbf $(EBPF_IMG)/$$p.rbf; then echo "check-ebpf: $$p.rbf differs from a fresh build"; status=1; fi; \
	done; \
	for f in $(EBPF_IMG)/*.rbf; do \
	  [ -e "$$f" ] || continue; [ -f "$$tmp/ebpf/$$(basename $$f)" ] || { echo "check-ebpf: $$f has no source program"; status=1; }; \
	done; \
	[ $$status -eq 0 ] && echo "check-ebpf: $(words $(EBPF_PROGRAMS)) images reproduce byte for byte"; exit $$status
