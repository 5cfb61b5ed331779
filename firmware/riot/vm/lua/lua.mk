# Build settings of the Lua engine (vm/lua), included by firmware/riot/Makefile and by
# tests/engine for VM=lua. The interpreter is RIOT's pkg/lua (Lua 5.3.4, the version the
# offline kit pins: .riot/RIOT/pkg/lua/Makefile), on a TLSF pool (pkg/tlsf) in the engine.
USEPKG += lua

# pkg/lua defaults to LUA_32BITS (32-bit integers and floats); the programs and the
# reference engine (devices/engines/lua, Lua 5.4 in wasmoon) use 64-bit integers and
# doubles, and the benchmarks' checksums and printed floats depend on it.
CFLAGS += -DLUA_64BITS

# Nested C calls (pcall, metamethods, gsub callbacks, the parser's nesting): Lua raises
# "C stack overflow" past LUAI_MAXCCALLS, which must come before the native stack of the
# VM thread runs out. Lua-to-Lua calls take no C stack (their frames are in the Lua stack,
# in the heap: deep recursion ends as out_of_memory or "stack overflow").
# Measured per nested pcall level: about 0.9 KiB on native64 (see README.md), so 200
# levels need ~180 KiB; a board gets fewer levels and a stack that holds them.
ifneq (,$(filter native native32 native64,$(BOARD)))
  VMFLEET_LUA_MAXCCALLS ?= 200
  VMFLEET_VM_STACK ?= 262144
else
  VMFLEET_LUA_MAXCCALLS ?= 60
  VMFLEET_VM_STACK ?= 16384
endif
CFLAGS += -DLUAI_MAXCCALLS=$(VMFLEET_LUA_MAXCCALLS)
CFLAGS += -DVMFLEET_VM_STACK=$(VMFLEET_VM_STACK)
