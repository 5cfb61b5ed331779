import { parseMips1Image } from '../../../src/protocol/images/mips1-image';
import type { VmKind } from '../../../src/protocol/vm';
import { BytecodeEngine, checkInvokeArgCount, hex, MAX_READ_BYTES } from '../core';
import type {
  EngineLimits,
  GuestHost,
  Inspection,
  LoadReport,
  MemoryReport,
  RunOutcome,
} from '../engine';
import { CpuState } from './cpu';
import { decodeText, type DecodedText } from './decode';
import { fetchFault } from './faults';
import { execute, Stop } from './interpreter';
import { GuestMemory, MAX_MEMORY_BYTES } from './memory';
import { layOut, type ProgramLayout } from './program';
import { namedRegisters, Reg } from './registers';
import { serviceSyscall } from './syscalls';

/** $ra of an invoke()d handler: unmapped, so returning to it ends the call. */
export const INVOKE_RETURN_ADDRESS = 0xfffffff0;
export { MAX_READ_BYTES };
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
 * The run lifecycle is BytecodeEngine's (core/lifecycle.ts).
 */
export class Mips1Engine extends BytecodeEngine<LoadedProgram, Stop> {
  readonly kind: VmKind;
  private guestMemory: GuestMemory | null = null;

  constructor(
    private readonly limits: EngineLimits,
    private readonly host: GuestHost,
    private readonly options: Mips1EngineOptions = {},
  ) {
    super();
    this.kind = options.tier?.kind ?? 'mips1';
    const bytes = limits.memoryBytes;
    if (!Number.isInteger(bytes) || bytes < MIN_MEMORY_BYTES || bytes > MAX_MEMORY_BYTES) {
      throw new RangeError(
        `memoryBytes ${bytes} must be an integer in [${MIN_MEMORY_BYTES}, ${MAX_MEMORY_BYTES}]`,
      );
    }
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
    this.install({ memory, layout, payload, text, execute: run, cpu: startCpu(layout) });
    return {
      loadTimeMs: performance.now() - started,
      imageBytes: image.length,
      guestMemoryBytes: this.limits.memoryBytes,
    };
  }

  inspect(): Inspection {
    const cpu = this.loaded?.cpu ?? startCpu(null);
    const pc = cpu.addressOf(cpu.pc);
    return {
      state: this.state,
      pc,
      registers: namedRegisters(cpu.regs, cpu.hi, cpu.lo, pc),
      instructions: this.instructions,
    };
  }

  protected execute(program: LoadedProgram, budget: number): Stop {
    return program.execute(program.cpu, program.text, program.memory, budget);
  }

  protected executed(program: LoadedProgram): number {
    return program.cpu.executed;
  }

  protected service(program: LoadedProgram, stop: Stop): RunOutcome | null {
    switch (stop) {
      case Stop.Budget:
        return { kind: 'budget' };
      case Stop.Syscall:
        return serviceSyscall(program.cpu, this.host, program.memory);
      case Stop.LeftText:
        return this.leaveText(program.cpu);
      case Stop.Fault:
        return { kind: 'fault', fault: program.cpu.fault! };
    }
  }

  /** Reloads text and data from the image and starts over at the entry point. */
  protected rewind(program: LoadedProgram): void {
    program.memory.map(program.layout.loadAddress, program.text.textBytes, program.payload);
    program.cpu = startCpu(program.layout);
  }

  /**
   * Calls `address` with $a0..$a3 = args, $ra = INVOKE_RETURN_ADDRESS, $sp where it is.
   * Nothing is saved: the registers and pc are the handler's now.
   */
  protected enter(program: LoadedProgram, address: number, args: readonly number[]): void {
    checkInvokeArgCount(args);
    const r = program.cpu.regs;
    for (let i = 0; i < 4; i++) r[Reg.a0 + i] = args[i] ?? 0;
    r[Reg.ra] = INVOKE_RETURN_ADDRESS;
    program.cpu.jumpTo(address >>> 0);
  }

  protected copyOut({ memory }: LoadedProgram, address: number, length: number): Uint8Array {
    if (!Number.isInteger(address) || !memory.isLoadable(address, length)) {
      throw new RangeError(
        `[${hex(address)}, +${length}) is outside guest memory [${hex(memory.loadLo)}, ${hex(memory.size)})`,
      );
    }
    return memory.u8.slice(address, address + length);
  }

  protected report({ layout, text, cpu }: LoadedProgram): MemoryReport {
    const lowestSp = Math.max(Math.min(cpu.lowestSp, layout.stackTop), layout.staticEnd);
    return {
      guestBytes: this.limits.memoryBytes,
      peakGuestBytes: layout.staticEnd - layout.loadAddress + (this.limits.memoryBytes - lowestSp),
      engineBytes: text.code.byteLength + cpu.regs.byteLength + ENGINE_OVERHEAD_BYTES,
    };
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
