# wasm32 images of the benchmark programs and demo apps (docs/guest-abi.md, "wasm images").
# Included from firmware/Makefile; every name here starts with WASM_ or wasm so it cannot
# collide with the mips1 rules.
#
#   make wasm         build every program into build/wasm/<name>.wasm (committed)
#   make check-wasm   rebuild in a temp dir and compare byte for byte with build/wasm/
#
# Needs clang and wasm-ld (Debian: clang lld). No libc: the SDK's crt (_start), print
# layer and the mips1 SDK's portable libc.c (memcpy, memset, ...), all compiled here.

WASM_CC  ?= clang
WASM_IMG := $(BUILD)/wasm
WASM_OBJ := $(BUILD)/obj/wasm

# -mcpu=mvp: the WebAssembly MVP only (no sign-ext, bulk memory, nontrapping-fptoint),
# which is what the engine and validator accept. -nostdinc + clang's resource headers:
# <stdint.h>/<stddef.h> from the compiler, <string.h> from the SDK, never the host's.
WASM_TARGET := --target=wasm32 -mcpu=mvp -nostdlib
WASM_CFLAGS := $(WASM_TARGET) -O2 -std=gnu11 -Wall -Wextra -Werror \
               -ffreestanding -ffunction-sections -fdata-sections \
               -ffile-prefix-map=$(CURDIR)=. \
               -nostdinc -isystem $(shell $(WASM_CC) -print-resource-dir 2>/dev/null)/include \
               -Isdk/wasm -Isdk/mips1/include -Isdk/common -Ibench/embench
# The ABI's memory layout: one 64 KiB page, stack first (below the data, growing down to
# 0, so an overflow traps instead of overwriting data), _start the only export besides
# the memory. wasm-ld's --gc-sections is on by default.
WASM_LDFLAGS := -Wl,--no-entry -Wl,--export=_start -Wl,--stack-first \
                -Wl,--initial-memory=65536 -Wl,--strip-debug

# Stack each program gets (-z stack-size), default 4096.
WASM_STACK_ackermann := 8192

WASM_SDK_OBJS := $(WASM_OBJ)/sdk/crt.o $(WASM_OBJ)/sdk/out.o $(WASM_OBJ)/sdk/libc.o
WASM_HEADERS  := $(wildcard sdk/wasm/*.h sdk/mips1/include/*.h sdk/common/*.h)

.PHONY: wasm check-wasm
wasm: $(PROGRAMS:%=$(WASM_IMG)/%.wasm)

$(WASM_OBJ)/sdk $(WASM_OBJ)/prog $(WASM_IMG):
	mkdir -p $@

$(WASM_OBJ)/sdk/%.o: sdk/wasm/%.c $(WASM_HEADERS) | $(WASM_OBJ)/sdk
	$(WASM_CC) $(WASM_CFLAGS) -c $< -o $@
# The loops of memcpy & co. stay loops: clang does not turn a loop inside memcpy into a
# call to memcpy, and -fno-builtin keeps the others from becoming each other.
$(WASM_OBJ)/sdk/libc.o: sdk/mips1/libc.c $(WASM_HEADERS) | $(WASM_OBJ)/sdk
	$(WASM_CC) $(WASM_CFLAGS) -fno-builtin -c $< -o $@

$(WASM_OBJ)/prog/%.o: %.c $(WASM_HEADERS) $(PROGRAM_HEADERS) | $(WASM_OBJ)/prog
	$(WASM_CC) $(WASM_CFLAGS) -c $< -o $@

$(WASM_IMG)/%.wasm: $(WASM_OBJ)/prog/%.o $(WASM_SDK_OBJS) | $(WASM_IMG)
	$(WASM_CC) $(WASM_TARGET) $(WASM_LDFLAGS) -Wl,-z,stack-size=$(or $(WASM_STACK_$*),4096) \
	  $(WASM_OBJ)/sdk/crt.o $< $(WASM_OBJ)/sdk/out.o $(WASM_OBJ)/sdk/libc.o -o $@
	chmod a-x $@

check-wasm:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(MAKE) --no-print-directory -s BUILD=$$tmp wasm || exit 1; \
	status=0; \
	for p in $(PROGRAMS); do \
	  if [ ! -f $(WASM_IMG)/$$p.wasm ]; then echo "check-wasm: $$p.wasm is not committed in $(WASM_IMG)/"; status=1; \
	  elif ! cmp -s $$tmp/wasm/$$p.wasm $(WASM_IMG)/$$p.wasm; then echo "check-wasm: $$p.wasm differs from a fresh build"; status=1; fi; \
	done; \
	for f in $(WASM_IMG)/*.wasm; do \
	  [ -e "$$f" ] || continue; [ -f "$$tmp/wasm/$$(basename $$f)" ] || { echo "check-wasm: $$f has no source program"; status=1; }; \
	done; \
	[ $$status -eq 0 ] && echo "check-wasm: $(words $(PROGRAMS)) images reproduce byte for byte"; exit $$status
