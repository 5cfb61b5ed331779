# Build settings of the JerryScript engine (vm/jerryscript, VM=js), included by
# firmware/riot/Makefile and tests/engine through vm/engines.mk. JerryScript 2.4.0 comes
# from RIOT's pkg/jerryscript, which runs its cmake once per build directory: after
# changing a setting here, remove bin/js/<board>/pkg-build/jerryscript (or `make clean`).
JERRY_ENGINE_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

USEPKG += jerryscript
USEMODULE += ztimer_usec

# The app Makefiles set the same default after including vm/engines.mk; the heap below
# is sized from it, so it is needed here already.
VMFLEET_GUEST_RAM ?= 65536

# The profile (es.next + the exec-stop callback). pkg/jerryscript passes JERRY_PROFILE
# unquoted to cmake (-DJERRY_PROFILE=$(JERRY_PROFILE)), so the words after the path reach
# cmake as its own options: the options jerry-core/CMakeLists.txt turns into defines
# before it reads a profile, which a profile line would define twice (-Werror). Error
# messages give faults and syntax errors their text, line info the line (stack property),
# memory statistics the heap use that memory() and the memory_bytes limit read.
export JERRY_PROFILE := $(JERRY_ENGINE_DIR)/vmfleet.profile -DJERRY_ERROR_MESSAGES=ON \
  -DJERRY_LINE_INFO=ON -DJERRY_MEM_STATS=ON

# JerryScript's heap (KiB, a static array: jerry_global_heap) holds everything a program
# has: the builtins, the prelude, the compiled program and its data. native64 gets the
# guest RAM the device grants; the nRF52840 a smaller one, so the agent, the heap and the
# VM thread's stack fit its 256 KiB. The heap is what the program gets: load() refuses a
# memory_bytes below it (the program could use more than it was granted), and a program
# that fills it ends with out_of_memory.
ifneq (,$(filter native native32 native64,$(BOARD)))
  export JERRY_HEAP := $(shell echo $$(( $(VMFLEET_GUEST_RAM) / 1024 )))
else
  export JERRY_HEAP := 56
endif
CFLAGS += -DVMFLEET_JERRY_HEAP_BYTES=$(shell echo $$(( $(JERRY_HEAP) * 1024 )))

# JerryScript's stack limit (KiB of native stack, checked at every call:
# RangeError "Maximum call stack size exceeded", reported as stack_exhausted), below the
# VM thread's native stack by the frames one call can add between two checks (builtins,
# the host's syscall handlers, printf). On native64 (-Og) a JS call takes about 435 bytes
# of native stack: ackermann's ~510 nested calls need about 220 KiB, and 384 KiB let a
# script nest about 900. The nRF52840 gets 24 KiB, some 100 calls: ackermann ends there
# with stack_exhausted, as it does on WAMR's board stack.
ifneq (,$(filter native native32 native64,$(BOARD)))
  export JERRY_STACK := 384
  VMFLEET_VM_STACK ?= 425984
else
  export JERRY_STACK := 24
  VMFLEET_VM_STACK ?= 28672
endif
CFLAGS += -DVMFLEET_VM_STACK=$(VMFLEET_VM_STACK)
CFLAGS += -DVMFLEET_JERRY_STACK_BYTES=$(shell echo $$(( $(JERRY_STACK) * 1024 )))
# ...measured from where the engine enters JerryScript, not from jerry_init, and applied
# to the parser's heap blocks too (jerry_port.c)
LINKFLAGS += -Wl,--wrap=ecma_get_current_stack_usage
LINKFLAGS += -Wl,--wrap=jmem_heap_alloc_block_null_on_error

# Native stack load() may parse with: it runs on the agent's thread (THREAD_STACKSIZE_DEFAULT
# + 8 KiB: 24 KiB on native64, 9 KiB on a Cortex-M), beside the agent's own frames.
ifneq (,$(filter native native32 native64,$(BOARD)))
  VMFLEET_JERRY_LOAD_STACK ?= 12288
else
  VMFLEET_JERRY_LOAD_STACK ?= 5120
endif
CFLAGS += -DVMFLEET_JERRY_LOAD_STACK=$(VMFLEET_JERRY_LOAD_STACK)

# run(budget): the exec-stop callback runs once per this many backward jumps (loop
# iterations), each counted as one instruction; a budget ends within one poll.
VMFLEET_JERRY_TICKS_PER_POLL ?= 1000
CFLAGS += -DVMFLEET_JERRY_TICKS_PER_POLL=$(VMFLEET_JERRY_TICKS_PER_POLL)
