import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYSCALL_NUMBERS } from '../../../../src/protocol/guest-abi';
import type { ImageFormat } from '../../../../src/protocol/vm';
import type { Engine, FaultCode, GuestHost } from '../../engine';
import { FIRMWARE } from '../../script/testing/script-harness';

/** The guests of firmware/ the Engine contract runs, per payload format, and host wrappers. */
export type GuestName = 'blink' | 'button-counter' | 'spin' | 'wild-store' | 'fibonacci';

const BUILT: Partial<Record<ImageFormat, string>> = { mips1: 'm1', ebpf: 'rbf', wasm: 'wasm' };
const SCRIPTS: Partial<Record<ImageFormat, { dir: string; ext: string }>> = {
  lua: { dir: 'lua', ext: 'lua' },
  micropython: { dir: 'python', ext: 'py' },
  js: { dir: 'js', ext: 'js' },
};

/** A guest of firmware/ for a payload format: the demo apps and one benchmark. */
export function guestImage(format: ImageFormat, name: GuestName): Uint8Array {
  const built = BUILT[format];
  if (built !== undefined) {
    return new Uint8Array(readFileSync(join(FIRMWARE, 'build', format, `${name}.${built}`)));
  }
  const { dir, ext } = SCRIPTS[format]!;
  const folder = name === 'fibonacci' ? 'bench' : 'apps';
  return new Uint8Array(readFileSync(join(FIRMWARE, dir, folder, `${name}.${ext}`)));
}

/** Where each flat-memory format surely has 16 readable bytes once loaded. */
export const READABLE_ADDRESS: Partial<Record<ImageFormat, (engine: Engine) => number>> = {
  mips1: (engine) => engine.inspect().pc, // the entry point, in text
  ebpf: (engine) => engine.inspect().registers.r10 - 16, // the top of the stack
  wasm: () => 0, // linear memory starts at 0
};

const FAULT_CODE_SET: Record<FaultCode, true> = {
  bad_address: true,
  misaligned: true,
  illegal_instruction: true,
  overflow: true,
  break: true,
  bad_syscall: true,
  budget_exhausted: true,
  out_of_memory: true,
  guest_error: true,
  unreachable: true,
  stack_exhausted: true,
  divide_by_zero: true,
  integer_overflow: true,
  invalid_conversion: true,
  undefined_element: true,
  indirect_call_mismatch: true,
};
export const FAULT_CODES = Object.keys(FAULT_CODE_SET);

/** A host whose hal_write refuses every actuator: blink then ends main with 1. */
export function refuseHalWrites(host: GuestHost): GuestHost {
  return {
    syscall: (call) =>
      call.number === SYSCALL_NUMBERS.halWrite ? { kind: 'value', value: -1 } : host.syscall(call),
  };
}
