import { parseRbf } from '../../../src/protocol/images/rbf/format';
import { INSTRUCTION_BYTES } from '../../../src/protocol/images/rbf/isa';
import { STACK_BYTES } from '../../../src/protocol/images/rbf/layout';
import { verifyRbf } from '../../../src/protocol/images/rbf/verify';
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
import { CpuState, R10 } from './cpu';
import { decodeProgram, type DecodedProgram } from './decode';
import { serviceHelper, type HelperState } from './helper-calls';
import { execute, Stop } from './interpreter';
import { EbpfMemory } from './memory';
import { Op } from './ops';
import { namedRegisters } from './registers';

/** Most bytes one readMemory() call returns. */
export const MAX_READ_BYTES = 4096;
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
 * 'fault' outcome.
 */
export class EbpfEngine implements Engine {
  readonly kind: VmKind;
  private current: EngineState = 'idle';
  private loaded: LoadedProgram | null = null;
  private instructions = 0;
  /** The exit or fault that ended the program; run() reports it again. */
  private ended: RunOutcome | null = null;
  private invoking = false;
  private stateBeforeInvoke: EngineState = 'loaded';
  private readonly globalStore: Map<number, number>;
  private readonly tier: EbpfTier | undefined;

  constructor(
    private readonly limits: EngineLimits,
    private readonly host: GuestHost,
    options: EbpfEngineOptions = {},
  ) {
    if (!Number.isInteger(limits.memoryBytes) || limits.memoryBytes < 0) {
      throw new RangeError(`memoryBytes ${limits.memoryBytes} must be a non-negative integer`);
    }
    this.globalStore = options.globalStore ?? new Map<number, number>();
    this.tier = options.tier;
    this.kind = options.tier?.kind ?? 'ebpf';
  }

  get state(): EngineState {
    return this.current;
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
    this.loaded = { memory, program, helpers, execute: run, cpu: new CpuState() };
    this.restart();
    return {
      loadTimeMs: performance.now() - started,
      imageBytes: image.length,
      guestMemoryBytes: memory.totalBytes,
    };
  }

  /** Runs at most `budget` instructions; stops early on exit, return, yield or fault. */
  run(budget: number): RunOutcome {
    checkCount(budget, 'budget');
    const loaded = this.requireProgram('run');
    if (this.ended !== null && !this.invoking) return this.ended;
    this.current = 'running';
    const { cpu, program, memory } = loaded;
    const execute = loaded.execute;
    let left = budget;
    for (;;) {
      const stop = execute(cpu, program, memory, left);
      left -= cpu.executed;
      this.instructions += cpu.executed;
      let outcome: RunOutcome | null;
      switch (stop) {
        case Stop.Budget:
          return { kind: 'budget' };
        case Stop.Helper:
          outcome = serviceHelper(cpu, this.host, memory, loaded.helpers, helperId(program, cpu));
          break;
        case Stop.Exit:
          outcome = this.invoking
            ? { kind: 'returned', value: cpu.regs[0] }
            : { kind: 'exited', code: cpu.regs[0] };
          break;
        case Stop.Fault:
          outcome = { kind: 'fault', fault: cpu.fault! };
          break;
      }
      if (outcome !== null) return this.settle(outcome);
    }
  }

  /** Same as run(n): exactly n instructions unless the program stops first. */
  step(n: number): RunOutcome {
    return this.run(n);
  }

  /** Fresh data and stack, all registers 0, pc at main. */
  reset(): void {
    const loaded = this.requireProgram('reset');
    loaded.memory.reset();
    loaded.helpers.local.clear();
    loaded.helpers.gpio.clear();
    this.restart();
  }

  /**
   * Calls the function at text byte offset `address` (what the packer makes of a function's
   * address, e.g. an eh_on_raw handler) with r1..r4 = args sign-extended, r10 = the top of
   * a fresh stack, no frames; run() until 'returned' with r0's low 32 bits. Registers and
   * pc are the handler's from then on. Allowed once loaded or exited, one call at a time.
   */
  invoke(address: number, args: readonly number[]): void {
    const loaded = this.requireProgram('invoke');
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
    const cpu = this.freshCpu(loaded, pc, loaded.cpu.lowestStack);
    args.forEach((value, i) => cpu.setInt(1 + i, value | 0));
    this.stateBeforeInvoke = this.current;
    this.current = 'running';
    this.invoking = true;
  }

  inspect(): Inspection {
    const cpu = this.loaded?.cpu ?? new CpuState();
    return {
      state: this.current,
      pc: cpu.pc,
      registers: namedRegisters(cpu),
      instructions: this.instructions,
    };
  }

  /** A copy of guest memory (any readable region); throws RangeError beyond MAX_READ_BYTES or outside. */
  readMemory(address: number, length: number): Uint8Array {
    const { memory } = this.requireProgram('readMemory');
    if (!Number.isInteger(length) || length < 0 || length > MAX_READ_BYTES) {
      throw new RangeError(`length ${length} must be an integer in [0, ${MAX_READ_BYTES}]`);
    }
    const offset = Number.isInteger(address) ? memory.loadOffset(0, address, length) : -1;
    if (offset < 0) {
      throw new RangeError(
        `[0x${address.toString(16)}, +${length}) is not inside one readable region: ${memory.describe(false)}`,
      );
    }
    return memory.bytes.slice(offset, offset + length);
  }

  memory(): MemoryReport {
    if (this.loaded === null) return { guestBytes: 0, peakGuestBytes: 0, engineBytes: 0 };
    const { memory, program, cpu } = this.loaded;
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

  private restart(): void {
    const loaded = this.loaded!;
    this.freshCpu(loaded, loaded.program.entry, loaded.memory.stackTop);
    this.current = 'loaded';
    this.instructions = 0;
    this.ended = null;
    this.invoking = false;
  }

  /** Femto-Container start state: all registers 0 but r10 = stack top (r1 = context, empty here). */
  private freshCpu(loaded: LoadedProgram, pc: number, lowestStack: number): CpuState {
    const cpu = new CpuState();
    const top = loaded.memory.stackTop;
    cpu.pc = pc;
    cpu.regs[R10] = top;
    cpu.lowestStack = Math.min(lowestStack, top - loaded.program.frameOf[pc]);
    loaded.cpu = cpu;
    return cpu;
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
    if (this.loaded === null)
      throw new Error(`${operation}: no program loaded; load() an image first`);
    return this.loaded;
  }
}

/** The helper id of the call instruction execute() stopped on. */
function helperId(program: DecodedProgram, cpu: CpuState): number {
  return program.code[2 * cpu.stopPc + 1];
}

function isLddwTail(program: DecodedProgram, pc: number): boolean {
  return (program.code[2 * pc] & 0xff) === (Op.LddwTail as number);
}

function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`${what} ${n} must be a non-negative integer`);
}
