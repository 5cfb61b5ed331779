import type { VmKind } from '../../src/protocol';
import type { GuestHost, RunOutcome, SyscallRequest, SyscallResult } from '../engines';
import { createEngine } from '../engines';
import { SYSCALLS } from './guest-host';

/** Instructions per run() call; the engine returns to us between slices. */
const SLICE = 10_000_000;
/** The largest benchmark is ~26 M instructions (sieve on wasm); far beyond this something loops. */
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
  /** performance.now() around load(): parse, validate, pre-decode (or compile, for scripts). */
  loadMs: number;
  imageBytes: number;
  /** performance.now() around the run() loop only. */
  execMs: number;
  /** The engine's own count: MIPS-I, eBPF or wasm instructions, pre-decoded ops, VM ops. */
  instructions: number;
  peakGuestBytes: number;
  /** The engine's own state (decoded program, tables), as the engine estimates it. */
  engineBytes: number;
  output: string;
  end: RunOutcome;
}

/** Loads and runs one image to its end on a fresh engine of `kind`, in this process. */
export function runGuest(
  kind: VmKind,
  image: Uint8Array,
  memoryBytes: number,
  cap = INSTRUCTION_CAP,
): GuestRun {
  const host = new ConsoleHost();
  const engine = createEngine(kind, { memoryBytes }, host);
  try {
    const loadStarted = performance.now();
    const load = engine.load(image);
    const loadMs = performance.now() - loadStarted;
    // An engine that cannot pause mid-program must get the whole budget in one call.
    const slice = engine.preemptible === false ? cap : Math.min(SLICE, cap);
    let end: RunOutcome;
    const started = performance.now();
    do end = engine.run(slice);
    while (
      (end.kind === 'budget' || end.kind === 'yielded') &&
      engine.inspect().instructions < cap
    );
    const execMs = performance.now() - started;
    return {
      loadMs,
      imageBytes: load.imageBytes,
      execMs,
      instructions: engine.inspect().instructions,
      peakGuestBytes: engine.memory().peakGuestBytes,
      engineBytes: engine.memory().engineBytes,
      output: host.output,
      end,
    };
  } finally {
    // Script VMs hold a WebAssembly heap outside the JS one; free it before the next run.
    engine.dispose?.();
  }
}
