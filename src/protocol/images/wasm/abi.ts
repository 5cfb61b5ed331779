import { SYSCALL_LIST } from '../../guest-abi';
import { ValType, type FuncType } from './types';

/**
 * The only module a guest may import from, and what each function maps to: the syscall
 * of the guest ABI (docs/guest-abi.md, "Syscalls" and "wasm images"). Every argument and
 * result is an i32; pointers are linear-memory offsets.
 */
export const WASM_IMPORT_MODULE = 'vmfleet';

export interface AbiImport {
  /** The syscall number, or WASI_CALL_BASE + the WASI function's index (WASI_FUNCTIONS). */
  syscall: number;
  params: number;
  /** vm_exit does not return, so it has no result; every other call returns an i32. */
  result: boolean;
  /** Parameter types when not all i32 (WASI's i64 offsets and timestamps). */
  paramTypes?: readonly ValType[];
}

const call = (syscall: number, params: number, result = true): AbiImport => ({
  syscall,
  params,
  result,
});

/** One import per syscall, named as its C function (src/protocol/guest-abi.ts). */
export const WASM_ABI_IMPORTS: Readonly<Record<string, AbiImport>> = Object.fromEntries(
  SYSCALL_LIST.map((abi) => [abi.c, call(abi.number, abi.params.length, abi.returns)]),
);

export function abiImport(name: string): AbiImport | undefined {
  return Object.prototype.hasOwnProperty.call(WASM_ABI_IMPORTS, name)
    ? WASM_ABI_IMPORTS[name]
    : undefined;
}

export function abiType(abi: AbiImport): FuncType {
  return {
    params: abi.paramTypes ? [...abi.paramTypes] : new Array<ValType>(abi.params).fill(ValType.I32),
    results: abi.result ? [ValType.I32] : [],
  };
}

/**
 * WASI (preview 1) functions a C program linked with wasi-libc may import, mapped onto the
 * guest ABI by the engines (docs/guest-abi.md, "WASI imports"): stdout/stderr to the
 * console, proc_exit to vm_exit, no arguments or environment, the device clock. Every
 * other WASI function (files, sockets, random, poll) is refused at upload.
 */
export const WASI_IMPORT_MODULE = 'wasi_snapshot_preview1';
/** `syscall` of a WASI import = WASI_CALL_BASE + its index in WASI_FUNCTIONS. */
export const WASI_CALL_BASE = 0x1000;

const I32 = ValType.I32;
const I64 = ValType.I64;
const WASI_SIGNATURES: ReadonlyArray<[string, readonly ValType[], boolean]> = [
  ['args_get', [I32, I32], true],
  ['args_sizes_get', [I32, I32], true],
  ['environ_get', [I32, I32], true],
  ['environ_sizes_get', [I32, I32], true],
  ['clock_res_get', [I32, I32], true],
  ['clock_time_get', [I32, I64, I32], true],
  ['fd_close', [I32], true],
  ['fd_fdstat_get', [I32, I32], true],
  ['fd_read', [I32, I32, I32, I32], true],
  ['fd_seek', [I32, I64, I32, I32], true],
  ['fd_write', [I32, I32, I32, I32], true],
  ['proc_exit', [I32], false],
  ['sched_yield', [], true],
];

/** The WASI functions the engines provide, in WASI_CALL_BASE order. */
export const WASI_FUNCTIONS: readonly string[] = WASI_SIGNATURES.map(([name]) => name);

const WASI_IMPORTS: ReadonlyMap<string, AbiImport> = new Map(
  WASI_SIGNATURES.map(([name, paramTypes, result], i) => [
    name,
    { syscall: WASI_CALL_BASE + i, params: paramTypes.length, result, paramTypes },
  ]),
);

/** What an import of `module`.`name` maps to, or undefined if the engines do not provide it. */
export function guestImport(module: string, name: string): AbiImport | undefined {
  if (module === WASM_IMPORT_MODULE) return abiImport(name);
  if (module === WASI_IMPORT_MODULE) return WASI_IMPORTS.get(name);
  return undefined;
}

/** The refusal of an import guestImport() does not know: what it is and what to do. */
export function unknownImportMessage(index: number, module: string, name: string): string {
  const what = `import ${index} "${module}"."${name}"`;
  if (module === WASI_IMPORT_MODULE) {
    return `${what} is a WASI function vmfleet does not provide (no files, sockets, random or poll on a device): a program may use stdout/stderr, exit, the clock and sched_yield only (${WASI_FUNCTIONS.join(', ')})`;
  }
  return `${what} is not part of the guest ABI: import only vm_*, hal_* and eh_* functions from module "${WASM_IMPORT_MODULE}", and the WASI functions ${WASI_FUNCTIONS.join(', ')} from "${WASI_IMPORT_MODULE}"`;
}

/** The export the engine starts: the SDK's crt, which calls main and vm_exit. */
export const WASM_ENTRY_EXPORT = '_start';
