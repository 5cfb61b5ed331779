import { parseMips1Image } from '../../../src/protocol/images/mips1-image';
import type { VmKind } from '../../../src/protocol/vm';
import type {
  Engine,
  EngineLimits,
  EngineState,
  GuestHost,
  Inspection,
  LoadReport,
  MemoryReport,
  RunOutcome,
} from '../engine';
import { CpuState } from './cpu';
import { decodeText, type DecodedText } from './decode';
import { fetchFault } from './faults';
import { hex } from './format';
import { execute, Stop } from './interpreter';
import { GuestMemory, MAX_MEMORY_BYTES } from './memory';
import { layOut, type ProgramLayout } from './program';
import { namedRegisters, Reg } from './registers';
import { serviceSyscall } from './syscalls';

/** $ra of an invoke()d handler: unmapped, so returning to it ends the call. */
export const INVOKE_RETURN_ADDRESS = 0xfffffff0;
/** Most bytes one readMemory() call returns. */
export const MAX_READ_BYTES = 4096;
/** Smallest guest memory accepted: the null page plus a little program. */
export const MIN_MEMORY_BYTES = 64;
/** Fixed engine state besides the decoded text (registers, views, bookkeeping), estimated. */
const ENGINE_OVERHEAD_BYTES = 512;

/** Runs decoded text with the contract of the interpreter's execute(). */
export type Mips1Executor = (
  cpu: CpuState,
  text: DecodedText,
  memory: GuestMemory,
  budget: number,
) => Stop;

/** A compiled tier: what replaces the interpreter for a VM kind such as `mips1-jit`. */
export interface Mips1Tier {
  readonly kind: VmKind;
  /** Compiles the decoded text at load(); the executor then runs it in place of execute(). */
  compile(text: DecodedText, memory: GuestMemory): Mips1Executor;
}

export interface Mips1EngineOptions {
  /** A compiled tier; absent: the interpreter (`mips1`). */
  tier?: Mips1Tier;
}

interface LoadedProgram {
  readonly memory: GuestMemory;
  readonly layout: ProgramLayout;
  readonly payload: Uint8Array;
  readonly text: DecodedText;
  readonly execute: Mips1Executor;
  cpu: CpuState;
}

/**
 * The COISA-style MIPS-I engine (guest ABI: docs/guest-abi.md). Little-endian, user ISA
 * only, decoded once at load. Faults never throw: they end run() with a 'fault' outcome.
 */
export class Mips1Engine implements Engine {
  readonly kind: VmKind;
  private current: EngineState = 'idle';
  private guestMemory: GuestMemory | null = null;
  private program: LoadedProgram | null = null;
  private instructions = 0;
  /** The exit or fault that ended the program; run() reports it again. */
  private ended: RunOutcome | null = null;
  private invoking = false;
  private stateBeforeInvoke: EngineState = 'loaded';

  constructor(
    private readonly limits: EngineLimits,
    private readonly host: GuestHost,
    private readonly options: Mips1EngineOptions = {},
  ) {
    this.kind = options.tier?.kind ?? 'mips1';
    const bytes = limits.memoryBytes;
    if (!Number.isInteger(bytes) || bytes < MIN_MEMORY_BYTES || bytes > MAX_MEMORY_BYTES) {
      throw new RangeError(
        `memoryBytes ${bytes} must be an integer in [${MIN_MEMORY_BYTES}, ${MAX_MEMORY_BYTES}]`,
      );
    }
  }

  get state(): EngineState {
    return this.current;
  }

  /** Throws the parser's ImageError or a Mips1LoadError; a failed load keeps the old program. */
  load(image: Uint8Array): LoadReport {
    const started = performance.now();
    const parsed = parseMips1Image(image);
    const layout = layOut(parsed, this.limits.memoryBytes);
    const memory = (this.guestMemory ??= new GuestMemory(this.limits.memoryBytes));
    memory.map(layout.loadAddress, parsed.textBytes, parsed.payload);
    const words = memory.i32.subarray(layout.loadAddress >> 2, layout.textEnd >> 2);
    const text = decodeText(words, layout.loadAddress);
    const payload = parsed.payload.slice(); // reset() maps it again
    const run = this.options.tier?.compile(text, memory) ?? execute;
    this.program = { memory, layout, payload, text, execute: run, cpu: startCpu(layout) };
    this.restart();
    return {
      loadTimeMs: performance.now() - started,
      imageBytes: image.length,
      guestMemoryBytes: this.limits.memoryBytes,
    };
  }

  /** Runs at most `budget` instructions; stops early on exit, return, yield or fault. */
  run(budget: number): RunOutcome {
    checkCount(budget, 'budget');
    const program = this.requireProgram('run');
    if (this.ended !== null && !this.invoking) return this.ended;
    this.current = 'running';
    let left = budget;
    for (;;) {
      const stop = program.execute(program.cpu, program.text, program.memory, left);
      left -= program.cpu.executed;
      this.instructions += program.cpu.executed;
      let outcome: RunOutcome | null;
      switch (stop) {
        case Stop.Budget:
          return { kind: 'budget' };
        case Stop.Syscall:
          outcome = serviceSyscall(program.cpu, this.host, program.memory);
          break;
        case Stop.LeftText:
          outcome = this.leaveText(program.cpu);
          break;
        case Stop.Fault:
          outcome = { kind: 'fault', fault: program.cpu.fault! };
          break;
      }
      if (outcome !== null) return this.settle(outcome);
    }
  }

