# Build settings of the Lua engine (vm/lua), included by firmware/riot/Makefile and by
# tests/engine for VM=lua. The interpreter is RIOT's pkg/lua (Lua 5.3.4, the version the
# offline kit pins: .riot/RIOT/pkg/lua/Makefile), on a TLSF pool (pkg/tlsf) in the engine.
USEPKG += lua

# pkg/lua defaults to LUA_32BITS (32-bit integers and floats); the programs and the
# reference engine (devices/engines/lua, Lua 5.4 in wasmoon) use 64-bit integers and
# doubles, and the benchmarks' checksums and printed floats depend on it.
CFLAGS += -DLUA_64BITS

# The Lua heap (lua_heap.c) is VMFLEET_GUEST_RAM (plus TLSF's control block), and the
# runtime counts in it: the standard libraries and the prelude take about 37 KiB on
# native64. What each benchmark needs at least on native64 (64-bit pointers; blocks with
# their TLSF headers): fibonacci 49 KiB, random 51, ud 76, array 84, matrix 97, crc32 108,
# ackermann 117, md5sum 138, lists 141, tarfind 141, sieve 165, heapsort 166, xgboost 177.
# A board has 32-bit pointers (smaller objects, but a value is still 16 bytes) and far
# less RAM: the nRF52840's 256 KiB hold the agent, 92 KiB of Lua heap and the VM stack.
ifneq (,$(filter native native32 native64,$(BOARD)))
  VMFLEET_GUEST_RAM ?= 262144
else
  VMFLEET_GUEST_RAM ?= 94208
endif

# Nested C calls (pcall, metamethods, gsub callbacks, coroutines, the parser's nesting):
# Lua raises "C stack overflow" past LUAI_MAXCCALLS, which must come before the native
# stack of the VM thread runs out. Lua-to-Lua calls take no C stack (their frames are in
# the Lua stack, in the heap: deep recursion ends as out_of_memory). The deepest chain
# per level is a gsub callback: 0.9 KiB on native64 (measured, tests/engine @@STACK:
# 180 KiB at 200 levels), ~0.5 KiB on Cortex-M4 (-fstack-usage of the pkg's objects), so
# a board gets 32 levels (16 KiB) in a 20 KiB stack. Every benchmark needs fewer than 24.
ifneq (,$(filter native native32 native64,$(BOARD)))
  VMFLEET_LUA_MAXCCALLS ?= 200
  VMFLEET_VM_STACK ?= 262144
else
  VMFLEET_LUA_MAXCCALLS ?= 32
  VMFLEET_VM_STACK ?= 20480
endif
CFLAGS += -DLUAI_MAXCCALLS=$(VMFLEET_LUA_MAXCCALLS)
CFLAGS += -DVMFLEET_VM_STACK=$(VMFLEET_VM_STACK)
