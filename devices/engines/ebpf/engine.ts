import { parseRbf } from '../../../src/protocol/images/rbf/format';
import { INSTRUCTION_BYTES } from '../../../src/protocol/images/rbf/isa';
import { STACK_BYTES } from '../../../src/protocol/images/rbf/layout';
import { verifyRbf } from '../../../src/protocol/images/rbf/verify';
import type { VmKind } from '../../../src/protocol/vm';
import { BytecodeEngine, checkInvokeArgCount, MAX_READ_BYTES } from '../core';
import type {
  EngineLimits,
  GuestHost,
  Inspection,
  LoadReport,
  MemoryReport,
  RunOutcome,
} from '../engine';
import { CpuState, R10 } from './cpu';
import { decodeProgram, type DecodedProgram } from './decode';
import { serviceHelper, type HelperState } from './helper-calls';
import { execute, Stop } from './interpreter';
import { EbpfMemory } from './memory';
import { Op } from './ops';
import { namedRegisters } from './registers';

export { MAX_READ_BYTES };
/** Fixed engine state besides the decoded text and frames (registers, tables), estimated. */
const ENGINE_OVERHEAD_BYTES = 512;

/** Runs a decoded program with the contract of the interpreter's execute(). */
export type EbpfExecutor = (
  cpu: CpuState,
  program: DecodedProgram,
  memory: EbpfMemory,
  budget: number,
) => Stop;

/** A compiled tier: what replaces the interpreter for a VM kind such as `ebpf-jit`. */
export interface EbpfTier {
  readonly kind: VmKind;
  /** Compiles the verified, decoded program at load(); the executor runs it in place of execute(). */
  compile(program: DecodedProgram, memory: EbpfMemory): EbpfExecutor;
}

interface LoadedProgram {
  readonly memory: EbpfMemory;
  readonly program: DecodedProgram;
  readonly helpers: HelperState;
  readonly execute: EbpfExecutor;
  cpu: CpuState;
}

export interface EbpfEngineOptions {
  /** The device's Femto-Container global key/value store (helpers 0x11, 0x13), shared by its apps. */
  globalStore?: Map<number, number>;
  /** A compiled tier; absent: the interpreter (`ebpf`). */
  tier?: EbpfTier;
}

/**
 * The Femto-Container-compatible eBPF engine (guest ABI: docs/guest-abi.md, "ebpf
 * images"). Images are parsed and pre-flight verified by the same code the gateway runs
 * (src/protocol/images/rbf), then decoded once. Faults never throw: they end run() with a
 * 'fault' outcome. The run lifecycle is BytecodeEngine's (core/lifecycle.ts).
 */
export class EbpfEngine extends BytecodeEngine<LoadedProgram, Stop> {
  readonly kind: VmKind;
  private readonly globalStore: Map<number, number>;
  private readonly tier: EbpfTier | undefined;

  constructor(
    private readonly limits: EngineLimits,
    private readonly host: GuestHost,
    options: EbpfEngineOptions = {},
  ) {
    super();
    if (!Number.isInteger(limits.memoryBytes) || limits.memoryBytes < 0) {
      throw new RangeError(`memoryBytes ${limits.memoryBytes} must be a non-negative integer`);
    }
    this.globalStore = options.globalStore ?? new Map<number, number>();
    this.tier = options.tier;
    this.kind = options.tier?.kind ?? 'ebpf';
  }

  /** Throws RbfError (format or verifier) or RangeError (does not fit); a failed load keeps the old program. */
  load(image: Uint8Array): LoadReport {
    const started = performance.now();
    const parsed = parseRbf(image);
    verifyRbf(parsed);
    const memory = new EbpfMemory(parsed.data.slice(), parsed.rodata.slice());
    if (memory.totalBytes > this.limits.memoryBytes) {
      throw new RangeError(
        `the program needs ${memory.totalBytes} bytes of guest memory (data, rodata, stack, helper buffer); the board grants ${this.limits.memoryBytes}`,
      );
    }
    const program = decodeProgram(parsed);
    const helpers: HelperState = {
      local: new Map<number, number>(),
      global: this.globalStore,
      gpio: new Map<number, number>(),
    };
    const run = this.tier?.compile(program, memory) ?? execute;
    const loaded: LoadedProgram = { memory, program, helpers, execute: run, cpu: new CpuState() };
    freshCpu(loaded, program.entry, memory.stackTop);
    this.install(loaded);
    return {
      loadTimeMs: performance.now() - started,
      imageBytes: image.length,
      guestMemoryBytes: memory.totalBytes,
    };
  }

