import { parseWasmModule, ValType } from '../../../src/protocol/images/wasm';
import {
  NotSupportedError,
  type Engine,
  type EngineLimits,
  type EngineState,
  type Fault,
  type GuestHost,
  type Inspection,
  type LoadReport,
  type MemoryReport,
  type RunOutcome,
} from '../engine';
import { MAX_MEMORY_BYTES, MAX_READ_BYTES, WasmEngine } from '../wasm';
import { DEFAULT_STACK_LIMITS } from '../wasm/machine';
import { buildProgram, type Program } from '../wasm/program';
import { hex } from '../wasm/trap';
import { WasiConsole } from '../wasm/wasi';
import { peakGuestBytes, staticTable } from './memory-report';
import { compile } from './module-cache';
import type { PcMap } from './pc-map';
import { COMMAND, CONTROL, STOP, TRAP_CODES } from './protocol';
import { serviceCall } from './service';
import { SharedGuestMemory, V8, type V8Memory, type V8Module } from './shared-memory';
import { WorkerLink } from './worker-link';

/**
 * The wasm AOT tier (VM kind `wasm-aot`, devices/engines/wasm/README.md "Tiers"): the
 * module the interpreter validates, instrumented (instrument.ts) and compiled by V8, run in
 * a worker thread that stops on fuel-out and on every import (worker.ts), so run(budget)
 * can pause and continue like the interpreter. Imports are serviced here with the device's
 * host over the shared linear memory. Traps end run() with a 'fault' outcome.
 */
export class WasmAotEngine implements Engine {
  readonly kind = 'wasm-aot' as const;
  private current: EngineState = 'idle';
  private program: Program | null = null;
  private module: V8Module | null = null;
  private memoryPages: { min: number; max: number } | null = null;
  private guestMemory: SharedGuestMemory | null = null;
  private codeBytes = 0;
  private pcMap: PcMap | null = null;
  private image: Uint8Array | null = null;
  /** The interpreter a step() before the first run hands the program to, until reset(). */
  private stepper: WasmEngine | null = null;
  private link: WorkerLink | null = null;
  private ctl: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private f64: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private readonly console = new WasiConsole();
  private instructions = 0;
  private begun = false;
  private suspended = false;
  private resumeValue = 0;
  private invocation: { index: number; args: number[] } | null = null;
  private ended: RunOutcome | null = null;
  private invoking = false;
  private stateBeforeInvoke: EngineState = 'loaded';
  private linkHasModule = false;

