import { GuestAccessError, hex } from '../core';
import type { Fault, GuestHost, RunOutcome, SyscallResult } from '../engine';
import type { CpuState } from './cpu';
import type { GuestMemory } from './memory';
import { Reg } from './registers';

/**
 * Hands the syscall the interpreter stopped on to the host (guest ABI: number in $v0,
 * arguments in $a0..$a3 as signed 32-bit values, result in $v0). Returns null when the
 * guest simply continues, otherwise how the run ends. A host that throws never takes the
 * device down: a GuestAccessError (bad pointer, unterminated string) becomes the fault
 * it names, any other error a bad_syscall fault carrying its message.
 */
export function serviceSyscall(
  cpu: CpuState,
  host: GuestHost,
  memory: GuestMemory,
): RunOutcome | null {
  const r = cpu.regs;
  const number = r[Reg.v0];
  const pc = cpu.addressOf(cpu.stopPc);
  let result: SyscallResult;
  try {
    result = host.syscall({
      number,
      args: [r[Reg.a0], r[Reg.a0 + 1], r[Reg.a0 + 2], r[Reg.a0 + 3]],
      memory,
    });
  } catch (error) {
    return { kind: 'fault', fault: hostFailure(error, number, pc) };
  }
  switch (result.kind) {
    case 'value':
      r[Reg.v0] = result.value;
      return null;
    case 'exit':
      return { kind: 'exited', code: result.code | 0 };
    case 'yield':
      r[Reg.v0] = result.value ?? 0;
      return { kind: 'yielded', sleepMs: result.sleepMs };
    case 'fault':
      return {
        kind: 'fault',
        fault: { code: 'bad_syscall', pc, message: `syscall ${number}: ${result.message}` },
      };
  }
}

function hostFailure(error: unknown, number: number, pc: number): Fault {
  if (error instanceof GuestAccessError) {
    return {
      code: error.code,
      pc,
      address: error.address,
      message: `syscall ${number} at ${hex(pc)}: ${error.message}`,
    };
  }
  const reason = error instanceof Error ? error.message : String(error);
  return {
    code: 'bad_syscall',
    pc,
    message: `syscall ${number} at ${hex(pc)} failed in the host: ${reason}`,
  };
}
