# Build settings of the ebpf engine (vm/ebpf), included by firmware/riot/Makefile and by
# tests/engine for VM=ebpf (vm/engines.mk).
#
# Guest RAM: the engine's pool holds a program's data (+ .bss), its 8 KiB stack and the
# 1 KiB helper buffer; rodata and text stay in the image. The largest benchmark image
# (heapsort) needs 29 KiB, so boards get 32 KiB instead of the firmware's 64 KiB default;
# the agent reports that figure to the gateway, which plans uploads with it.
ifeq (,$(filter native native32 native64,$(BOARD)))
  VMFLEET_GUEST_RAM ?= 32768
endif

# Most nested bpf-to-bpf calls (layout.ts MAX_CALL_DEPTH, 40 bytes of RAM each) and most
# functions per image (instruction 0, function table entries and call targets: the
# benchmark images have at most 11).
VMFLEET_EBPF_MAX_DEPTH ?= 1024
VMFLEET_EBPF_MAX_FUNCTIONS ?= 64
# Keys of bpf_store_local (per program) and of bpf_store_global (per device).
VMFLEET_EBPF_STORE_ENTRIES ?= 16
CFLAGS += -DVMFLEET_EBPF_MAX_DEPTH=$(VMFLEET_EBPF_MAX_DEPTH)
CFLAGS += -DVMFLEET_EBPF_MAX_FUNCTIONS=$(VMFLEET_EBPF_MAX_FUNCTIONS)
CFLAGS += -DVMFLEET_EBPF_STORE_ENTRIES=$(VMFLEET_EBPF_STORE_ENTRIES)