  constructor(
    private readonly limits: EngineLimits,
    private readonly host: GuestHost,
    private readonly maxCallDepth = DEFAULT_STACK_LIMITS.maxCallDepth,
  ) {
    const bytes = limits.memoryBytes;
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > MAX_MEMORY_BYTES) {
      throw new RangeError(`memoryBytes ${bytes} must be an integer in [0, ${MAX_MEMORY_BYTES}]`);
    }
  }

  get state(): EngineState {
    return this.stepper?.state ?? this.current;
  }

  /** The interpreter's checks (WasmImageError, WasmLoadError), then instrument and compile. */
  load(image: Uint8Array): LoadReport {
    const started = performance.now();
    const validated = parseWasmModule(image.slice());
    const program = buildProgram(validated, this.limits.memoryBytes);
    const { module, instrumented } = compile(image, program, validated, this.maxCallDepth);
    this.program = program;
    this.module = module;
    this.memoryPages = instrumented.memory;
    this.codeBytes = instrumented.byteLength + instrumented.pcMap.bytes;
    this.pcMap = instrumented.pcMap;
    this.image = image.slice();
    this.reset(module);
    return {
      loadTimeMs: performance.now() - started,
      imageBytes: image.length,
      guestMemoryBytes: program.memoryCap,
    };
  }

  run(budget: number): RunOutcome {
    if (!Number.isSafeInteger(budget) || budget < 0)
      throw new RangeError(`budget ${budget} must be a non-negative integer`);
    this.require('run');
    if (this.stepper !== null) return this.stepper.run(budget);
    if (this.ended !== null && !this.invoking) return this.ended;
    this.current = 'running';
    if (budget === 0) return { kind: 'budget' };
    this.f64[CONTROL.budgetSlot] = budget;
    if (this.suspended) {
      this.ctl[CONTROL.value] = this.resumeValue;
      this.ctl[CONTROL.extra] = 1;
      this.suspended = false;
      return this.drive(COMMAND.resume);
    }
    if (this.invoking && this.invocation !== null) {
      this.ctl[CONTROL.extra] = this.invocation.index;
      this.invocation.args.forEach((a, i) => (this.ctl[CONTROL.args + 2 * i] = a | 0));
      this.invocation = null;
      return this.drive(COMMAND.invoke);
    }
    if (!this.begun) {
      this.begun = true;
      return this.drive(COMMAND.start);
    }
    throw new Error('run: the engine lost its place; reset() it');
  }

  /**
   * Single-stepping needs the interpreter: the compiled code stops only at fuel checks, and
   * its frames live in V8, so the program can be handed over only before it starts. A
   * step() then loads the image on a classic WasmEngine with the same host, which runs the
   * program (step, run, invoke, inspect) until reset() or load() brings the compiled tier back.
   */
  step(n: number): RunOutcome {
    this.require('step');
    if (this.stepper === null) {
      if (this.begun || this.invoking || this.current !== 'loaded')
        throw new NotSupportedError(
          'step on wasm-aot once the program has started (reset it, then step: the interpreter takes it over from the start)',
        );
      const stepper = new WasmEngine(this.limits, this.host, {
        mode: 'classic',
        maxCallDepth: this.maxCallDepth,
      });
      stepper.load(this.image!);
      this.stepper = stepper;
    }
    return this.stepper.step(n);
  }

  /** Instantiates the module again (fresh memory, globals, table), in the same worker. */
  reset(module: V8Module | null = null): void {
    this.require('reset');
    this.stepper = null;
    const pages = this.memoryPages;
    const memory: V8Memory | null =
      pages === null
        ? null
        : new V8.Memory({ initial: pages.min, maximum: pages.max, shared: true });
    this.guestMemory =
      memory === null ? null : new SharedGuestMemory(memory, this.limits.memoryBytes);
    this.console.reset();
    const link = this.ensureWorker();
    const map = this.pcMap!;
    // A fresh worker has no module yet: one that replaced a dead worker gets it again.
    const fresh = module ?? (this.linkHasModule ? undefined : this.module);
    link.post({ module: fresh ?? undefined, memory, guest: [map.firstGuest, map.end] });
    this.linkHasModule = true;
    this.current = 'loaded';
    this.instructions = 0;
    this.begun = false;
    this.suspended = false;
    this.ended = null;
    this.invoking = false;
    this.invocation = null;
    this.ctl[CONTROL.lowest] = this.program!.cLayout?.stackTop ?? 0;
    const stop = this.exchange(COMMAND.load);
    if (stop === STOP.ready) return;
    this.current = 'idle';
    throw new Error(`wasm-aot: V8 refused the instrumented module: ${link.trapMessage()}`);
  }

  /** As WasmEngine.invoke: table[address] with i32 arguments; run() until 'returned'. */
  invoke(address: number, args: readonly number[]): void {
    const program = this.require('invoke');
    if (this.stepper !== null) return this.stepper.invoke(address, args);
    if (this.current === 'faulted' || this.current === 'running') {
      throw new Error(
        `cannot invoke a handler while the engine is ${this.current}; ${this.current === 'faulted' ? 'reset() or load() first' : 'run() the current call to its end first'}`,
      );
    }
    const index = address >>> 0;
    const table = staticTable(program);
    const func = index < table.length ? table[index] : -1;
    if (func < program.importCount)
      throw new RangeError(
        `handler address ${index} is not a function of the module's table (${table.length} entries)`,
      );
    const types = program.localTypes[func].slice(0, program.paramSlots[func]);
    if (args.length > types.length || types.some((t) => t !== ValType.I32)) {
      throw new RangeError(
        `handler ${index} (function ${func}) takes ${types.length} parameters, not ${args.length} i32 arguments`,
      );
    }
    this.invocation = { index, args: [0, 1, 2, 3].map((i) => args[i] ?? 0) };
    this.suspended = false;
    this.stateBeforeInvoke = this.current;
    this.current = 'running';
    this.invoking = true;
  }

  /**
   * The compiled frames live in V8: no pc, locals or stacks (README.md, "Inspection"),
   * unless a step() handed the program to the interpreter, which has them all.
   */
  inspect(): Inspection {
    if (this.stepper !== null) return this.stepper.inspect();
    return { state: this.current, pc: 0, registers: {}, instructions: this.instructions };
  }

  readMemory(address: number, length: number): Uint8Array {
    this.require('readMemory');
    if (this.stepper !== null) return this.stepper.readMemory(address, length);
    if (!Number.isInteger(length) || length < 0 || length > MAX_READ_BYTES) {
      throw new RangeError(`length ${length} must be an integer in [0, ${MAX_READ_BYTES}]`);
    }
    const view = this.guestMemory;
    const cap = view === null ? 0 : view.refresh().cap;
    if (!Number.isInteger(address) || address < 0 || address + length > cap) {
      throw new RangeError(
        `[${hex(address)}, +${length}) is outside linear memory [0, ${hex(cap)})`,
      );
    }
    return view!.u8.slice(address, address + length);
  }

  memory(): MemoryReport {
    const program = this.program;
    if (program === null) return { guestBytes: 0, peakGuestBytes: 0, engineBytes: 0 };
    if (this.stepper !== null) return this.stepper.memory();
    const view = this.guestMemory?.refresh() ?? SharedGuestMemory.empty();
    return {
      guestBytes: view.cap,
      peakGuestBytes: peakGuestBytes(program, view, this.ctl[CONTROL.lowest]),
      engineBytes: this.codeBytes * 4,
    };
  }

  /** Hands the worker back to the pool (worker-link.ts); the engine is unusable afterwards. */
  dispose(): void {
    if (this.link !== null) WorkerLink.release(this.link);
    this.link = null;
    this.stepper = null;
    this.program = null;
    this.current = 'idle';
  }

  private drive(command: number): RunOutcome {
    let stop = this.exchange(command);
    for (;;) {
      this.instructions += this.f64[CONTROL.spentSlot];
      switch (stop) {
        case STOP.budget:
          this.suspended = true;
          return { kind: 'budget' };
        case STOP.syscall: {
          const answer = this.service();
          if (answer.kind === 'continue') {
            this.ctl[CONTROL.value] = answer.value;
            this.ctl[CONTROL.extra] = 0;
            stop = this.exchange(COMMAND.resume);
            continue;
          }
          if (answer.outcome.kind === 'yielded') {
            this.suspended = true;
            this.resumeValue = answer.value;
          }
          if (answer.outcome.kind === 'fault')
            return this.settle({
              kind: 'fault',
              fault: { ...answer.outcome.fault, pc: this.syscallPc() },
            });
          return this.settle(answer.outcome);
        }
        case STOP.returned: {
          const value = this.ctl[CONTROL.value];
          return this.settle(
            this.invoking ? { kind: 'returned', value } : { kind: 'exited', code: value },
          );
        }
        default:
          return this.settle({ kind: 'fault', fault: this.trapFault() });
      }
    }
  }

  private service() {
    const ctl = this.ctl;
    const count = Math.min(ctl[CONTROL.extra], 4);
    const lo: number[] = [];
    const hi: number[] = [];
    for (let i = 0; i < count; i++) {
      lo.push(ctl[CONTROL.args + 2 * i]);
      hi.push(ctl[CONTROL.args + 2 * i + 1]);
    }
    const memory = this.guestMemory?.refresh() ?? SharedGuestMemory.empty();
    return serviceCall(
      { index: ctl[CONTROL.value], lo, hi },
      this.program!,
      memory,
      this.host,
      this.console,
    );
  }

  /** The pc of the import call the guest is stopped in: the interpreter's pc of a syscall fault. */
  private syscallPc(): number {
    if (this.exchange(COMMAND.where) !== STOP.ready) return 0;
    const func = this.ctl[CONTROL.args];
    return func < 0 ? 0 : this.pcMap!.sourceOffset(func, this.ctl[CONTROL.args + 1]);
  }

  /** The trap the worker reported, its pc mapped back to the guest's instruction. */
  private trapFault(): Fault {
    const ctl = this.ctl;
    const func = ctl[CONTROL.args];
    const fault: Fault = {
      code: TRAP_CODES[ctl[CONTROL.value]] ?? 'bad_syscall',
      pc: func < 0 ? 0 : this.pcMap!.sourceOffset(func, ctl[CONTROL.args + 1]),
      message: this.link?.trapMessage() ?? 'the guest worker has ended',
    };
    if (ctl[CONTROL.args + 2] === 1) fault.address = ctl[CONTROL.args + 3] >>> 0;
    return fault;
  }

  private exchange(command: number): number {
    return this.ensureWorker().exchange(command);
  }

  /** The engine's worker, started once (a warm one from WorkerLink's reserve). */
  private ensureWorker(): WorkerLink {
    if (this.link !== null && this.link.alive) return this.link;
    const link = WorkerLink.take();
    this.link = link;
    this.linkHasModule = false;
    this.ctl = link.ctl;
    this.f64 = link.f64;
    return link;
  }

  private settle(outcome: RunOutcome): RunOutcome {
    switch (outcome.kind) {
      case 'exited':
      case 'fault':
        this.current = outcome.kind === 'exited' ? 'exited' : 'faulted';
        this.ended = outcome;
        this.invoking = false;
        this.suspended = false;
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

  private require(operation: string): Program {
    if (this.program === null)
      throw new Error(`${operation}: no program loaded; load() an image first`);
    return this.program;
  }
}
