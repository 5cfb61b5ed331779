# Included by every RIOT app of firmware/riot (the firmware and its tests): on native64,
# a preempted thread keeps its vector registers and its red zone (native_fpu.S). Other
# boards and native (32-bit) are left as they are.
NATIVE_FPU_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
ifneq (,$(filter native64,$(BOARD)))
  DIRS += $(NATIVE_FPU_DIR)
  USEMODULE += vmfleet_native_fpu
  # RIOT's irq.c sends a preempted thread to _native_sig_leave_tramp; this makes it ours.
  LINKFLAGS += -Wl,--wrap=_native_sig_leave_tramp
endif
