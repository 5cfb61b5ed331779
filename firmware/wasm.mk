# wasm32 images of the benchmark programs, the demo apps and the standard-C programs
# (docs/guest-abi.md, "wasm images"). Included from firmware/Makefile; every name here
# starts with WASM_ or wasm so it cannot collide with the mips1 rules.
#
#   make wasm         build every program into build/wasm/<name>.wasm and the standard-C
#                     programs of bench/libc into build/wasm/libc/<name>.wasm (committed)
#   make check-wasm   rebuild in a temp dir and compare byte for byte with build/wasm/
#   PROFILE=Os        the same with -Os instead of -O2, into build/wasm-Os/ (committed:
#                     the code-size comparison; the bench/libc programs there only with
#                     `make PROFILE=Os wasm-libc`, not committed: their size is wasi-libc's)
#
# Needs clang and wasm-ld (Debian: clang lld) and a real C environment from Debian:
# wasi-libc (libc.a with libm, headers in /usr/include/wasm32-wasi) and the compiler-rt
# builtins for wasm32 (libclang-rt-14-dev-wasm32: __multi3, long double). Both are MVP
# code (no target_features section, no post-MVP opcode in any member), which is what the
# engine and the validator accept.

WASM_CC  ?= clang
# PROFILE (the Makefile's): O2 into build/wasm/, Os into build/wasm-Os/.
WASM_SUFFIX := $(PROFILE_SUFFIX)
WASM_IMG := $(BUILD)/wasm$(WASM_SUFFIX)
WASM_OBJ := $(OBJ)/wasm

WASI_INCLUDE ?= /usr/include/wasm32-wasi
WASI_LIBDIR  ?= /usr/lib/wasm32-wasi
WASM_BUILTINS ?= $(shell $(WASM_CC) --target=wasm32-wasi -print-libgcc-file-name 2>/dev/null)
# wasi-libc keeps clock() and signal()/raise() in emulation libraries (clock() on the
# device's clock; raise() of a default-action signal ends the program): standard C, so on.
WASM_LIBS := $(WASI_LIBDIR)/libc.a $(WASI_LIBDIR)/libwasi-emulated-process-clocks.a \
             $(WASI_LIBDIR)/libwasi-emulated-signal.a $(WASM_BUILTINS)

