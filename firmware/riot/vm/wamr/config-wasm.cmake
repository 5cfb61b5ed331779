# WAMR 2.1.1 features of VM=wasm (included by RIOT's pkg/wamr as WAMR_CONFIG). The guest
# ABI is the WebAssembly MVP with vmfleet imports only (docs/guest-abi.md): no libc, no
# WASI, no post-MVP proposals WAMR lets us switch off, the full (validating) loader.
set (WAMR_BUILD_INTERP 1)
set (WAMR_BUILD_FAST_INTERP 0)
set (WAMR_BUILD_AOT 0)
set (WAMR_BUILD_JIT 0)
set (WAMR_BUILD_FAST_JIT 0)
set (WAMR_BUILD_LIBC_BUILTIN 0)
set (WAMR_BUILD_LIBC_WASI 0)
set (WAMR_BUILD_MINI_LOADER 0)
set (WAMR_BUILD_MULTI_MODULE 0)
set (WAMR_BUILD_BULK_MEMORY 0)
set (WAMR_BUILD_REF_TYPES 0)
set (WAMR_BUILD_SIMD 0)
set (WAMR_BUILD_TAIL_CALL 0)
set (WAMR_BUILD_SHARED_MEMORY 0)
set (WAMR_BUILD_LIB_PTHREAD 0)
set (WAMR_BUILD_MEMORY_PROFILING 0)
set (WAMR_BUILD_DUMP_CALL_STACK 0)
set (WAMR_BUILD_CUSTOM_NAME_SECTION 0)
# The thread manager is here for one thing: it makes the interpreters poll the exec env's
# terminate flag at branches and calls, which is how run()'s budget stops a guest
# (vm/wamr/wamr_budget.c). No threads are created.
set (WAMR_BUILD_THREAD_MGR 1)
# The C stack a module declares (the SDK's images export __heap_base and __data_end, so
# WAMR checks __stack_pointer against it) goes whole to the one exec env: by default the
# thread manager keeps aux_stack / (max_thread_num + 1) of it for the main thread and
# reserves the rest for threads a guest cannot create here (bench/libc/huffman's 10 KiB
# frame overflowed half of its 16 KiB stack).
add_definitions (-DWASM_ENABLE_HEAP_AUX_STACK_ALLOCATION=1)
