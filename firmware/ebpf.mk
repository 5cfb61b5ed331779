# ebpf (Femto-Container .rbf) images of the benchmarks and demo apps. Included from the
# Makefile, whose program lists, BUILD/OBJ and TS_NODE it reuses. See README.md and
# devices/engines/ebpf/README.md.
#
#   make ebpf         build every image eBPF can express into build/ebpf/ (committed)
#   make check-ebpf   rebuild in a temp dir and compare byte for byte with build/ebpf/
#   PROFILE=Os        the same with -Os into build/ebpf-Os/ (the benchmarks and demo apps)
#   make ebpf-cflags  print the compile flags (sdk/ebpf/cc.sh clang-19 <flags> -c f.c)

# clang 19 (Debian's clang-19): ISA v4 needs clang >= 18; the bytes depend on the version.
CLANG ?= clang-19
EBPF_IMG := $(BUILD)/ebpf$(PROFILE_SUFFIX)
EBPF_OBJ := $(OBJ)/ebpf

EBPF_PROGRAMS := $(PROGRAMS)

# The standard-C programs of bench/libc that eBPF can express, into build/ebpf/libc/, named
# one by one (a program added to bench/libc does not break this build before someone
# decides). The others cannot, and why (devices/engines/ebpf/README.md, "bench/libc"):
# floating point (fft, floatconv, lu, mathlib, nbody, huffman), malloc (bintrees, hashmap),
# setjmp (jmp), more than 512 B of stack in one function (strings, huffman).
EBPF_LIBC := calc crc64 format sieve sort xorshift
# format.c writes "abcdef" + 3 on purpose (a pointer into a literal), which clang warns about.
EBPF_LIBC_CFLAGS := -Wno-string-plus-int
# What `ebpf` builds and check-ebpf compares: the bench/libc images at -O2 only.
EBPF_LIBC_BUILT := $(if $(filter O2,$(PROFILE)),$(EBPF_LIBC))

# -mcpu=v4: ALU32 and JMP32 (32-bit C code needs far fewer instructions with them) plus the
# ISA v4 additions (RFC 9669): signed division and modulo, which C's / and % on int need,
# sign-extending loads and moves, bswap, gotol. -ffreestanding: no builtins, so the SDK's
# memcpy loops stay loops. One translation unit per program: BPF objects are not linked,
# so sdk/ebpf/runtime.c (the SDK's libc, sdk/ebpf/include + libc.c, and print_hex) is
# pre-included. No -g, no host paths:
# the bytes depend only on the sources and the clang version.
EBPF_CFLAGS := --target=bpf -mcpu=v4 -$(PROFILE) -std=gnu11 -Wall -Wextra -Werror \
               -ffreestanding -nostdinc -isystem $(shell $(CLANG) -print-resource-dir 2>/dev/null)/include \
               -ffile-prefix-map=$(CURDIR)=. -fdebug-prefix-map=$(CURDIR)=. \
               -Isdk/ebpf/include -Isdk/ebpf -Isdk/common -Ibench/embench \
               -include sdk/ebpf/runtime.c