# The standard-C programs (bench/libc, shared with mips1): only the standard headers.
# Not for wasm: jmp (setjmp/longjmp: the MVP cannot unwind the wasm stack, and wasi-libc
# has no <setjmp.h>; it needs the exception-handling proposal).
WASM_LIBC_UNSUPPORTED := jmp
WASM_LIBC_PROGRAMS := $(filter-out $(WASM_LIBC_UNSUPPORTED), \
                        $(sort $(basename $(notdir $(wildcard bench/libc/*.c)))))

# -mcpu=mvp: the WebAssembly MVP only (no sign-ext, bulk memory, nontrapping-fptoint).
# A hosted C environment: clang's resource headers, then wasi-libc's (never the host's).
WASM_TARGET := --target=wasm32-wasi -mcpu=mvp
WASM_CFLAGS := $(WASM_TARGET) -$(PROFILE) -std=gnu11 -Wall -Wextra -Werror \
               -ffunction-sections -fdata-sections \
               -ffile-prefix-map=$(CURDIR)=. \
               -nostdinc -isystem $(shell $(WASM_CC) -print-resource-dir 2>/dev/null)/include \
               -isystem $(WASI_INCLUDE) -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_SIGNAL
WASM_SDK_CFLAGS := -Isdk/wasm -Isdk/common -Ibench/embench
# The ABI's memory layout (docs/guest-abi.md): one 64 KiB page, stack first (at the
# bottom, growing down to 0: the engine traps stack_exhausted when __stack_pointer would
# go below 0), then data and .bss, then the heap from __heap_base to the end of memory
# (malloc's initial region; memory.grow adds pages up to the board's limit). __heap_base
# and __data_end are exported so the engines know where .bss ends and which global is the
# C stack pointer (WAMR's rule). No crt1: the SDK's crt.c is _start. wasm-ld's
# --gc-sections is on by default.
WASM_LDFLAGS := -nostdlib -Wl,--no-entry -Wl,--export=_start -Wl,--stack-first \
                -Wl,--export=__heap_base -Wl,--export=__data_end \
                -Wl,--initial-memory=65536 -Wl,--strip-debug

# C stack each program gets (-z stack-size), in bytes: WASM_STACK_<name>, default below.
# Only what C keeps in memory lives there (arrays, address-taken locals, printf's
# buffers); scalars are wasm locals.
WASM_STACK_DEFAULT := 16384

WASM_SDK_OBJS := $(WASM_OBJ)/sdk/crt.o $(WASM_OBJ)/sdk/out.o
WASM_HEADERS  := $(wildcard sdk/wasm/*.h sdk/common/*.h) wasm.mk

# What `wasm` builds and check-wasm compares: the bench/libc images at -O2 only.
WASM_CHECKED := $(PROGRAMS) $(if $(filter O2,$(PROFILE)),$(WASM_LIBC_PROGRAMS:%=libc/%))

.PHONY: wasm wasm-libc check-wasm wasm-toolchain
wasm: $(WASM_CHECKED:%=$(WASM_IMG)/%.wasm)
wasm-libc: $(WASM_LIBC_PROGRAMS:%=$(WASM_IMG)/libc/%.wasm)

wasm-toolchain:
	@for f in $(WASM_LIBS); do [ -f "$$f" ] || { \
	  echo "wasm: $$f is missing: install the Debian packages wasi-libc and libclang-rt-14-dev-wasm32 (and clang lld)" >&2; exit 1; }; done

$(WASM_OBJ)/sdk $(WASM_OBJ)/prog $(WASM_OBJ)/libc $(WASM_IMG) $(WASM_IMG)/libc:
	mkdir -p $@

$(WASM_OBJ)/sdk/%.o: sdk/wasm/%.c $(WASM_HEADERS) | $(WASM_OBJ)/sdk wasm-toolchain
	$(WASM_CC) $(WASM_CFLAGS) $(WASM_SDK_CFLAGS) -c $< -o $@

$(WASM_OBJ)/prog/%.o: %.c $(WASM_HEADERS) $(PROGRAM_HEADERS) | $(WASM_OBJ)/prog wasm-toolchain
	$(WASM_CC) $(WASM_CFLAGS) $(WASM_SDK_CFLAGS) -c $< -o $@

# WASM_CFLAGS_<name>: per-program additions. format.c's `"abcdef" + 3` is clang's
# -Wstring-plus-int (valid C, and gcc has no such warning).
WASM_CFLAGS_format := -Wno-string-plus-int
$(WASM_OBJ)/libc/%.o: bench/libc/%.c $(wildcard bench/libc/*.h) $(WASM_HEADERS) | $(WASM_OBJ)/libc wasm-toolchain
	$(WASM_CC) $(WASM_CFLAGS) $(WASM_CFLAGS_$*) -c $< -o $@

# crt first, then the program, the print layer, wasi-libc and the builtins.
WASM_LINK = $(WASM_CC) $(WASM_TARGET) $(WASM_LDFLAGS) \
  -Wl,-z,stack-size=$(or $(WASM_STACK_$*),$(WASM_STACK_DEFAULT)) \
  $(WASM_OBJ)/sdk/crt.o $< $(WASM_OBJ)/sdk/out.o $(WASM_LIBS) -o $@

$(WASM_IMG)/%.wasm: $(WASM_OBJ)/prog/%.o $(WASM_SDK_OBJS) | $(WASM_IMG)
	$(WASM_LINK)
	chmod a-x $@

$(WASM_IMG)/libc/%.wasm: $(WASM_OBJ)/libc/%.o $(WASM_SDK_OBJS) | $(WASM_IMG)/libc
	$(WASM_LINK)
	chmod a-x $@

# Compares every image of the profile (build/wasm/ and build/wasm/libc/) with a fresh
# build; names each one that differs, is missing, or has no source.
check-wasm:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(MAKE) --no-print-directory -s BUILD=$$tmp PROFILE=$(PROFILE) wasm || exit 1; \
	fresh=$$tmp/wasm$(WASM_SUFFIX); status=0; count=0; \
	for p in $(WASM_CHECKED); do \
	  count=$$((count + 1)); \
	  if [ ! -f $(WASM_IMG)/$$p.wasm ]; then echo "check-wasm: $$p.wasm is not committed in $(WASM_IMG)/"; status=1; \
	  elif ! cmp -s $$fresh/$$p.wasm $(WASM_IMG)/$$p.wasm; then echo "check-wasm: $$p.wasm differs from a fresh build"; status=1; fi; \
	done; \
	for f in $(WASM_IMG)/*.wasm $(if $(filter O2,$(PROFILE)),$(WASM_IMG)/libc/*.wasm); do \
	  [ -e "$$f" ] || continue; [ -f "$$fresh/$${f#$(WASM_IMG)/}" ] || { echo "check-wasm: $$f has no source program"; status=1; }; \
	done; \
	[ $$status -eq 0 ] && echo "check-wasm: $$count images reproduce byte for byte ($(PROFILE))"; exit $$status

# A user's own C program (the Makefile's APP=dir, VM=wasm or wasm-fast): every .c file of
# APP compiled as hosted C against wasi-libc and the SDK (vmfleet.h for the HAL), linked
# like the programs above into $(BUILD)/app/<dir>.wasm:
#   make -C firmware APP=/path/to/myapp VM=wasm [APP_STACK_BYTES=...]
# The stack is APP_STACK_BYTES when given, else WASM_STACK_DEFAULT; the heap is what the
# first page leaves above .bss plus memory.grow up to the board (APP_HEAP_BYTES is mips1's).
.PHONY: app-wasm app-wasm-fast
ifneq ($(APP),)
WASM_APP_OBJ := $(WASM_OBJ)/app/$(APP_NAME)
WASM_APP_STACK := $(if $(filter command line environment,$(origin APP_STACK_BYTES)),$(APP_STACK_BYTES),$(WASM_STACK_DEFAULT))
app-wasm app-wasm-fast: $(BUILD)/app/$(APP_NAME).wasm
	@echo "app: $< ($$(stat -c %s $<) bytes; run it with: vmfleet run firmware/$<)"
$(WASM_APP_OBJ)/%.o: $(patsubst %/,%,$(APP))/%.c $(WASM_HEADERS) | wasm-toolchain
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_CFLAGS) $(WASM_SDK_CFLAGS) -I$(APP) -c $< -o $@
$(BUILD)/app/$(APP_NAME).wasm: $(APP_SRCS:$(patsubst %/,%,$(APP))/%.c=$(WASM_APP_OBJ)/%.o) $(WASM_SDK_OBJS)
	@mkdir -p $(@D)
	$(WASM_CC) $(WASM_TARGET) $(WASM_LDFLAGS) -Wl,-z,stack-size=$(WASM_APP_STACK) \
	  $(WASM_OBJ)/sdk/crt.o $(filter $(WASM_APP_OBJ)/%,$^) $(WASM_OBJ)/sdk/out.o $(WASM_LIBS) -o $@
	chmod a-x $@
endif
