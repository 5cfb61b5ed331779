import { parseWasmModule, ValType } from '../../../src/protocol/images/wasm';
import { BytecodeEngine, MAX_READ_BYTES } from '../core';
import type {
  EngineLimits,
  GuestHost,
  Inspection,
  LoadReport,
  MemoryReport,
  RunOutcome,
} from '../engine';
import { ClassicInterpreter, LABELS_PER_CALL } from './classic';
import { FastInterpreter } from './fast';
import { inspectMachine } from './inspect';
import { beginEntry, clearStacks, instantiate } from './instance';
import type { Interpreter } from './interpreter';
import {
  DEFAULT_STACK_LIMITS,
  HOST_RETURN,
  Machine,
  SLOT,
  Stop,
  type StackLimits,
} from './machine';
import { buildProgram } from './program';
import { serviceImport } from './syscalls';
import { hex } from './trap';
import { WasiConsole } from './wasi';

export type WasmMode = 'classic' | 'fast';

export interface WasmEngineOptions extends Partial<StackLimits> {
  mode: WasmMode;
}

/** What load() builds: the instance's machine and the mode's interpreter over it. */
interface LoadedModule {
  readonly machine: Machine;
  readonly interpreter: Interpreter;
}

export { MAX_READ_BYTES };
/** Largest cap on linear memory accepted (limits.memoryBytes). */
export const MAX_MEMORY_BYTES = 256 * 1024 * 1024;

/**
 * The WebAssembly MVP engine behind VM kinds `wasm` (classic mode) and `wasm-fast`
 * (fast mode), for the guest ABI in docs/guest-abi.md ("wasm images"). Traps never
 * throw: they end run() with a 'fault' outcome. The run lifecycle is BytecodeEngine's
 * (core/lifecycle.ts).
 */
export class WasmEngine extends BytecodeEngine<LoadedModule, Stop> {
  readonly kind: 'wasm' | 'wasm-fast';
  private readonly stackLimits: StackLimits;
  private readonly console = new WasiConsole();

