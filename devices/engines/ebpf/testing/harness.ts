import { REGION } from '../../../../src/protocol/images/rbf/layout';
import type { GuestHost, RunOutcome, SyscallRequest, SyscallResult } from '../../engine';
import { EbpfEngine } from '../engine';
import { exit, rbf, type Line } from './asm';

export const TEST_MEMORY_BYTES = 64 * 1024;
export { REGION };

/**
 * A guest host for the ABI's console and scheduling calls that records every call:
 * 1 exit, 2 print, 3 print_int, 4 time (counts calls), 5 sleep and 6 yield (yield).
 * Others fault, unless `extra` answers them.
 */
export class FakeHost implements GuestHost {
  readonly calls: Array<{ number: number; args: readonly number[] }> = [];
  output = '';
  private clock = 0;

  constructor(private readonly extra?: (call: SyscallRequest) => SyscallResult | undefined) {}

  syscall(call: SyscallRequest): SyscallResult {
    this.calls.push({ number: call.number, args: [...call.args] });
    const answer = this.extra?.(call);
    if (answer) return answer;
    switch (call.number) {
      case 1:
        return { kind: 'exit', code: call.args[0] };
      case 2:
        this.output += call.memory.readCString(call.args[0], 1024);
        return { kind: 'value', value: 0 };
      case 3:
        this.output += String(call.args[0]);
        return { kind: 'value', value: 0 };
      case 4:
        return { kind: 'value', value: this.clock++ };
      case 5:
        return { kind: 'yield', sleepMs: call.args[0], value: 0 };
      case 6:
        return { kind: 'yield', sleepMs: 0, value: 0 };
      default:
        return { kind: 'fault', message: `unknown syscall ${call.number}` };
    }
  }
}

export function loadedEngine(image: Uint8Array, host: GuestHost = new FakeHost()): EbpfEngine {
  const engine = new EbpfEngine({ memoryBytes: TEST_MEMORY_BYTES }, host);
  engine.load(image);
  return engine;
}

/** Runs `text` + exit to its end and returns the engine; fails the test unless it exited. */
export function runToExit(
  text: readonly Line[],
  options: Parameters<typeof rbf>[1] = {},
  host?: GuestHost,
): EbpfEngine {
  const engine = loadedEngine(rbf([...text, exit()], options), host);
  const outcome: RunOutcome = engine.run(100_000);
  expect(outcome.kind).toBe('exited');
  return engine;
}

/** Register n as an unsigned 64-bit bigint. */
export function reg64(engine: EbpfEngine, n: number): bigint {
  const r = engine.inspect().registers;
  const hi = r[`r${n}.hi`];
  if (hi !== undefined) return (BigInt(hi) << 32n) | BigInt(r[`r${n}.lo`]);
  return BigInt.asUintN(64, BigInt(r[`r${n}`]));
}
