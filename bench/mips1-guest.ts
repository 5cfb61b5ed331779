import type { GuestHost, RunOutcome, SyscallRequest, SyscallResult } from '../devices/engines';
import { createEngine } from '../devices/engines';
import { SYSCALLS } from '../devices/runtime/guest-host';

/** The guest memory the images are built for: the nrf52840 budget (firmware/sdk/mips1/link.ld). */
const GUEST_MEMORY_BYTES = 64 * 1024;
/** Instructions per run() call; the engine returns to us between slices. */
const SLICE = 10_000_000;
/** The largest benchmark is ~14 M instructions; far beyond this something loops. */
const INSTRUCTION_CAP = 1_000_000_000;
const MAX_PRINT_BYTES = 1024;

/** The console part of the guest ABI and nothing else: benchmarks only print and exit. */
class ConsoleHost implements GuestHost {
  output = '';
  private clockMs = 0;

  syscall({ number, args, memory }: SyscallRequest): SyscallResult {
    const [a0] = args;
    switch (number) {
      case SYSCALLS.exit:
        return { kind: 'exit', code: a0 | 0 };
      case SYSCALLS.print:
        this.output += memory.readCString(a0, MAX_PRINT_BYTES);
        return { kind: 'value', value: 0 };
      case SYSCALLS.printInt:
        this.output += String(a0 | 0);
        return { kind: 'value', value: 0 };
      case SYSCALLS.timeMs:
        return { kind: 'value', value: this.clockMs++ };
      case SYSCALLS.sleepMs:
      case SYSCALLS.yield:
        return { kind: 'yield', sleepMs: 0, value: 0 };
      default:
        return { kind: 'fault', message: `syscall ${number} is not part of the console ABI` };
    }
  }
}

export interface GuestRun {
  /** performance.now() around load(): parse, copy, pre-decode. */
  loadMs: number;
  imageBytes: number;
  /** performance.now() around the run() loop only. */
  execMs: number;
  instructions: number;
  peakGuestBytes: number;
  output: string;
  end: RunOutcome;
}

/** Loads and runs one image to its end on a fresh mips1 engine, in this process. */
export function runMips1(image: Uint8Array): GuestRun {
  const host = new ConsoleHost();
  const engine = createEngine('mips1', { memoryBytes: GUEST_MEMORY_BYTES }, host);
  const loadStarted = performance.now();
  const load = engine.load(image);
  const loadMs = performance.now() - loadStarted;
  let end: RunOutcome;
  const started = performance.now();
  do {
    end = engine.run(SLICE);
  } while (
    (end.kind === 'budget' || end.kind === 'yielded') &&
    engine.inspect().instructions < INSTRUCTION_CAP
  );
  const execMs = performance.now() - started;
  return {
    loadMs,
    imageBytes: load.imageBytes,
    execMs,
    instructions: engine.inspect().instructions,
    peakGuestBytes: engine.memory().peakGuestBytes,
    output: host.output,
    end,
  };
}
