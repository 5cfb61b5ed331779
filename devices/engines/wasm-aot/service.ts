import { WASI_CALL_BASE, WASI_FUNCTIONS } from '../../../src/protocol/images/wasm';
import type { Fault, GuestHost, RunOutcome, SyscallResult } from '../engine';
import type { LinearMemory } from '../wasm/memory';
import type { Program } from '../wasm/program';
import { Trap } from '../wasm/trap';
import { callWasi, type WasiConsole } from '../wasm/wasi';

/** An import the guest called: the import's index and its arguments as lo/hi word pairs. */
export interface ImportCall {
  index: number;
  lo: readonly number[];
  hi: readonly number[];
}

/** Continue with `value` as the import's result, or stop the run (its result, if it resumes). */
export type ServiceAnswer =
  { kind: 'continue'; value: number } | { kind: 'stop'; outcome: RunOutcome; value: number };

/**
 * Hands a guest import to the host as the interpreter's syscalls.ts does (the same syscall
 * numbers, WASI through wasi.ts' callWasi, a checked view of linear memory); a host that
 * throws never takes the device down.
 */
export function serviceCall(
  call: ImportCall,
  program: Program,
  memory: LinearMemory,
  host: GuestHost,
  console: WasiConsole,
): ServiceAnswer {
  const number = program.syscalls[call.index];
  if (number >= WASI_CALL_BASE)
    return serviceWasi(call, number - WASI_CALL_BASE, memory, host, console);
  const args: [number, number, number, number] = [
    call.lo[0] ?? 0,
    call.lo[1] ?? 0,
    call.lo[2] ?? 0,
    call.lo[3] ?? 0,
  ];
  let result: SyscallResult;
  try {
    result = host.syscall({ number, args, memory });
  } catch (error) {
    return faulted(hostFailure(error, `syscall ${number}`));
  }
  switch (result.kind) {
    case 'value':
      return { kind: 'continue', value: result.value | 0 };
    case 'exit':
      return { kind: 'stop', outcome: { kind: 'exited', code: result.code | 0 }, value: 0 };
    case 'yield':
      return {
        kind: 'stop',
        outcome: { kind: 'yielded', sleepMs: result.sleepMs },
        value: (result.value ?? 0) | 0,
      };
    case 'fault':
      return faulted({
        code: 'bad_syscall',
        pc: 0,
        message: `syscall ${number}: ${result.message}`,
      });
  }
}

function serviceWasi(
  call: ImportCall,
  wasiIndex: number,
  memory: LinearMemory,
  host: GuestHost,
  console: WasiConsole,
): ServiceAnswer {
  const i64 = call.lo.map((lo, i) => (BigInt(call.hi[i]) << 32n) | BigInt(lo >>> 0));
  try {
    const result = callWasi(wasiIndex, { i32: call.lo, i64 }, memory, host, console);
    if (result.kind === 'value') return { kind: 'continue', value: result.value };
    return { kind: 'stop', outcome: result.outcome, value: 0 };
  } catch (error) {
    return faulted(hostFailure(error, `WASI ${WASI_FUNCTIONS[wasiIndex]}`));
  }
}

const faulted = (fault: Fault): ServiceAnswer => ({
  kind: 'stop',
  outcome: { kind: 'fault', fault },
  value: 0,
});

function hostFailure(error: unknown, call: string): Fault {
  if (error instanceof Trap)
    return {
      code: error.code,
      pc: 0,
      address: error.address,
      message: `${call}: ${error.message}`,
    };
  const reason = error instanceof Error ? error.message : String(error);
  return { code: 'bad_syscall', pc: 0, message: `${call} failed in the host: ${reason}` };
}
