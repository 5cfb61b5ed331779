# Build settings of the Lua engine (vm/lua), included by firmware/riot/Makefile and by
# tests/engine for VM=lua. The interpreter is RIOT's pkg/lua (Lua 5.3.4, the version the
# offline kit pins: .riot/RIOT/pkg/lua/Makefile), on a TLSF pool (pkg/tlsf) in the engine.
USEPKG += lua

# pkg/lua defaults to LUA_32BITS (32-bit integers and floats); the programs and the
# reference engine (devices/engines/lua, Lua 5.4 in wasmoon) use 64-bit integers and
# doubles, and the benchmarks' checksums and printed floats depend on it.
CFLAGS += -DLUA_64BITS

# The Lua heap (lua_heap.c) is VMFLEET_GUEST_RAM, and the runtime counts in it: the
# standard libraries and the prelude take about 33 KiB on native64. What each benchmark
# needs at least on native64 (64-bit pointers): fibonacci 49 KiB, random 51, ud 76,
# array 84, matrix 97, crc32 108, ackermann 117, md5sum 138, lists 141, tarfind 141,
# sieve 165, heapsort 166, xgboost 177. A board has 32-bit pointers (smaller objects)
# but far less RAM; the nRF52840's 256 KiB hold the agent and this heap.
ifneq (,$(filter native native32 native64,$(BOARD)))
  VMFLEET_GUEST_RAM ?= 262144
else
  VMFLEET_GUEST_RAM ?= 98304
endif

# Nested C calls (pcall, metamethods, gsub callbacks, coroutines, the parser's nesting):
# Lua raises "C stack overflow" past LUAI_MAXCCALLS, which must come before the native
# stack of the VM thread runs out. Lua-to-Lua calls take no C stack (their frames are in
# the Lua stack, in the heap: deep recursion ends as out_of_memory). The family cases
# (tests/engine/cases/lua.h, @@STACK) measure the deepest of these chains.
ifneq (,$(filter native native32 native64,$(BOARD)))
  VMFLEET_LUA_MAXCCALLS ?= 200
  VMFLEET_VM_STACK ?= 262144
else
  VMFLEET_LUA_MAXCCALLS ?= 60
  VMFLEET_VM_STACK ?= 16384
endif
CFLAGS += -DLUAI_MAXCCALLS=$(VMFLEET_LUA_MAXCCALLS)
CFLAGS += -DVMFLEET_VM_STACK=$(VMFLEET_VM_STACK)