  inspect(): Inspection {
    const cpu = this.loaded?.cpu ?? new CpuState();
    return {
      state: this.state,
      pc: cpu.pc,
      registers: namedRegisters(cpu),
      instructions: this.instructions,
    };
  }

  protected execute(loaded: LoadedProgram, budget: number): Stop {
    return loaded.execute(loaded.cpu, loaded.program, loaded.memory, budget);
  }

  protected executed(loaded: LoadedProgram): number {
    return loaded.cpu.executed;
  }

  protected service(loaded: LoadedProgram, stop: Stop): RunOutcome | null {
    const { cpu, program, memory } = loaded;
    switch (stop) {
      case Stop.Budget:
        return { kind: 'budget' };
      case Stop.Helper:
        return serviceHelper(cpu, this.host, memory, loaded.helpers, helperId(program, cpu));
      case Stop.Exit:
        return this.invoking
          ? { kind: 'returned', value: cpu.regs[0] }
          : { kind: 'exited', code: cpu.regs[0] };
      case Stop.Fault:
        return { kind: 'fault', fault: cpu.fault! };
    }
  }

  /** Fresh data and stack, all registers 0, pc at main. */
  protected rewind(loaded: LoadedProgram): void {
    loaded.memory.reset();
    loaded.helpers.local.clear();
    loaded.helpers.gpio.clear();
    freshCpu(loaded, loaded.program.entry, loaded.memory.stackTop);
  }

  /**
   * Calls the function at text byte offset `address` (what the packer makes of a function's
   * address, e.g. an eh_on_raw handler) with r1..r4 = args sign-extended, r10 = the top of
   * a fresh stack, no frames; run() returns 'returned' with r0's low 32 bits. Registers and
   * pc are the handler's from then on.
   */
  protected enter(loaded: LoadedProgram, address: number, args: readonly number[]): void {
    checkInvokeArgCount(args);
    const pc = address / INSTRUCTION_BYTES;
    if (
      !Number.isInteger(pc) ||
      pc < 0 ||
      pc >= loaded.program.count ||
      isLddwTail(loaded.program, pc)
    ) {
      throw new RangeError(
        `handler address ${address} is not the byte offset of an instruction in the ${loaded.program.count * INSTRUCTION_BYTES}-byte text`,
      );
    }
    const cpu = freshCpu(loaded, pc, loaded.cpu.lowestStack);
    args.forEach((value, i) => cpu.setInt(1 + i, value | 0));
  }

  /** Any readable region; RangeError outside one. */
  protected copyOut({ memory }: LoadedProgram, address: number, length: number): Uint8Array {
    const offset = Number.isInteger(address) ? memory.loadOffset(0, address, length) : -1;
    if (offset < 0) {
      throw new RangeError(
        `[0x${address.toString(16)}, +${length}) is not inside one readable region: ${memory.describe(false)}`,
      );
    }
    return memory.bytes.slice(offset, offset + length);
  }

  protected report({ memory, program, cpu }: LoadedProgram): MemoryReport {
    return {
      guestBytes: memory.totalBytes,
      // Everything but the stack counts whole; of the stack, what the deepest frame reached.
      peakGuestBytes: memory.totalBytes - STACK_BYTES + (memory.stackTop - cpu.lowestStack),
      engineBytes:
        program.code.byteLength +
        program.frameOf.byteLength +
        cpu.frames.byteLength +
        ENGINE_OVERHEAD_BYTES,
    };
  }
}

/** Femto-Container start state: all registers 0 but r10 = stack top (r1 = context, empty here). */
function freshCpu(loaded: LoadedProgram, pc: number, lowestStack: number): CpuState {
  const cpu = new CpuState();
  const top = loaded.memory.stackTop;
  cpu.pc = pc;
  cpu.regs[R10] = top;
  cpu.lowestStack = Math.min(lowestStack, top - loaded.program.frameOf[pc]);
  loaded.cpu = cpu;
  return cpu;
}

/** The helper id of the call instruction execute() stopped on. */
function helperId(program: DecodedProgram, cpu: CpuState): number {
  return program.code[2 * cpu.stopPc + 1];
}

function isLddwTail(program: DecodedProgram, pc: number): boolean {
  return (program.code[2 * pc] & 0xff) === (Op.LddwTail as number);
}
