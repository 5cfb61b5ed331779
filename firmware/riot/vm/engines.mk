# Which engine a VM kind builds (VM=...), shared by firmware/riot/Makefile and the engine
# test app tests/engine: the engine's directory under vm/, its RIOT module
# (vmfleet_vm_<dir>) and, when it has one, its build settings vm/<dir>/<dir>.mk.
#
#   VM          engine directory   what
#   none        vm/none            no VM: the agent alone (the footprint baseline)
#   mips1       vm/mips1           our MIPS-I interpreter (COISA-style)
#   wasm        vm/wamr            WAMR's classic interpreter (pkg/wamr)
#   wasm-fast   vm/wamr            WAMR's fast interpreter
#   lua         vm/lua             Lua 5.3.4 (pkg/lua; the TypeScript engine runs 5.4)
#   js          vm/jerryscript     JerryScript (pkg/jerryscript)
#   ebpf        vm/ebpf            our Femto-Container-compatible eBPF interpreter
VMFLEET_VMS := none mips1 wasm wasm-fast lua js ebpf
VMFLEET_VM_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

ifeq ($(VM),micropython)
  $(error VM=micropython: RIOT's pkg/micropython fetches a MicroPython fork that the offline \
    kit does not carry (firmware/riot/README.md, "MicroPython"); choose one of $(VMFLEET_VMS))
endif
ifeq (,$(filter $(VMFLEET_VMS),$(VM)))
  $(error VM=$(VM): choose one of $(VMFLEET_VMS))
endif

VMFLEET_ENGINE := $(VM)
ifneq (,$(filter wasm wasm-fast,$(VM)))
  VMFLEET_ENGINE := wamr
else ifeq ($(VM),js)
  VMFLEET_ENGINE := jerryscript
endif

DIRS += $(VMFLEET_VM_DIR)/$(VMFLEET_ENGINE)
USEMODULE += vmfleet_vm_$(VMFLEET_ENGINE)
INCLUDES += -I$(VMFLEET_VM_DIR)
-include $(VMFLEET_VM_DIR)/$(VMFLEET_ENGINE)/$(VMFLEET_ENGINE).mk
CFLAGS += -DVMFLEET_VM_KIND=\"$(VM)\"
