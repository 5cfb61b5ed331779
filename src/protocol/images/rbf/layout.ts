/**
 * Where an ebpf guest's memory regions sit in its (virtual, 64-bit) address space, and
 * what they may be used for. Femto-Container hands the guest host pointers; this runtime
 * gives each region a fixed base instead, with unmapped gaps between them, so an overrun
 * of one region faults instead of reaching the next (docs/guest-abi.md, "ebpf images").
 * Text is not addressable (eBPF is a Harvard machine).
 */
export const REGION = {
  /** rodata, read-only: what 0xD8 LDDW addresses. */
  rodata: 0x1000_0000,
  /** data (+ zeroed .bss), read-write: what 0xB8 LDDW addresses. */
  data: 0x2000_0000,
  /** The call stack, read-write; r10 starts at its top and moves down a frame per call. */
  stack: 0x3000_0000,
  /** Femto-Container's context (arg) region: empty for the vmfleet ABI (r1 = 0 at start). */
  context: 0x4000_0000,
  /** Helper-provided buffers (bpf_printf's formatted text), read-only to the guest. */
  helper: 0x5000_0000,
} as const;

/** Largest single region: keeps every region below its successor's base. */
export const MAX_REGION_BYTES = 0x1000_0000;

/** One eBPF frame: what clang lets a function use below r10 (RFC 9669 §2.1, 512 bytes). */
export const FRAME_BYTES = 512;
/**
 * The whole call stack: main's frame plus callees' frames, each as deep as that function
 * needs (the engine sizes frames at load). Femto-Container itself has one 512-byte frame
 * and no bpf-to-bpf calls.
 */
export const STACK_BYTES = 8 * 1024;
/** Most nested bpf-to-bpf calls (deep recursion such as ackermann needs hundreds). */
export const MAX_CALL_DEPTH = 1024;
/** Size of the helper buffer (bpf_printf output, at most the ABI's print limit). */
export const HELPER_BUFFER_BYTES = 1024;