EBPF_SDK := $(wildcard sdk/ebpf/*.h sdk/ebpf/*.c sdk/ebpf/include/*.h sdk/common/*.h)
EBPF_PACKER := tools/pack-rbf.ts tools/elf64.ts $(wildcard ../src/protocol/images/rbf/*.ts)

.PHONY: ebpf check-ebpf ebpf-cflags
ebpf: $(EBPF_PROGRAMS:%=$(EBPF_IMG)/%.rbf) $(EBPF_LIBC_BUILT:%=$(EBPF_IMG)/libc/%.rbf)

# The flags, for compiling one file by hand: sdk/ebpf/cc.sh $(CLANG) $(make -s ebpf-cflags) -c f.c
ebpf-cflags:
	@echo $(EBPF_CFLAGS)

$(EBPF_OBJ) $(EBPF_IMG) $(EBPF_OBJ)/libc $(EBPF_IMG)/libc:
	mkdir -p $@

$(EBPF_OBJ)/libc/%.o: bench/libc/%.c $(EBPF_SDK) | $(EBPF_OBJ)/libc
	sdk/ebpf/cc.sh $(CLANG) $(EBPF_CFLAGS) $(EBPF_LIBC_CFLAGS) -c $< -o $@

$(EBPF_IMG)/libc/%.rbf: $(EBPF_OBJ)/libc/%.o $(EBPF_PACKER) | $(EBPF_IMG)/libc
	$(TS_NODE) tools/pack-rbf.ts $< $@

$(EBPF_OBJ)/%.o: %.c $(EBPF_SDK) $(PROGRAM_HEADERS) | $(EBPF_OBJ)
	sdk/ebpf/cc.sh $(CLANG) $(EBPF_CFLAGS) -c $< -o $@

$(EBPF_IMG)/%.rbf: $(EBPF_OBJ)/%.o $(EBPF_PACKER) | $(EBPF_IMG)
	$(TS_NODE) tools/pack-rbf.ts $< $@

check-ebpf:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(MAKE) --no-print-directory -s BUILD=$$tmp PROFILE=$(PROFILE) ebpf || exit 1; \
	fresh=$$tmp/ebpf$(PROFILE_SUFFIX); status=0; \
	for p in $(EBPF_PROGRAMS) $(EBPF_LIBC_BUILT:%=libc/%); do \
	  if [ ! -f $(EBPF_IMG)/$$p.rbf ]; then echo "check-ebpf: $$p.rbf is not committed in $(EBPF_IMG)/"; status=1; \
	  elif ! cmp -s $$fresh/$$p.rbf $(EBPF_IMG)/$$p.rbf; then echo "check-ebpf: $$p.rbf differs from a fresh build"; status=1; fi; \
	done; \
	for f in $(EBPF_IMG)/*.rbf $(EBPF_IMG)/libc/*.rbf; do \
	  [ -e "$$f" ] || continue; [ -f "$$fresh/$${f#$(EBPF_IMG)/}" ] || { echo "check-ebpf: $$f has no source program"; status=1; }; \
	done; \
	[ $$status -eq 0 ] && echo "check-ebpf: $(words $(EBPF_PROGRAMS) $(EBPF_LIBC_BUILT)) images reproduce byte for byte ($(PROFILE))"; exit $$status

# A user's own C program (the Makefile's APP=dir, VM=ebpf): build/app/<dir>.rbf. BPF objects
# are not linked, so the .c files of APP compile as one translation unit (a generated file
# that includes each; their static names must not clash). What eBPF cannot do is refused
# with the rule and the fix (sdk/ebpf/cc.sh, tools/pack-rbf.ts).
#   make -C firmware APP=/path/to/myapp VM=ebpf
.PHONY: app-ebpf
ifneq ($(APP),)
EBPF_APP_UNIT := $(EBPF_OBJ)/app/$(APP_NAME).c
app-ebpf: $(BUILD)/app/$(APP_NAME).rbf
	@echo "app: $< ($$(stat -c %s $<) bytes; run it with: vmfleet run firmware/$<)"
$(EBPF_APP_UNIT): $(APP_SRCS)
	@mkdir -p $(@D)
	@printf '#include "%s"\n' $(abspath $(APP_SRCS)) > $@
$(EBPF_OBJ)/app/$(APP_NAME).o: $(EBPF_APP_UNIT) $(EBPF_SDK)
	sdk/ebpf/cc.sh $(CLANG) $(EBPF_CFLAGS) -I$(APP) -c $< -o $@
$(BUILD)/app/$(APP_NAME).rbf: $(EBPF_OBJ)/app/$(APP_NAME).o $(EBPF_PACKER)
	@mkdir -p $(@D)
	$(TS_NODE) tools/pack-rbf.ts $< $@
endif
