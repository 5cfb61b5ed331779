/**
 * Helper ids an ebpf guest may call (`call <id>`, src = 0), checked by the verifier and
 * served by the engine. Femto-Container's numbering where it has one (RIOT
 * sys/include/bpf/shared.h: printf 0x01, key/value store 0x10-0x13, now_ms 0x20, SAUL
 * 0x30-0x33; GPIO 0x70-0x72 as RIOT's later bpfapi/helpers.h), and 0x100 + the syscall
 * number for the rest of the vmfleet guest ABI (docs/guest-abi.md).
 */
export const FC_HELPERS = {
  printf: 0x01,
  storeLocal: 0x10,
  storeGlobal: 0x11,
  fetchLocal: 0x12,
  fetchGlobal: 0x13,
  nowMs: 0x20,
  saulFindNth: 0x30,
  saulFindType: 0x31,
  saulRead: 0x32,
  saulWrite: 0x33,
  gpioRead: 0x70,
  gpioWrite: 0x71,
  gpioToggle: 0x72,
} as const;

/** First id of the vmfleet ABI helpers: id = ABI_HELPER_BASE + syscall number. */
export const ABI_HELPER_BASE = 0x100;

/** Syscall numbers of the guest ABI v1 (docs/guest-abi.md, "Syscalls"). */
export const ABI_SYSCALLS = {
  exit: 1,
  print: 2,
  printInt: 3,
  timeMs: 4,
  sleepMs: 5,
  yield: 6,
  halProbe: 10,
  halRead: 11,
  halWrite: 12,
  publish: 20,
  onRaw: 30,
  onCondition: 31,
  emit: 32,
} as const;

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
