import { ABI_SYSCALLS, abiSyscallOf, FC_HELPERS } from '../../../src/protocol/images/rbf/helpers';
import { GuestAccessError } from '../core';
import type { GuestHost, RunOutcome, SyscallResult } from '../engine';
import type { CpuState } from './cpu';
import { helperFault } from './faults';
import type { EbpfMemory } from './memory';
import { formatPrintf } from './printf';
import { saulFindNth, saulFindType, saulRead, saulWrite } from './saul';

/** Key/value stores of Femto-Container helpers 0x10..0x13 (local: per program; global: per device). */
export interface HelperState {
  readonly local: Map<number, number>;
  readonly global: Map<number, number>;
  /** Last level written per GPIO pin, for bpf_gpio_toggle. */
  readonly gpio: Map<number, number>;
}

/** A helper's host call did not return a value: how the run ends instead. */
class HelperStop extends Error {
  constructor(readonly outcome: RunOutcome) {
    super(outcome.kind);
  }
}

/** What a helper implementation gets: arguments and a way to make ABI syscalls. */
export interface HelperContext {
  readonly args: readonly number[];
  readonly memory: EbpfMemory;
  readonly state: HelperState;
  syscall(number: number, args: readonly number[]): number;
}

/**
 * Serves the helper call execute() stopped on (cpu.stopPc): arguments r1..r5 (low 32
 * bits, as the ABI's int32 values), result in r0 sign-extended. ABI helpers (0x100 + nr)
 * go straight to host.syscall; Femto-Container helpers are built here on top of the ABI
 * syscalls. Returns null when the guest simply continues, otherwise how the run ends.
 * A host that throws never takes the device down (as in the mips1 engine).
 */
export function serviceHelper(
  cpu: CpuState,
  host: GuestHost,
  memory: EbpfMemory,
  state: HelperState,
  helperId: number,
): RunOutcome | null {
  const r = cpu.regs;
  const pc = cpu.stopPc;
  const args = [r[2], r[4], r[6], r[8], r[10]];
  const fail = (message: string): RunOutcome => ({
    kind: 'fault',
    fault: helperFault(pc, helperId, message),
  });
  const context: HelperContext = {
    args,
    memory,
    state,
    syscall: (number, callArgs) =>
      valueOf(host.syscall({ number, args: toArgs(callArgs), memory }), fail),
  };
  try {
    const abi = abiSyscallOf(helperId);
    if (abi !== undefined) {
      const result = host.syscall({ number: abi, args: toArgs(args), memory });
      return settleAbi(cpu, result, fail);
    }
    cpu.setInt(0, fcHelper(helperId, context, r));
    return null;
  } catch (error) {
    if (error instanceof HelperStop) return error.outcome;
    if (error instanceof GuestAccessError) {
      return {
        kind: 'fault',
        fault: {
          ...helperFault(pc, helperId, error.message),
          code: error.code,
          address: error.address,
        },
      };
    }
    return fail(`failed in the host: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const toArgs = (a: readonly number[]): [number, number, number, number] => [
  a[0] | 0,
  a[1] | 0,
  a[2] | 0,
  a[3] | 0,
];

function settleAbi(
  cpu: CpuState,
  result: SyscallResult,
  fail: (message: string) => RunOutcome,
): RunOutcome | null {
  switch (result.kind) {
    case 'value':
      cpu.setInt(0, result.value | 0);
      return null;
    case 'exit':
      return { kind: 'exited', code: result.code | 0 };
    case 'yield':
      cpu.setInt(0, (result.value ?? 0) | 0);
      return { kind: 'yielded', sleepMs: result.sleepMs };
    case 'fault':
      return fail(result.message);
  }
}

/** A syscall made on behalf of a Femto-Container helper must produce a value. */
function valueOf(result: SyscallResult, fail: (message: string) => RunOutcome): number {
  switch (result.kind) {
    case 'value':
      return result.value | 0;
    case 'exit':
      throw new HelperStop({ kind: 'exited', code: result.code | 0 });
    case 'yield':
      return (result.value ?? 0) | 0;
    case 'fault':
      throw new HelperStop(fail(result.message));
  }
}

function fcHelper(id: number, c: HelperContext, r: Int32Array): number {
  const [a1, a2, a3] = c.args;
  switch (id) {
    case FC_HELPERS.printf: {
      const values = [1, 2, 3, 4].map((k) => [r[2 + 2 * k], r[3 + 2 * k]] as const);
      const text = new TextEncoder().encode(formatPrintf(c.memory, a1, values));
      c.syscall(ABI_SYSCALLS.print, [c.memory.writeHelperBuffer(text)]);
      return text.length;
    }
    case FC_HELPERS.storeLocal:
    case FC_HELPERS.storeGlobal:
      (id === FC_HELPERS.storeLocal ? c.state.local : c.state.global).set(a1 >>> 0, a2 >>> 0);
      return 0;
    case FC_HELPERS.fetchLocal:
    case FC_HELPERS.fetchGlobal: {
      const store = id === FC_HELPERS.fetchLocal ? c.state.local : c.state.global;
      const out = new Uint8Array(4);
      new DataView(out.buffer).setUint32(0, store.get(a1 >>> 0) ?? 0, true);
      c.memory.writeBytes(a2, out); // an absent key reads as 0, as in Femto-Container's btree
      return 0;
    }
    case FC_HELPERS.nowMs:
      return c.syscall(ABI_SYSCALLS.timeMs, []);
    case FC_HELPERS.saulFindNth:
      return saulFindNth(c, a1);
    case FC_HELPERS.saulFindType:
      return saulFindType(c, a1 & 0xff);
    case FC_HELPERS.saulRead:
      return saulRead(c, a1, a2);
    case FC_HELPERS.saulWrite:
      return saulWrite(c, a1, a2);
    case FC_HELPERS.gpioRead:
      return c.syscall(ABI_SYSCALLS.halRead, [HAL_BUTTON, a2]) !== 0 ? 1 : 0;
    case FC_HELPERS.gpioWrite:
    case FC_HELPERS.gpioToggle: {
      const level =
        id === FC_HELPERS.gpioWrite ? (a3 !== 0 ? 1 : 0) : 1 - (c.state.gpio.get(a2) ?? 0);
      c.state.gpio.set(a2, level);
      c.syscall(ABI_SYSCALLS.halWrite, [HAL_GPIO, a2, level]);
      return 0;
    }
    default:
      throw new Error(`helper 0x${id.toString(16)} is not implemented`); // verifier rejects it
  }
}

/** HAL sensor type of an input pin (a button) and actuator type of an output pin. */
const HAL_BUTTON = 5;
const HAL_GPIO = 2;
