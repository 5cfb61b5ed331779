import { PAGE_BYTES, parseWasmModule, ValType } from '../../../src/protocol/images/wasm';
import { BytecodeEngine, hex } from '../core';
import {
  NotSupportedError,
  type EngineLimits,
  type Fault,
  type GuestHost,
  type Inspection,
  type LoadReport,
  type MemoryReport,
  type RunOutcome,
} from '../engine';
import { MAX_MEMORY_BYTES, WasmEngine } from '../wasm';
import { DEFAULT_STACK_LIMITS } from '../wasm/machine';
import { buildProgram, type Program } from '../wasm/program';
import { WasiConsole } from '../wasm/wasi';
import { peakGuestBytes, staticTable } from './memory-report';
import { InlineRun, type InlineEnd, type Pending, type Replayed } from './inline';
import { compile, type CompiledModule } from './module-cache';
import type { PcMap } from './pc-map';
import { COMMAND, CONTROL, STOP, TRAP_CODES } from './protocol';
import { serviceCall } from './service';
import { SharedGuestMemory, V8, type V8Memory, type V8Module } from './shared-memory';
import { WorkerLink } from './worker-link';

/** What load() built: the validated program and V8's compilation of its rewrite. */
interface LoadedImage {
  program: Program;
  module: V8Module;
  compiled: CompiledModule;
  memoryPages: { min: number; max: number } | null;
  pcMap: PcMap;
  image: Uint8Array;
  codeBytes: number;
}

/** A stop the worker reported (protocol.ts STOP), or INLINE_END. */
type Stop = number;
/** execute() ran the program to its end on the main thread (inline.ts). */
const INLINE_END = -1;

/** What the next execute() sends the worker; null once the guest has nowhere to go on. */
type Next =
  | { command: typeof COMMAND.start }
  | { command: typeof COMMAND.invoke; index: number; args: number[] }
  /** After a budget stop or a yield: a new budget, and the yield's value for the import. */
  | { command: typeof COMMAND.resume; budget: true; value: number }
  /** After a syscall that answered a value: the same run's fuel goes on. */
  | { command: typeof COMMAND.resume; budget: false; value: number };

/**
 * The wasm AOT tier (VM kind `wasm-aot`, devices/engines/wasm/README.md "Tiers"): the
 * module the interpreter validates, instrumented (instrument.ts) and compiled by V8, run in
 * a worker thread that stops on fuel-out and on every import (worker.ts), so run(budget)
 * can pause and continue like the interpreter. Imports are serviced here with the device's
 * host over the shared linear memory. Traps end run() with a 'fault' outcome. The run
 * lifecycle is BytecodeEngine's (core/lifecycle.ts); one execute() is one exchange with
 * the worker.
 */
export class WasmAotEngine extends BytecodeEngine<LoadedImage, Stop> {
  readonly kind = 'wasm-aot' as const;
  private guestMemory: SharedGuestMemory | null = null;
  /** The interpreter a step() before the first run hands the program to, until reset(). */
  private stepper: WasmEngine | null = null;
  private link: WorkerLink | null = null;
  private ctl: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private f64: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private readonly console = new WasiConsole();
  private next: Next | null = null;
  /** Whether the worker has run guest code since the last instantiation (step() needs it not to). */
  private touched = false;
  /** The module the worker holds, so a new one is sent only once. */
  private workerModule: V8Module | null = null;
  /** The guest's instance while it lives on the main thread (inline.ts); null once in the worker. */
  private inline: InlineRun | null = null;
  /** How the last inline run ended, for executed() and service(). */
  private inlineEnd: Extract<InlineEnd, { kind: 'done' }> | null = null;
  /** The host's answer to the import a moved run stops in, already served on the main thread. */
  private pending: Pending | null = null;

