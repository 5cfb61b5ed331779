import { WASI_CALL_BASE, WASI_FUNCTIONS } from '../../../src/protocol/images/wasm';
import type { Fault, GuestHost, RunOutcome, SyscallResult } from '../engine';
import { SLOT, type Machine } from './machine';
import { hex, Trap } from './trap';
import { callWasi, type WasiConsole } from './wasi';

/**
 * Services the vmfleet import the interpreter stopped on: pops its i32 arguments, hands
 * the call to the host as the syscall the guest ABI maps the import to, and pushes the
 * result (every import but vm_exit returns one). Returns null when the guest simply
 * continues. A host that throws never takes the device down: a Trap from the memory view
 * (bad pointer, unterminated string) becomes its fault, any other error `bad_syscall`.
 */
export function serviceImport(
  m: Machine,
  host: GuestHost,
  pc: number,
  console: WasiConsole,
): RunOutcome | null {
  const p = m.program;
  const index = m.importIndex;
  const params = p.paramSlots[index];
  const number = p.syscalls[index];
  const s = m.s32;
  m.sp -= params * SLOT;
  if (number >= WASI_CALL_BASE) return serviceWasi(m, host, pc, console, number - WASI_CALL_BASE);
  const args: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < params; i++) args[i] = s[m.sp + i * SLOT];
  let result: SyscallResult;
  try {
    result = host.syscall({ number, args, memory: m.memory });
  } catch (error) {
    return { kind: 'fault', fault: hostFailure(error, `syscall ${number}`, pc) };
  }
  const push = (value: number) => {
    if (p.resultCount[index] === 0) return;
    s[m.sp] = value | 0;
    s[m.sp + 1] = 0;
    m.sp += SLOT;
  };
  switch (result.kind) {
    case 'value':
      push(result.value);
      return null;
    case 'exit':
      return { kind: 'exited', code: result.code | 0 };
    case 'yield':
      push(result.value ?? 0);
      return { kind: 'yielded', sleepMs: result.sleepMs };
    case 'fault':
      return {
        kind: 'fault',
        fault: {
          code: 'bad_syscall',
          pc,
          message: `syscall ${number} at ${hex(pc)}: ${result.message}`,
        },
      };
  }
}

/**
 * A wasi_snapshot_preview1 import (wasi.ts): its arguments are already popped; pushes the
 * errno every WASI function but proc_exit returns.
 */
function serviceWasi(
  m: Machine,
  host: GuestHost,
  pc: number,
  console: WasiConsole,
  wasiIndex: number,
): RunOutcome | null {
  const p = m.program;
  const index = m.importIndex;
  const s = m.s32;
  const i32: number[] = [];
  const i64: bigint[] = [];
  for (let i = 0; i < p.paramSlots[index]; i++) {
    i32.push(s[m.sp + i * SLOT]);
    i64.push(m.i64[(m.sp >> 1) + i]);
  }
  let result;
  try {
    result = callWasi(wasiIndex, { i32, i64 }, m.memory, host, console);
  } catch (error) {
    return { kind: 'fault', fault: hostFailure(error, `WASI ${WASI_FUNCTIONS[wasiIndex]}`, pc) };
  }
  const pushErrno = (errno: number) => {
    if (p.resultCount[index] === 0) return;
    s[m.sp] = errno;
    s[m.sp + 1] = 0;
    m.sp += SLOT;
  };
  if (result.kind === 'value') {
    pushErrno(result.value);
    return null;
  }
  if (result.outcome.kind === 'yielded') pushErrno(0);
  return result.outcome;
}

function hostFailure(error: unknown, call: string, pc: number): Fault {
  if (error instanceof Trap) {
    return {
      code: error.code,
      pc,
      address: error.address,
      message: `${call} at ${hex(pc)}: ${error.message}`,
    };
  }
  const reason = error instanceof Error ? error.message : String(error);
  return {
    code: 'bad_syscall',
    pc,
    message: `${call} at ${hex(pc)} failed in the host: ${reason}`,
  };
}