  /** Same as run(n): exactly n instructions unless the program stops first. */
  step(n: number): RunOutcome {
    return this.run(n);
  }

  /** Reloads text and data from the image and starts over at the entry point. */
  reset(): void {
    const program = this.requireProgram('reset');
    program.memory.map(program.layout.loadAddress, program.text.textBytes, program.payload);
    program.cpu = startCpu(program.layout);
    this.restart();
  }

  /**
   * Calls `address` with $a0..$a3 = args, $ra = INVOKE_RETURN_ADDRESS, $sp where it is;
   * run() until 'returned'. Nothing is saved: the registers and pc are the handler's now.
   * Allowed once loaded or exited (COISA: handlers run after main returns), one at a time.
   */
  invoke(address: number, args: readonly number[]): void {
    const program = this.requireProgram('invoke');
    if (this.current === 'faulted' || this.current === 'running') {
      throw new Error(
        `cannot invoke a handler while the engine is ${this.current}; ` +
          (this.current === 'faulted'
            ? 'reset() or load() first'
            : 'run() the current call to its end first'),
      );
    }
    if (args.length > 4)
      throw new RangeError(`invoke takes at most 4 arguments, got ${args.length}`);
    const r = program.cpu.regs;
    for (let i = 0; i < 4; i++) r[Reg.a0 + i] = args[i] ?? 0;
    r[Reg.ra] = INVOKE_RETURN_ADDRESS;
    program.cpu.jumpTo(address >>> 0);
    this.stateBeforeInvoke = this.current;
    this.current = 'running';
    this.invoking = true;
  }

  inspect(): Inspection {
    const cpu = this.program?.cpu ?? startCpu(null);
    const pc = cpu.addressOf(cpu.pc);
    return {
      state: this.current,
      pc,
      registers: namedRegisters(cpu.regs, cpu.hi, cpu.lo, pc),
      instructions: this.instructions,
    };
  }

  /** A copy of guest memory; throws RangeError beyond MAX_READ_BYTES or outside the mapping. */
  readMemory(address: number, length: number): Uint8Array {
    const { memory } = this.requireProgram('readMemory');
    if (!Number.isInteger(length) || length < 0 || length > MAX_READ_BYTES) {
      throw new RangeError(`length ${length} must be an integer in [0, ${MAX_READ_BYTES}]`);
    }
    if (!Number.isInteger(address) || !memory.isLoadable(address, length)) {
      throw new RangeError(
        `[${hex(address)}, +${length}) is outside guest memory [${hex(memory.loadLo)}, ${hex(memory.size)})`,
      );
    }
    return memory.u8.slice(address, address + length);
  }

  memory(): MemoryReport {
    if (this.program === null) return { guestBytes: 0, peakGuestBytes: 0, engineBytes: 0 };
    const { layout, text, cpu } = this.program;
    const lowestSp = Math.max(Math.min(cpu.lowestSp, layout.stackTop), layout.staticEnd);
    return {
      guestBytes: this.limits.memoryBytes,
      peakGuestBytes: layout.staticEnd - layout.loadAddress + (this.limits.memoryBytes - lowestSp),
      engineBytes: text.code.byteLength + cpu.regs.byteLength + ENGINE_OVERHEAD_BYTES,
    };
  }

  private restart(): void {
    this.current = 'loaded';
    this.instructions = 0;
    this.ended = null;
    this.invoking = false;
  }

  /** A fetch outside text: the end of _start or of an invoked handler, or a fault. */
  private leaveText(cpu: CpuState): RunOutcome {
    const address = cpu.addressOf(cpu.pc);
    const r = cpu.regs;
    if (this.invoking && address === INVOKE_RETURN_ADDRESS) {
      return { kind: 'returned', value: r[Reg.v0] };
    }
    if (!this.invoking && address === 0 && r[Reg.ra] === 0) {
      return { kind: 'exited', code: r[Reg.v0] }; // jr $ra from _start (guest ABI, Start)
    }
    return { kind: 'fault', fault: fetchFault(address) };
  }

  private settle(outcome: RunOutcome): RunOutcome {
    switch (outcome.kind) {
      case 'exited':
      case 'fault':
        this.current = outcome.kind === 'exited' ? 'exited' : 'faulted';
        this.ended = outcome;
        this.invoking = false;
        break;
      case 'returned':
        this.current = this.stateBeforeInvoke;
        this.invoking = false;
        break;
      case 'yielded':
      case 'budget':
        break;
    }
    return outcome;
  }

  private requireProgram(operation: string): LoadedProgram {
    if (this.program === null)
      throw new Error(`${operation}: no program loaded; load() an image first`);
    return this.program;
  }
}

/** Guest ABI start state: pc = entry, $sp = top of memory - 16, everything else 0. */
function startCpu(layout: ProgramLayout | null): CpuState {
  const cpu = new CpuState(layout?.loadAddress ?? 0);
  if (layout === null) return cpu;
  cpu.regs[Reg.sp] = layout.stackTop;
  cpu.lowestSp = layout.stackTop;
  cpu.stackLimit = layout.stackLimit;
  cpu.stackSpan = layout.memoryBytes - layout.stackLimit;
  cpu.jumpTo(layout.entry);
  return cpu;
}

function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what} ${n} must be a non-negative integer`);
  }
}
