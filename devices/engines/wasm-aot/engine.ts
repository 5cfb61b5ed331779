import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { parseWasmModule, ValType } from '../../../src/protocol/images/wasm';
import {
  NotSupportedError,
  type Engine,
  type EngineLimits,
  type EngineState,
  type GuestHost,
  type Inspection,
  type LoadReport,
  type MemoryReport,
  type RunOutcome,
} from '../engine';
import { MAX_MEMORY_BYTES, MAX_READ_BYTES } from '../wasm';
import { DEFAULT_STACK_LIMITS } from '../wasm/machine';
import { buildProgram, type Program } from '../wasm/program';
import { hex } from '../wasm/trap';
import { WasiConsole } from '../wasm/wasi';
import { instrument } from './instrument';
import { COMMAND, CONTROL, STOP, TRAP_CODES } from './protocol';
import { serviceCall } from './service';
import { SharedGuestMemory, V8, type V8Memory, type V8Module } from './shared-memory';
import { WORKER_SOURCE } from './worker';

/** What the main thread waits for the worker at most: far beyond any slice between two fuel checks. */
const WORKER_TIMEOUT_MS = 60_000;

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
  private worker: Worker | null = null;
  private port: MessagePort | null = null;
  private readonly control = new SharedArrayBuffer(CONTROL.bytes);
  private readonly ctl = new Int32Array(this.control);
  private readonly f64 = new Float64Array(this.control);
  private readonly console = new WasiConsole();
  private instructions = 0;
  private begun = false;
  private suspended = false;
  private resumeValue = 0;
  private invocation: { index: number; args: number[] } | null = null;
  private ended: RunOutcome | null = null;
  private invoking = false;
  private stateBeforeInvoke: EngineState = 'loaded';

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
    return this.current;
  }

  /** The interpreter's checks (WasmImageError, WasmLoadError), then instrument and compile. */
  load(image: Uint8Array): LoadReport {
    const started = performance.now();
    const validated = parseWasmModule(image.slice());
    const program = buildProgram(validated, this.limits.memoryBytes);
    const instrumented = instrument(program, validated, { maxCallDepth: this.maxCallDepth });
    const module = new V8.Module(instrumented.bytes);
    this.program = program;
    this.module = module;
    this.memoryPages = instrumented.memory;
    this.codeBytes = instrumented.bytes.length;
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

  /** Single-stepping needs the interpreter: the compiled code stops only at fuel checks. */
  step(): RunOutcome {
    throw new NotSupportedError('step on wasm-aot (use the wasm engine to single-step)');
  }

  /** Instantiates the module again (fresh memory, globals, table), in the same worker. */
  reset(module: V8Module | null = null): void {
    this.require('reset');
    const pages = this.memoryPages;
    const memory: V8Memory | null =
      pages === null
        ? null
        : new V8.Memory({ initial: pages.min, maximum: pages.max, shared: true });
    this.guestMemory =
      memory === null ? null : new SharedGuestMemory(memory, this.limits.memoryBytes);
    this.console.reset();
    const [port] = this.ensureWorker();
    port.postMessage({ module: module ?? undefined, memory });
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
    throw new Error(`wasm-aot: V8 refused the instrumented module: ${this.trapMessage()}`);
  }

  /** As WasmEngine.invoke: table[address] with i32 arguments; run() until 'returned'. */
  invoke(address: number, args: readonly number[]): void {
    const program = this.require('invoke');
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

  /** No registers or locals: the compiled frames live in V8 (README, "Tiers"). */
  inspect(): Inspection {
    return { state: this.current, pc: 0, registers: {}, instructions: this.instructions };
  }

  readMemory(address: number, length: number): Uint8Array {
    this.require('readMemory');
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
    const cap = this.guestMemory?.refresh().cap ?? 0;
    return {
      guestBytes: cap,
      peakGuestBytes: Math.min(staticBytes(program, this.ctl[CONTROL.lowest]), cap),
      engineBytes: this.codeBytes * 4,
    };
  }

  /** Ends the worker; the engine is unusable afterwards. */
  dispose(): void {
    const worker = this.worker;
    this.worker = null;
    this.port?.close();
    this.port = null;
    if (worker !== null) void worker.terminate();
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
          return this.settle(answer.outcome);
        }
        case STOP.returned: {
          const value = this.ctl[CONTROL.value];
          return this.settle(
            this.invoking ? { kind: 'returned', value } : { kind: 'exited', code: value },
          );
        }
        default:
          return this.settle({
            kind: 'fault',
            fault: {
              code: TRAP_CODES[this.ctl[CONTROL.value]] ?? 'bad_syscall',
              pc: 0,
              message: this.trapMessage(),
            },
          });
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

  /** Hands the worker a command and waits for its stop; a worker that never answers is ended. */
  private exchange(command: number): number {
    const ctl = this.ctl;
    const [, worker] = this.ensureWorker();
    ctl[CONTROL.command] = command;
    Atomics.store(ctl, CONTROL.toMain, 0);
    Atomics.store(ctl, CONTROL.toWorker, 1);
    Atomics.notify(ctl, CONTROL.toWorker);
    const deadline = Date.now() + WORKER_TIMEOUT_MS;
    while (Atomics.load(ctl, CONTROL.toMain) === 0) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(ctl, CONTROL.toMain, 0, left) === 'timed-out') {
        if (Atomics.load(ctl, CONTROL.toMain) !== 0) break;
        void worker.terminate();
        this.worker = null;
        this.f64[CONTROL.spentSlot] = 0;
        ctl[CONTROL.value] = TRAP_CODES.indexOf('stack_exhausted');
        this.writeMessage(`the compiled guest did not answer within ${WORKER_TIMEOUT_MS} ms`);
        return STOP.trap;
      }
    }
    return ctl[CONTROL.stop];
  }

  private ensureWorker(): [MessagePort, Worker] {
    if (this.worker !== null && this.port !== null) return [this.port, this.worker];
    const channel = new MessageChannel();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { control: this.control, port: channel.port2 },
      transferList: [channel.port2],
      resourceLimits: { stackSizeMb: 8 },
    });
    worker.unref();
    channel.port1.unref();
    this.worker = worker;
    this.port = channel.port1;
    return [channel.port1, worker];
  }

  private trapMessage(): string {
    const bytes = new Uint8Array(this.control, CONTROL.messageByte, CONTROL.messageBytes).slice();
    const nul = bytes.indexOf(0);
    return new TextDecoder().decode(bytes.subarray(0, nul < 0 ? bytes.length : nul));
  }

  private writeMessage(text: string): void {
    const area = new Uint8Array(this.control, CONTROL.messageByte, CONTROL.messageBytes);
    area.fill(0);
    area.set(new TextEncoder().encode(text).subarray(0, CONTROL.messageBytes - 1));
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

/** The table as the element segments leave it (MVP tables never change after instantiation). */
function staticTable(program: Program): Int32Array {
  const { module } = program.validated;
  const table = new Int32Array(module.table?.min ?? 0).fill(-1);
  for (const e of module.elements) e.functions.forEach((f, i) => (table[e.offset + i] = f));
  return table;
}

/** Static data and the deepest C stack: what the interpreter reports, less the heap's touched blocks. */
function staticBytes(program: Program, lowest: number): number {
  const { layout } = program.validated;
  const c = program.cLayout;
  if (c === null) return layout.dataEnd - layout.dataStart;
  return c.dataEnd - c.staticStart + c.stackTop - Math.max(lowest, c.stackFloor);
}