  constructor(
    private readonly limits: EngineLimits,
    private readonly host: GuestHost,
    private readonly maxCallDepth = DEFAULT_STACK_LIMITS.maxCallDepth,
  ) {
    super();
    const bytes = limits.memoryBytes;
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > MAX_MEMORY_BYTES) {
      throw new RangeError(`memoryBytes ${bytes} must be an integer in [0, ${MAX_MEMORY_BYTES}]`);
    }
  }

  override get state() {
    return this.stepper?.state ?? super.state;
  }

  /** The interpreter's checks (WasmImageError, WasmLoadError), then instrument and compile. */
  load(image: Uint8Array): LoadReport {
    const started = performance.now();
    const validated = parseWasmModule(image.slice());
    const program = buildProgram(validated, this.limits.memoryBytes);
    const compiled = compile(image, program, validated, this.maxCallDepth);
    const loaded: LoadedImage = {
      program,
      module: compiled.module,
      compiled,
      memoryPages: compiled.instrumented.memory,
      pcMap: compiled.instrumented.pcMap,
      image: image.slice(),
      codeBytes: compiled.instrumented.byteLength + compiled.instrumented.pcMap.bytes,
    };
    this.rewind(loaded);
    this.install(loaded);
    return {
      loadTimeMs: performance.now() - started,
      imageBytes: image.length,
      guestMemoryBytes: program.memoryCap,
    };
  }

  override run(budget: number): RunOutcome {
    if (this.stepper !== null) return this.stepper.run(budget);
    return super.run(budget);
  }

  /**
   * Single-stepping needs the interpreter: the compiled code stops only at fuel checks, and
   * its frames live in V8, so the program can be handed over only before it starts. A
   * step() then loads the image on a classic WasmEngine with the same host, which runs the
   * program (step, run, invoke, inspect) until reset() or load() brings the compiled tier back.
   */
  override step(n: number): RunOutcome {
    const loaded = this.loaded;
    if (loaded === null) throw new Error('step: no program loaded; load() an image first');
    if (this.stepper === null) {
      if (this.touched || this.state !== 'loaded')
        throw new NotSupportedError(
          'step on wasm-aot once the program has started (reset it, then step: the interpreter takes it over from the start)',
        );
      const stepper = new WasmEngine(this.limits, this.host, {
        mode: 'classic',
        maxCallDepth: this.maxCallDepth,
      });
      stepper.load(loaded.image);
      this.stepper = stepper;
    }
    return this.stepper.step(n);
  }

  /** Instantiates the module again (fresh memory, globals, table), in the same worker. */
  override reset(): void {
    this.stepper = null;
    super.reset();
  }

  /** As WasmEngine.invoke: table[address] with i32 arguments; run() until 'returned'. */
  override invoke(address: number, args: readonly number[]): void {
    if (this.stepper !== null) return this.stepper.invoke(address, args);
    super.invoke(address, args);
  }

  /**
   * The compiled frames live in V8: no pc, locals or stacks (README.md, "Step and inspect"),
   * unless a step() handed the program to the interpreter, which has them all.
   */
  inspect(): Inspection {
    if (this.stepper !== null) return this.stepper.inspect();
    return { state: this.state, pc: 0, registers: {}, instructions: this.instructions };
  }

  override readMemory(address: number, length: number): Uint8Array {
    if (this.stepper !== null) return this.stepper.readMemory(address, length);
    return super.readMemory(address, length);
  }

  override memory(): MemoryReport {
    if (this.stepper !== null) return this.stepper.memory();
    return super.memory();
  }

  /** Hands the worker back to the pool (worker-link.ts); the engine is unusable afterwards. */
  dispose(): void {
    if (this.link !== null) WorkerLink.release(this.link);
    this.link = null;
    this.stepper = null;
    this.next = null;
    this.inline = null;
    this.guestMemory = null;
    this.uninstall();
  }

  protected override begin(): RunOutcome | null {
    this.next = { command: COMMAND.start };
    return null;
  }

  /**
   * One exchange with the worker: start, invoke or resume the guest with `budget`. A first
   * run starts on the main thread instead (inline.ts), unless a first run of the same
   * module with at least this budget had to move to the worker before.
   */
  protected execute(loaded: LoadedImage, budget: number): Stop {
    const next = this.next;
    if (next === null) throw new Error('run: the engine lost its place; reset() it');
    if (next.command !== COMMAND.resume || next.budget) {
      // A new run's budget: nothing is sent for 0, the guest stays where it is.
      if (budget === 0) {
        this.f64[CONTROL.spentSlot] = 0;
        return STOP.budget;
      }
    }
    this.next = null;
    this.touched = true;
    if (this.inline !== null) {
      if (next.command === COMMAND.start && budget > loaded.compiled.movedAtBudget)
        return this.runInline(loaded, budget);
      this.moveToWorker(loaded, null);
    }
    if (next.command !== COMMAND.resume || next.budget) this.f64[CONTROL.budgetSlot] = budget;
    const ctl = this.ctl;
    switch (next.command) {
      case COMMAND.start:
        return this.exchange(COMMAND.start);
      case COMMAND.invoke:
        ctl[CONTROL.extra] = next.index;
        next.args.forEach((a, i) => (ctl[CONTROL.args + 2 * i] = a | 0));
        return this.exchange(COMMAND.invoke);
      case COMMAND.resume:
        ctl[CONTROL.value] = next.value;
        ctl[CONTROL.extra] = next.budget ? 1 : 0;
        return this.exchange(COMMAND.resume);
    }
  }

  protected executed(): number {
    return this.inlineEnd?.spent ?? this.f64[CONTROL.spentSlot] ?? 0;
  }

  protected service(loaded: LoadedImage, stop: Stop): RunOutcome | null {
    switch (stop) {
      case INLINE_END: {
        const { outcome } = this.inlineEnd!;
        this.inlineEnd = null;
        return outcome;
      }
      case STOP.budget:
        // A new run() continues where fuel ran out (a run(0) left `next` as it was).
        this.next ??= { command: COMMAND.resume, budget: true, value: 0 };
        return { kind: 'budget' };
      case STOP.syscall:
        return this.syscall(loaded);
      case STOP.returned: {
        const value = this.ctl[CONTROL.value];
        return this.invoking ? { kind: 'returned', value } : { kind: 'exited', code: value };
      }
      default:
        return { kind: 'fault', fault: this.trapFault(loaded.pcMap) };
    }
  }

  /**
   * reset(), load(): a fresh instance of the module, on the main thread until it must move;
   * in the worker at once when a first run of this module had to move before.
   */
  protected rewind(loaded: LoadedImage): void {
    this.console.reset();
    this.inline = new InlineRun(
      loaded.module,
      loaded.memoryPages,
      this.limits.memoryBytes,
      loaded.program,
      this.host,
      this.console,
    );
    this.guestMemory = this.inline.view;
    this.next = null;
    this.touched = false;
    this.pending = null;
    this.inlineEnd = null;
    // A module whose first run had to move before: into the worker now, as load time.
    if (loaded.compiled.movedAtBudget > 0) this.moveToWorker(loaded, null);
  }

  /** Handler checks as WasmEngine's: a function of the table taking only i32 parameters. */
  protected enter({ program }: LoadedImage, address: number, args: readonly number[]): void {
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
    this.next = { command: COMMAND.invoke, index, args: [0, 1, 2, 3].map((i) => args[i] ?? 0) };
  }

  protected copyOut(_loaded: LoadedImage, address: number, length: number): Uint8Array {
    const view = this.guestMemory;
    const cap = view === null ? 0 : view.refresh().cap;
    if (!Number.isInteger(address) || address < 0 || address + length > cap) {
      throw new RangeError(
        `[${hex(address)}, +${length}) is outside linear memory [0, ${hex(cap)})`,
      );
    }
    return view!.u8.slice(address, address + length);
  }

  protected report({ program, codeBytes }: LoadedImage): MemoryReport {
    const view = this.guestMemory?.refresh() ?? SharedGuestMemory.empty();
    return {
      guestBytes: view.cap,
      peakGuestBytes: peakGuestBytes(program, view, this.lowest(program)),
      engineBytes: codeBytes * 4,
    };
  }

  /** A first run on the main thread; one that must stop mid-run moves to the worker. */
  private runInline(loaded: LoadedImage, budget: number): Stop {
    const end = this.inline!.start(budget);
    if (end.kind === 'done') {
      this.inlineEnd = end;
      return INLINE_END;
    }
    const compiled = loaded.compiled;
    if (end.why === 'budget') compiled.movedAtBudget = Math.max(compiled.movedAtBudget, budget);
    else if (end.why !== 'fault') compiled.movedAtBudget = Infinity;
    this.moveToWorker(loaded, end.log);
    this.pending = end.answer;
    this.f64[CONTROL.budgetSlot] = budget;
    return this.exchange(COMMAND.start);
  }

  /**
   * The guest's instance into the worker: instantiated there with new shared memory, then
   * either given the main thread's memory and globals (the program is between runs, so
   * that is all its state), or, with `replay`, run again from the start by the next
   * command with those import answers (the run it replaces stopped mid-run).
   */
  private moveToWorker(loaded: LoadedImage, replay: Replayed[] | null): void {
    const from = this.inline!;
    this.inline = null;
    const pages = loaded.memoryPages;
    const now = from.memory === null ? 0 : from.memory.buffer.byteLength / PAGE_BYTES;
    const memory: V8Memory | null =
      pages === null
        ? null
        : new V8.Memory({
            initial: replay === null ? now : pages.min,
            maximum: pages.max,
            shared: true,
          });
    const link = this.ensureWorker();
    link.post({
      module: this.workerModule === loaded.module ? undefined : loaded.module,
      memory,
      guest: [loaded.pcMap.firstGuest, loaded.pcMap.end],
      replay: replay ?? [],
      globals: replay === null ? from.globals() : [],
    });
    this.workerModule = loaded.module;
    const stop = this.exchange(COMMAND.load);
    if (stop !== STOP.ready) {
      // The worker holds no usable instance now; the next one starts afresh.
      const message = link.trapMessage();
      link.end();
      throw new Error(`wasm-aot: V8 refused the instrumented module: ${message}`);
    }
    if (replay === null && memory !== null && from.memory !== null)
      new Uint8Array(memory.buffer).set(new Uint8Array(from.memory.buffer));
    this.guestMemory =
      memory === null ? null : new SharedGuestMemory(memory, this.limits.memoryBytes);
  }

  /** The lowest C stack pointer so far, wherever the guest runs. */
  private lowest(program: Program): number {
    if (this.inline !== null) return this.inline.lowest;
    return this.ctl[CONTROL.lowest] ?? program.cLayout?.stackTop ?? 0;
  }

  private pcOf(pcMap: PcMap, [func, offset]: [number, number]): number {
    return func < 0 ? 0 : pcMap.sourceOffset(func, offset);
  }

  /** An import the guest stopped in, answered by the host: go on, or the run's outcome. */
  private syscall(loaded: LoadedImage): RunOutcome | null {
    const ctl = this.ctl;
    const count = Math.min(ctl[CONTROL.extra], 4);
    const lo: number[] = [];
    const hi: number[] = [];
    for (let i = 0; i < count; i++) {
      lo.push(ctl[CONTROL.args + 2 * i]);
      hi.push(ctl[CONTROL.args + 2 * i + 1]);
    }
    const memory = this.guestMemory?.refresh() ?? SharedGuestMemory.empty();
    const call = { index: ctl[CONTROL.value], lo, hi };
    const answer =
      this.pending?.answer ?? serviceCall(call, loaded.program, memory, this.host, this.console);
    // The import a moved run stops in: the host served it already, and wrote this.
    this.pending?.writes.forEach(([at, bytes]) => memory.u8.set(bytes, at));
    this.pending = null;
    if (answer.kind === 'continue') {
      this.next = { command: COMMAND.resume, budget: false, value: answer.value };
      return null;
    }
    const outcome = answer.outcome;
    if (outcome.kind === 'yielded')
      this.next = { command: COMMAND.resume, budget: true, value: answer.value };
    if (outcome.kind === 'fault')
      return { kind: 'fault', fault: { ...outcome.fault, pc: this.syscallPc(loaded.pcMap) } };
    return outcome;
  }

  /** The pc of the import call the guest is stopped in: the interpreter's pc of a syscall fault. */
  private syscallPc(pcMap: PcMap): number {
    if (this.exchange(COMMAND.where) !== STOP.ready) return 0;
    return this.pcOf(pcMap, [this.ctl[CONTROL.args], this.ctl[CONTROL.args + 1]]);
  }

  /** The trap the worker reported, its pc mapped back to the guest's instruction. */
  private trapFault(pcMap: PcMap): Fault {
    const ctl = this.ctl;
    const func = ctl[CONTROL.args];
    const fault: Fault = {
      code: TRAP_CODES[ctl[CONTROL.value]] ?? 'bad_syscall',
      pc: func < 0 ? 0 : pcMap.sourceOffset(func, ctl[CONTROL.args + 1]),
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
    this.workerModule = null;
    this.ctl = link.ctl;
    this.f64 = link.f64;
    return link;
  }
}
