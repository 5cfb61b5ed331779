/*
 * The one small C interface every VM engine of the RIOT firmware implements.
 *
 * It is the C form of devices/engines/engine.ts: the Thing Monitor and the Event Handler
 * (firmware/riot/agent) drive an engine through it and never learn which VM runs. One
 * engine is linked per build (VM=mips1|wasm|wasm-fast|...), reached as `vm_engine`.
 *
 * Engines hold their state in static storage (no malloc in the run loop), keep every
 * guest memory access on one checked path, and never let a guest crash the device: a
 * guest that faults, runs out of budget or touches memory outside its sandbox gets a
 * fault outcome with a stable code (the FaultCode strings of devices/engines/engine.ts).
 */
#ifndef VMFLEET_VM_H
#define VMFLEET_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    VM_STATE_IDLE,    /* nothing loaded */
    VM_STATE_LOADED,  /* loaded (or reset), not started or between runs */
    VM_STATE_RUNNING, /* started: run() continues it */
    VM_STATE_EXITED,
    VM_STATE_FAULTED,
} vm_state_t;

/** Why run() or step() returned (RunOutcome in engine.ts). */
typedef enum {
    VM_RUN_BUDGET,   /* the budget ran out; run() again to continue */
    VM_RUN_EXITED,   /* exit syscall or main returned: value = exit code */
    VM_RUN_RETURNED, /* an invoke()d handler returned: value = its result */
    VM_RUN_YIELDED,  /* sleep/yield syscall: value = ms to sleep (0 for a yield) */
    VM_RUN_FAULT,    /* fault is filled */
} vm_run_kind_t;

#define VM_FAULT_MESSAGE_BYTES 96

typedef struct {
    /* stable code: "bad_address", "misaligned", "illegal_instruction", "overflow", "break",
     * "bad_syscall", "budget_exhausted", "unreachable", "stack_exhausted",
     * "divide_by_zero", "integer_overflow", "invalid_conversion", "undefined_element",
     * "indirect_call_mismatch", "out_of_memory", "guest_error" */
    const char *code;
    uint32_t pc;          /* of the faulting instruction (wasm: byte offset in the module) */
    uint32_t address;     /* the guest address involved, when has_address */
    bool has_address;
    char message[VM_FAULT_MESSAGE_BYTES];
} vm_fault_t;

typedef struct {
    vm_run_kind_t kind;
    int32_t value;
    vm_fault_t fault;
} vm_outcome_t;

typedef struct {
    uint32_t load_time_us;       /* wall time of load(): parse, validate, copy, pre-decode */
    uint32_t image_bytes;
    uint32_t guest_memory_bytes; /* what the program got (static + heap + stack) */
} vm_load_report_t;

typedef struct {
    uint32_t guest_bytes;      /* guest memory allocated for the program */
    uint32_t peak_guest_bytes; /* static size + deepest stack seen: what the guest touched */
    uint32_t engine_bytes;     /* the engine's own state (decoded program, tables) */
} vm_memory_report_t;

#define VM_MAX_REGISTERS 40

typedef struct {
    const char *name; /* static string: "zero", "at", "v0", …, "hi", "lo" for mips1 */
    uint32_t value;
} vm_register_t;

typedef struct {
    vm_state_t state;
    uint32_t pc;
    uint64_t instructions;
    unsigned register_count;
    vm_register_t registers[VM_MAX_REGISTERS];
} vm_inspection_t;

/* ---- Syscalls: the engine decodes the call, the host (agent/hal.c) serves it ---------- */

typedef enum {
    VM_SYS_VALUE, /* value goes to the guest's result register */
    VM_SYS_EXIT,  /* the program ends with exit code `value` */
    VM_SYS_YIELD, /* give the CPU back for sleep_ms; `value` is the result when resumed */
    VM_SYS_FAULT, /* bad_syscall with `message` */
} vm_sys_kind_t;

typedef struct {
    vm_sys_kind_t kind;
    int32_t value;
    uint32_t sleep_ms;
    const char *message;
} vm_sys_result_t;

/** Checked access to guest memory for syscall handlers (strings, buffers). */
typedef struct {
    void *ctx;
    /* Copies len bytes at guest address addr; false if any byte lies outside the sandbox. */
    bool (*read)(void *ctx, uint32_t addr, void *dst, uint32_t len);
    bool (*write)(void *ctx, uint32_t addr, const void *src, uint32_t len);
} vm_memory_view_t;

/**
 * The device's side of a syscall (docs/guest-abi.md numbers: 1 vm_exit, 2 vm_print, …).
 * Implemented once by the host; every engine calls it for every syscall / import / helper.
 */
vm_sys_result_t vm_host_syscall(uint32_t nr, const int32_t args[4], const vm_memory_view_t *mem);

/* ---- The engine ------------------------------------------------------------------------ */

#define VM_ERROR_BYTES 128

typedef struct {
    const char *kind;    /* the protocol's VM kind: "mips1", "wasm", "wasm-fast", … */
    const char *version; /* engine version, e.g. "1.0.0" or "wamr-2.1.1" */
    /* false: run() cannot pause mid-program (run to completion or budget_exhausted) */
    bool preemptible;
    /* Parses, validates, copies the image into guest memory of at most memory_bytes.
     * 0 on success; negative on a bad image, with a clear reason in err (and the stable
     * code of docs/guest-abi.md first, e.g. "bad_magic: ..."). A failed load leaves the
     * engine idle. */
    int (*load)(const uint8_t *image, size_t len, uint32_t memory_bytes,
                vm_load_report_t *report, char *err, size_t err_len);
    /* Runs at most `budget` instructions (non-preemptible engines: a budget they map to
     * time or fuel) and says why it returned. */
    vm_outcome_t (*run)(uint32_t budget);
    /* Executes exactly n instructions unless something stops it first. Engines that cannot
     * step return a fault with code "unsupported". */
    vm_outcome_t (*step)(uint32_t n);
    /* Back to the loaded program's initial state (memory and registers). */
    void (*reset)(void);
    /* Calls a guest function (an event handler) with up to 4 arguments; run() until
     * VM_RUN_RETURNED. 0, or negative when the address is not a function. */
    int (*invoke)(uint32_t address, const int32_t *args, unsigned argc);
    void (*inspect)(vm_inspection_t *out);
    /* Bounded, checked read of guest memory; false outside the sandbox or unsupported. */
    bool (*read_memory)(uint32_t addr, uint8_t *dst, uint32_t len);
    void (*memory)(vm_memory_report_t *out);
    vm_state_t (*state)(void);
    /* Frees what the engine holds; the engine is idle afterwards. */
    void (*unload)(void);
} vm_engine_t;

/** The engine of this build (defined by the engine's source file). */
extern const vm_engine_t vm_engine;

#ifdef __cplusplus
}
#endif

#endif /* VMFLEET_VM_H */