  constructor(
    private readonly limits: EngineLimits,
    private readonly host: GuestHost,
    private readonly options: WasmEngineOptions = { mode: 'classic' },
  ) {
    super();
    const bytes = limits.memoryBytes;
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > MAX_MEMORY_BYTES) {
      throw new RangeError(`memoryBytes ${bytes} must be an integer in [0, ${MAX_MEMORY_BYTES}]`);
    }
    this.kind = options.mode === 'fast' ? 'wasm-fast' : 'wasm';
    this.stackLimits = {
      maxCallDepth: options.maxCallDepth ?? DEFAULT_STACK_LIMITS.maxCallDepth,
      valueStackSlots: options.valueStackSlots ?? DEFAULT_STACK_LIMITS.valueStackSlots,
    };
  }

  /** Throws WasmImageError (invalid module) or WasmLoadError; a failed load keeps the old program. */
  load(image: Uint8Array): LoadReport {
    const started = performance.now();
    const validated = parseWasmModule(image.slice());
    const program = buildProgram(validated, this.limits.memoryBytes);
    const interpreter =
      this.options.mode === 'fast' ? new FastInterpreter(program) : new ClassicInterpreter(program);
    const labelWords =
      this.options.mode === 'fast' ? 0 : (this.stackLimits.maxCallDepth + 1) * LABELS_PER_CALL * 4;
    const loaded = { machine: new Machine(program, this.stackLimits, labelWords), interpreter };
    this.rewind(loaded);
    this.install(loaded);
    return {
      loadTimeMs: performance.now() - started,
      imageBytes: image.length,
      guestMemoryBytes: program.memoryCap,
    };
  }

  inspect(): Inspection {
    const loaded = this.loaded;
    if (loaded === null) {
      return { state: this.state, pc: 0, registers: {}, instructions: this.instructions };
    }
    return {
      ...inspectMachine(loaded.machine, loaded.interpreter),
      state: this.state,
      instructions: this.instructions,
    };
  }

  /** The first run() instantiates _start's frame (a too-deep entry is stack_exhausted). */
  protected override begin({ machine, interpreter }: LoadedModule): RunOutcome | null {
    try {
      beginEntry(machine, interpreter);
      return null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { kind: 'fault', fault: { code: 'stack_exhausted', pc: 0, message } };
    }
  }

  protected execute({ machine, interpreter }: LoadedModule, budget: number): Stop {
    return interpreter.execute(machine, budget);
  }

  protected executed({ machine }: LoadedModule): number {
    return machine.executed;
  }

  protected service({ machine: m, interpreter }: LoadedModule, stop: Stop): RunOutcome | null {
    switch (stop) {
      case Stop.Budget:
        return { kind: 'budget' };
      case Stop.Import:
        return serviceImport(m, this.host, interpreter.sourceOffset(m.stopPc), this.console);
      case Stop.Returned:
        return this.returned(m);
      case Stop.Trap:
        return { kind: 'fault', fault: { ...m.fault!, pc: interpreter.sourceOffset(m.stopPc) } };
    }
  }

  /** Instantiates the module again: fresh memory, globals and table, _start from the top. */
  protected rewind({ machine }: LoadedModule): void {
    instantiate(machine);
    this.console.reset();
  }

  /**
   * Calls table[address] (a C function pointer: docs/guest-abi.md) with the i32 args,
   * on empty stacks.
   */
  protected enter(
    { machine: m, interpreter }: LoadedModule,
    address: number,
    args: readonly number[],
  ): void {
    const p = m.program;
    const index = address >>> 0;
    const func = index < m.table.length ? m.table[index] : -1;
    if (func < p.importCount)
      throw new RangeError(
        `handler address ${index} is not a function of the module's table (${m.table.length} entries)`,
      );
    const types = p.localTypes[func].slice(0, p.paramSlots[func]);
    if (args.length > types.length || types.some((t) => t !== ValType.I32)) {
      throw new RangeError(
        `handler ${index} (function ${func}) takes ${types.length} parameters, not ${args.length} i32 arguments`,
      );
    }
    clearStacks(m);
    types.forEach((_, i) => {
      m.s32[m.sp] = args[i] ?? 0;
      m.s32[m.sp + 1] = 0;
      m.sp += SLOT;
    });
    interpreter.enter(m, func, HOST_RETURN);
  }

  /** Linear memory below the accessible cap; RangeError beyond it. */
  protected copyOut({ machine: m }: LoadedModule, address: number, length: number): Uint8Array {
    if (!Number.isInteger(address) || address < 0 || address + length > m.memory.cap) {
      throw new RangeError(
        `[${hex(address)}, +${length}) is outside linear memory [0, ${hex(m.memory.cap)})`,
      );
    }
    return m.memory.u8.slice(address, address + length);
  }

  protected report({ machine: m, interpreter }: LoadedModule): MemoryReport {
    return {
      guestBytes: m.memory.cap,
      peakGuestBytes: peakGuestBytes(m),
      engineBytes:
        interpreter.engineBytes +
        m.stack.byteLength +
        m.frames.byteLength +
        m.labels.byteLength +
        m.table.byteLength +
        m.globals.byteLength,
    };
  }

  private returned(m: Machine): RunOutcome {
    const value = m.program.resultCount[m.returnedFrom] > 0 ? m.s32[0] : 0;
    return this.invoking ? { kind: 'returned', value } : { kind: 'exited', code: value };
  }
}

/**
 * The most guest memory the program has needed (devices/engines/wasm/README.md, Memory):
 * its static data (data segments and, for a C program, .bss up to `__data_end`), the
 * deepest its stack went (the lowest stack pointer), and every other 64-byte block any
 * store has written, heap included (a malloc'd block the program never writes is not
 * memory it used). At most the accessible memory.
 */
function peakGuestBytes(m: Machine): number {
  const { layout } = m.program.validated;
  const c = m.program.cLayout;
  const statics: [number, number] =
    c !== null ? [c.staticStart, c.dataEnd] : [layout.dataStart, layout.dataEnd];
  let stack: [number, number] = [0, 0];
  let depth = 0;
  if (c !== null) {
    stack = [c.stackFloor, c.stackTop];
    depth = c.stackTop - Math.max(m.lowestStackPointer, c.stackFloor);
  } else if (layout.stackTop !== null) {
    stack = [layout.stackTop - layout.stackBytes, layout.stackTop];
    depth = Math.max(0, layout.stackTop - m.lowestStackPointer);
  }
  const others = m.memory.touchedBytes([statics, stack]);
  return Math.min(statics[1] - statics[0] + depth + others, m.memory.cap);
}
