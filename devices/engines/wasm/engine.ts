import { parseWasmModule, ValType } from '../../../src/protocol/images/wasm';
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

/** Most bytes one readMemory() call returns. */
export const MAX_READ_BYTES = 4096;
/** Largest cap on linear memory accepted (limits.memoryBytes). */
export const MAX_MEMORY_BYTES = 256 * 1024 * 1024;

/**
 * The WebAssembly MVP engine behind VM kinds `wasm` (classic mode) and `wasm-fast`
 * (fast mode), for the guest ABI in docs/guest-abi.md ("wasm images"). Traps never
 * throw: they end run() with a 'fault' outcome.
 */
export class WasmEngine implements Engine {
  readonly kind: 'wasm' | 'wasm-fast';
  private current: EngineState = 'idle';
  private machine: Machine | null = null;
  private interpreter: Interpreter | null = null;
  private instructions = 0;
  private begun = false;
  private ended: RunOutcome | null = null;
  private invoking = false;
  private stateBeforeInvoke: EngineState = 'loaded';
  private readonly stackLimits: StackLimits;
  private readonly console = new WasiConsole();

  constructor(
    private readonly limits: EngineLimits,
    private readonly host: GuestHost,
    private readonly options: WasmEngineOptions = { mode: 'classic' },
  ) {
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

  get state(): EngineState {
    return this.current;
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
    this.machine = new Machine(program, this.stackLimits, labelWords);
    this.interpreter = interpreter;
    this.reset();
    return {
      loadTimeMs: performance.now() - started,
      imageBytes: image.length,
      guestMemoryBytes: program.memoryCap,
    };
  }

  /** Runs at most `budget` instructions; stops early on exit, return, yield or fault. */
  run(budget: number): RunOutcome {
    if (!Number.isSafeInteger(budget) || budget < 0)
      throw new RangeError(`budget ${budget} must be a non-negative integer`);
    const [m, interpreter] = this.require('run');
    if (this.ended !== null && !this.invoking) return this.ended;
    this.current = 'running';
    if (!this.begun && !this.invoking) {
      this.begun = true;
      const outcome = this.guard(m, () => beginEntry(m, interpreter));
      if (outcome !== null) return this.settle(outcome);
    }
    let left = budget;
    for (;;) {
      const stop = interpreter.execute(m, left);
      left -= m.executed;
      this.instructions += m.executed;
      let outcome: RunOutcome | null;
      switch (stop) {
        case Stop.Budget:
          return { kind: 'budget' };
        case Stop.Import:
          outcome = serviceImport(m, this.host, interpreter.sourceOffset(m.stopPc), this.console);
          break;
        case Stop.Returned:
          outcome = this.returned(m);
          break;
        case Stop.Trap:
          outcome = {
            kind: 'fault',
            fault: { ...m.fault!, pc: interpreter.sourceOffset(m.stopPc) },
          };
          break;
      }
      if (outcome !== null) return this.settle(outcome);
    }
  }

  step(n: number): RunOutcome {
    return this.run(n);
  }

  /** Instantiates the module again: fresh memory, globals and table, _start from the top. */
  reset(): void {
    const [m] = this.require('reset');
    instantiate(m);
    this.console.reset();
    this.current = 'loaded';
    this.instructions = 0;
    this.begun = false;
    this.ended = null;
    this.invoking = false;
  }

  /**
   * Calls table[address] (a C function pointer: docs/guest-abi.md) with the i32 args,
   * on empty stacks; run() until 'returned'. Allowed once loaded or exited (COISA: handlers
   * run after main returns), one at a time.
   */
  invoke(address: number, args: readonly number[]): void {
    const [m, interpreter] = this.require('invoke');
    if (this.current === 'faulted' || this.current === 'running') {
      throw new Error(
        `cannot invoke a handler while the engine is ${this.current}; ${this.current === 'faulted' ? 'reset() or load() first' : 'run() the current call to its end first'}`,
      );
    }
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
    this.stateBeforeInvoke = this.current;
    this.current = 'running';
    this.invoking = true;
  }

  inspect(): Inspection {
    if (this.machine === null || this.interpreter === null) {
      return { state: this.current, pc: 0, registers: {}, instructions: this.instructions };
    }
    return {
      ...inspectMachine(this.machine, this.interpreter),
      state: this.current,
      instructions: this.instructions,
    };
  }

  /** A copy of linear memory; throws RangeError beyond MAX_READ_BYTES or the accessible cap. */
  readMemory(address: number, length: number): Uint8Array {
    const [m] = this.require('readMemory');
    if (!Number.isInteger(length) || length < 0 || length > MAX_READ_BYTES) {
      throw new RangeError(`length ${length} must be an integer in [0, ${MAX_READ_BYTES}]`);
    }
    if (!Number.isInteger(address) || address < 0 || address + length > m.memory.cap) {
      throw new RangeError(
        `[${hex(address)}, +${length}) is outside linear memory [0, ${hex(m.memory.cap)})`,
      );
    }
    return m.memory.u8.slice(address, address + length);
  }

  memory(): MemoryReport {
    const m = this.machine;
    if (m === null || this.interpreter === null)
      return { guestBytes: 0, peakGuestBytes: 0, engineBytes: 0 };
    const peak = peakGuestBytes(m);
    return {
      guestBytes: m.memory.cap,
      peakGuestBytes: peak,
      engineBytes:
        this.interpreter.engineBytes +
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

  private guard(m: Machine, enter: () => void): RunOutcome | null {
    try {
      enter();
      return null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { kind: 'fault', fault: { code: 'stack_exhausted', pc: 0, message } };
    }
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

  private require(operation: string): [Machine, Interpreter] {
    if (this.machine === null || this.interpreter === null)
      throw new Error(`${operation}: no program loaded; load() an image first`);
    return [this.machine, this.interpreter];
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
