# Build settings of the WAMR engines (vm/wamr), included by firmware/riot/Makefile and by
# tests/engine for VM=wasm (WAMR's classic interpreter) and VM=wasm-fast (its fast
# interpreter). WAMR 2.1.1 comes from RIOT's pkg/wamr.
WAMR_ENGINE_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

USEPKG += wamr
USEMODULE += ztimer_usec

# The WAMR features (config-wasm.cmake); the fast interpreter adds one switch.
ifeq ($(VM),wasm-fast)
  export WAMR_CONFIG := $(WAMR_ENGINE_DIR)/config-wasm-fast.cmake
  CFLAGS += -DVMFLEET_WAMR_FAST=1
else
  export WAMR_CONFIG := $(WAMR_ENGINE_DIR)/config-wasm.cmake
  CFLAGS += -DVMFLEET_WAMR_FAST=0
endif

# WAMR's pool (a static buffer, wamr.c) holds the guest's linear memory (whole 64 KiB
# pages of VMFLEET_GUEST_RAM), the wasm stack, and VMFLEET_WAMR_MODULE_BYTES for the rest:
# the image copy WAMR's loader rewrites, the loaded module (the fast interpreter's
# translated code is about 2-3x the code section) and the instance. On native64 (64-bit
# structures) that is 12-14 KiB for xgboost (a 7 KiB image) and 30-38 KiB for tarfind
# (24 KiB), and more for the wasi-libc programs of bench/libc (20-38 KiB images: huffman,
# 23 KiB, needs more than 64 KiB under the fast interpreter); boards get room for images
# up to their 16 KiB app slot, which leaves the nRF52840's 256 KiB RAM about 9 KiB of
# heap besides the agent.
ifneq (,$(filter native native32 native64,$(BOARD)))
  VMFLEET_WAMR_MODULE_BYTES ?= 98304
else
  VMFLEET_WAMR_MODULE_BYTES ?= 32768
endif
CFLAGS += -DVMFLEET_WAMR_MODULE_BYTES=$(VMFLEET_WAMR_MODULE_BYTES)

# The wasm stack of the exec env: WAMR's frames, locals, operand and block stacks. WAMR's
# classic frames are large (~300 bytes per call of ackermann on a 64-bit host, half that
# on 32-bit): ackermann's ~510 nested calls need 160 KiB on native64, so a board with
# 256 KiB of RAM gets a stack that ends such a guest with stack_exhausted instead.
ifneq (,$(filter native native32 native64,$(BOARD)))
  VMFLEET_WAMR_WASM_STACK ?= 163840
else
  VMFLEET_WAMR_WASM_STACK ?= 16384
endif
CFLAGS += -DVMFLEET_WAMR_WASM_STACK=$(VMFLEET_WAMR_WASM_STACK)

# run(budget): instructions per millisecond of guest time the deadline assumes
# (wamr_budget.c), set below what the interpreter does so a guest within its budget is
# never stopped early. native64 (x86-64, shared 2-core machine), against the instruction
# counts of the TS engine: classic 125k-260k/ms, fast 750k-1.1M/ms over fibonacci, sieve,
# lists and tarfind. Boards: scaled guesses for a 64 MHz Cortex-M4, not measured.
ifneq (,$(filter native native32 native64,$(BOARD)))
  ifeq ($(VM),wasm-fast)
    VMFLEET_WAMR_OPS_PER_MS ?= 300000
  else
    VMFLEET_WAMR_OPS_PER_MS ?= 100000
  endif
else
  ifeq ($(VM),wasm-fast)
    VMFLEET_WAMR_OPS_PER_MS ?= 6000
  else
    VMFLEET_WAMR_OPS_PER_MS ?= 2000
  endif
endif
CFLAGS += -DVMFLEET_WAMR_OPS_PER_MS=$(VMFLEET_WAMR_OPS_PER_MS)

# Native stack of the thread that runs the engine: WAMR's interpreter loop keeps a large
# frame, plus the host's syscall handlers (pkg/wamr/doc.txt asks for more than 3 KiB).
ifneq (,$(filter native native32 native64,$(BOARD)))
  VMFLEET_VM_STACK ?= 32768
else
  VMFLEET_VM_STACK ?= 6144
endif
CFLAGS += -DVMFLEET_VM_STACK=$(VMFLEET_VM_STACK)
