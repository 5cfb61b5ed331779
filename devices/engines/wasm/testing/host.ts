import type { GuestHost, SyscallRequest, SyscallResult } from '../../engine';

/**
 * A guest host for tests: the ABI's console and scheduling calls (1 exit, 2 print,
 * 3 print_int, 4 time (counts calls), 5 sleep and 6 yield (yield)), recording every call.
 * Others fault, unless `extra` answers them.
 */
export class FakeHost implements GuestHost {
  readonly calls: Array<{ number: number; args: readonly number[] }> = [];
  output = '';
  private clockMs = 0;

  constructor(private readonly extra?: (call: SyscallRequest) => SyscallResult | undefined) {}

  syscall(call: SyscallRequest): SyscallResult {
    this.calls.push({ number: call.number, args: [...call.args] });
    const answer = this.extra?.(call);
    if (answer) return answer;
    const [a0] = call.args;
    switch (call.number) {
      case 1:
        return { kind: 'exit', code: a0 };
      case 2:
        this.output += call.memory.readCString(a0, 1024);
        return { kind: 'value', value: 0 };
      case 3:
        this.output += String(a0 | 0);
        return { kind: 'value', value: 0 };
      case 4:
        return { kind: 'value', value: this.clockMs++ };
      case 5:
        return { kind: 'yield', sleepMs: a0, value: 0 };
      case 6:
        return { kind: 'yield', sleepMs: 0, value: 0 };
      default:
        return { kind: 'fault', message: `unknown syscall ${call.number}` };
    }
  }
}
