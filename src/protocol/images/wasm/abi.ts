import { ValType, type FuncType } from './types';

/**
 * The only module a guest may import from, and what each function maps to: the syscall
 * of the guest ABI (docs/guest-abi.md, "Syscalls" and "wasm images"). Every argument and
 * result is an i32; pointers are linear-memory offsets.
 */
export const WASM_IMPORT_MODULE = 'vmfleet';

export interface AbiImport {
  syscall: number;
  params: number;
  /** vm_exit does not return, so it has no result; every other call returns an i32. */
  result: boolean;
}

const call = (syscall: number, params: number, result = true): AbiImport => ({
  syscall,
  params,
  result,
});

export const WASM_ABI_IMPORTS: Readonly<Record<string, AbiImport>> = {
  vm_exit: call(1, 1, false),
  vm_print: call(2, 1),
  vm_print_int: call(3, 1),
  vm_time_ms: call(4, 0),
  vm_sleep_ms: call(5, 1),
  vm_yield: call(6, 0),
  hal_probe: call(10, 1),
  hal_read: call(11, 2),
  hal_write: call(12, 3),
  vm_publish: call(20, 2),
  eh_on_raw: call(30, 2),
  eh_on_condition: call(31, 2),
  eh_emit: call(32, 2),
};

export function abiImport(name: string): AbiImport | undefined {
  return Object.prototype.hasOwnProperty.call(WASM_ABI_IMPORTS, name)
    ? WASM_ABI_IMPORTS[name]
    : undefined;
}

export function abiType(abi: AbiImport): FuncType {
  return {
    params: new Array<ValType>(abi.params).fill(ValType.I32),
    results: abi.result ? [ValType.I32] : [],
  };
}

/** The export the engine starts: the SDK's crt, which calls main and vm_exit. */
export const WASM_ENTRY_EXPORT = '_start';
