import { ABI_HELPER_BASE, FEMTO_HELPERS, idsOf, SYSCALL_NUMBERS } from '../../guest-abi';

/**
 * Helper ids an ebpf guest may call (`call <id>`, src = 0), checked by the verifier and
 * served by the engine. Femto-Container's numbering where it has one (RIOT
 * sys/include/bpf/shared.h: printf 0x01, key/value store 0x10-0x13, now_ms 0x20, SAUL
 * 0x30-0x33; GPIO 0x70-0x72 as RIOT's later bpfapi/helpers.h), and 0x100 + the syscall
 * number for the rest of the vmfleet guest ABI (docs/guest-abi.md).
 */
export const FC_HELPERS = idsOf(FEMTO_HELPERS);

export { ABI_HELPER_BASE };

/** Syscall numbers of the guest ABI v1 (docs/guest-abi.md, "Syscalls"). */
export const ABI_SYSCALLS = SYSCALL_NUMBERS;

const FC_IDS = new Set<number>(Object.values(FC_HELPERS));
const ABI_NUMBERS = new Set<number>(Object.values(ABI_SYSCALLS));

/** The syscall an ABI helper id stands for, or undefined for any other id. */
export function abiSyscallOf(helperId: number): number | undefined {
  const number = helperId - ABI_HELPER_BASE;
  return ABI_NUMBERS.has(number) ? number : undefined;
}

export function isKnownHelper(helperId: number): boolean {
  return FC_IDS.has(helperId) || abiSyscallOf(helperId) !== undefined;
}
