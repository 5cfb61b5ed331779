import {
  type BenchResult,
  Command,
  EventMessage,
  eventSchema,
  ReplyMessage,
  VmKind,
} from '../../src/protocol';
import { benchApp, benchNative, defaultNativeDir } from './bench-runner';
import { NotSupportedError, type Engine, type LoadReport } from '../engines/engine';
import { SimulatedHal } from '../hal/hal';
import { EventHandler } from './event-handler';
import { GuestConsole } from './guest-console';
import { EngineSupply } from './engine-supply';
import { DeviceGuestHost, GuestOutputs } from './guest-host';
import { guestMemoryBytes } from './local-run';
import { badState, errorMessage, MonitorError, noApp, toReplyError } from './monitor-errors';
import type {
  AppRef,
  CommandArgs,
  InjectResult,
  LoadResult,
  MemoryResult,
  MonitorStatus,
  RegistersResult,
  StateResult,
  ThingMonitorOptions,
  VmTelemetry,
} from './monitor-types';
import { ProgramControl } from './program-control';

export * from './monitor-types';

export type VmLifecycleEvent = Extract<EventMessage, { kind: 'vm' }>;

/** Raw event id of a button press (guest ABI). */
export const RAW_EVENT_BUTTON = 1;

/**
 * The device side of the Thing Monitor (docs/protocol.md §9): one per device, it answers
 * every `cmd` with exactly one reply, and reports what the guest publishes and emits and
 * how its runs end as events. The run state machine lives in ProgramControl.
 */
export class ThingMonitor {
  readonly hal: SimulatedHal;
  private readonly events = new EventHandler();
  private readonly host: DeviceGuestHost;
  private readonly control: ProgramControl;
  private readonly clock: () => number;
  private readonly output = new GuestConsole();
  private readonly engines: EngineSupply;
  private engine: Engine | null = null;
  private app: AppRef | null = null;
  /** The loaded image, kept for `bench` (a real board reads it from its app slot). */
  private image: Uint8Array | null = null;
  private readonly lifecycle = new Set<(event: VmLifecycleEvent) => void>();
  /** Device time the program was loaded or reset at: vm_time_ms counts from here. */
  private epoch = 0;

  constructor(private readonly options: ThingMonitorOptions) {
    this.clock = options.clock ?? sinceNow();
    this.hal = new SimulatedHal(options.board, options.seed ?? 1);
    const programNow = () => this.programNow();
    this.host = new DeviceGuestHost(this.hal, this.events, this.guestOutputs(), programNow);
    const limits = { memoryBytes: guestMemoryBytes(options.board) };
    const { vm, createEngine, board } = options;
    this.engines = new EngineSupply(vm, limits, this.host, createEngine, board.name);
    this.control = new ProgramControl({
      events: this.events,
      hal: this.hal,
      clock: programNow,
      emit: (event) => this.emitEvent(event),
      mainBudget: options.mainBudget,
      handlerBudget: options.handlerBudget,
      sliceInstructions: options.sliceInstructions,
    });
  }

  /** Answers one command. Never throws: a failure is an `ok: false` reply with a code. */
  async handle(cmd: Command): Promise<ReplyMessage> {
    const id = typeof cmd?.id === 'string' ? cmd.id : '?';
    try {
      // A script VM's runtime loads asynchronously once per process (VirtualDevice.start
      // does it up front); checked first so commands stay in order when it is ready.
      if (cmd.op === 'load' && !this.engines.ready) await this.engines.prepare();
      if (cmd.op === 'bench') return { id, ok: true, result: await this.bench(cmd.args) };
      return { id, ok: true, result: this.execute(cmd) };
    } catch (error) {
      return { id, ok: false, error: toReplyError(error) };
    }
  }

  status(): MonitorStatus {
    const inspection = this.engine?.inspect();
    const memory = this.engine?.memory();
    return {
      state: this.control.state,
      vm: this.options.vm,
      app: this.app,
      phase: this.control.phase,
      pc: inspection?.pc ?? 0,
      instructions: inspection?.instructions ?? 0,
      pendingEvents: this.events.pending,
      guestMemoryBytes: memory?.guestBytes ?? 0,
      peakGuestBytes: memory?.peakGuestBytes ?? 0,
      lastEnd: this.control.lastEnd,
      console: this.output.text,
    };
  }

  telemetryState(): VmTelemetry {
    return {
      state: this.control.state,
      instructions: this.engine?.inspect().instructions ?? 0,
      app: this.app,
      guestBytes: this.engine?.memory().guestBytes ?? 0,
    };
  }

  /**
   * Loads the VM's runtime ahead of the first app (script VMs load theirs asynchronously),
   * so an OTA install, which is synchronous, never waits for it.
   */
  prepare(): Promise<void> {
    return this.engines.prepare();
  }

  /** Stops a running or paused program (the device is shutting down). */
  shutdown(): void {
    this.control.shutdown();
    this.engines.close();
  }

  private execute(cmd: Command): unknown {
    switch (cmd.op) {
      case 'status':
        return this.status();
      case 'load':
        return this.load(cmd.args);
      case 'start':
        return this.control.start();
      case 'stop':
        return this.control.stop();
      case 'pause':
        return this.control.pause();
      case 'resume':
        return this.control.resume();
      case 'reset':
        return this.reset();
      case 'step':
        return this.control.step(cmd.args.n);
      case 'registers':
        return this.registers();
      case 'memory':
        return this.memory(cmd.args);
      case 'inject':
        return this.inject(cmd.args);
      case 'bench':
        throw new Error('bench is asynchronous'); // answered by handle()
    }
  }

  /**
   * One benchmark run: the installed app on a fresh engine (the device's own program is
   * left as it is), or with `native` the host build of that program.
   */
  private async bench({ native }: CommandArgs<'bench'>): Promise<BenchResult> {
    const { board, vm } = this.options;
    if (native !== undefined) {
      return benchNative(native, this.options.nativeBenchDir ?? defaultNativeDir(), board);
    }
    if (!this.image) throw noApp();
    if (!this.engines.ready) await this.engines.prepare();
    const program = this.app ? `${this.app.id}@${this.app.version}` : 'loaded image';
    const version = this.options.engineVersion ?? `${vm} vmfleet-sim`;
    return benchApp(vm, version, this.image, program, board, this.options.benchBudget);
  }

  /**
   * Installs an app at runtime (an OTA swap): the new image is loaded first, so a
   * rejected one leaves the running program untouched; then the old run is stopped and
   * the new program is attached, loaded but not started.
   */
  installApp(image: Uint8Array, app: AppRef): LoadResult {
    return this.load({ vm: this.options.vm, image, app }, { replaceRunning: true });
  }

  /** Starts the loaded program (after installApp). */
  startApp(): StateResult {
    return this.control.start();
  }

  /** Calls `listener` with every VM lifecycle event (running, stopped, faulted…). */
  onLifecycle(listener: (event: VmLifecycleEvent) => void): () => void {
    this.lifecycle.add(listener);
    return () => this.lifecycle.delete(listener);
  }

  private load(
    { vm, image, app }: { vm: VmKind; image: Uint8Array; app?: AppRef },
    { replaceRunning = false } = {},
  ): LoadResult {
    if (this.control.active && !replaceRunning) throw badState('load', this.control.state);
    if (vm !== this.options.vm) {
      throw new MonitorError('vm_mismatch', `this device runs ${this.options.vm} apps, not ${vm}`);
    }
    const engine = this.engines.take();
    let report: LoadReport;
    try {
      report = engine.load(image);
    } catch (error) {
      engine.dispose?.();
      throw new MonitorError('image_rejected', errorMessage(error));
    }
    // Only a good image replaces the app: a rejected one leaves the device as it was.
    if (this.control.active) this.control.stop();
    this.events.clear();
    this.control.attach(engine);
    this.engine?.dispose?.();
    this.engine = engine;
    this.image = image;
    this.app = app ?? null;
    this.output.clear();
    this.epoch = this.clock();
    const { loadTimeMs, imageBytes, guestMemoryBytes } = report;
    return { loadTimeMs, imageBytes, guestMemoryBytes, state: 'loaded' };
  }

  private reset(): StateResult {
    const result = this.control.reset();
    this.epoch = this.clock();
    return result;
  }

  /** Registers and pc, plus what the engine adds: a script's line and locals, wasm's frame. */
  private registers(): RegistersResult {
    const i = this.requireEngine().inspect();
    const named = Object.fromEntries(Object.entries(i.registers).filter(([n]) => n !== 'pc'));
    const extra = {
      line: i.line,
      variables: i.variables,
      functionIndex: i.functionIndex,
      locals: i.locals,
      valueStack: i.valueStack,
      callStack: i.callStack,
    };
    const present = Object.entries(extra).filter(([, v]) => v !== undefined);
    return {
      pc: i.pc,
      instructions: i.instructions,
      registers: named,
      ...Object.fromEntries(present),
    };
  }

  private memory({ address, length }: CommandArgs<'memory'>): MemoryResult {
    const engine = this.requireEngine();
    let bytes: Uint8Array;
    try {
      bytes = engine.readMemory(address, length);
    } catch (error) {
      if (error instanceof NotSupportedError) throw error;
      throw new MonitorError('bad_address', errorMessage(error));
    }
    return { address, length, hex: Buffer.from(bytes).toString('hex') };
  }

  /** Queues a raw event for its handler; a button press also moves the simulated button. */
  private inject({ event, value }: CommandArgs<'inject'>): InjectResult {
    this.requireEngine();
    if (event === RAW_EVENT_BUTTON) this.hal.pressButton(this.programNow());
    const queued = this.control.acceptsEvents && this.events.inject(event, value);
    if (queued) this.control.notify();
    return { queued };
  }

  private programNow(): number {
    return this.clock() - this.epoch;
  }

  private requireEngine(): Engine {
    if (!this.engine) throw noApp();
    return this.engine;
  }

  private guestOutputs(): GuestOutputs {
    return {
      print: (text) => {
        this.output.append(text);
        callSafely(() => this.options.onPrint?.(text));
      },
      publish: (name, value) => this.emitGuestEvent({ kind: 'publish', name, value }),
      emit: (event, value) => this.emitGuestEvent({ kind: 'emit', event, value }),
    };
  }

  /** A guest message the gateway would refuse (empty name, event id out of range) is dropped. */
  private emitGuestEvent(event: EventMessage): void {
    const parsed = eventSchema.safeParse(event);
    if (parsed.success) return this.emitEvent(parsed.data);
    const [issue] = parsed.error.issues;
    const where = issue.path.join('.');
    this.output.append(`[monitor] ${event.kind} dropped: ${where}: ${issue.message}\n`);
  }

  private emitEvent(event: EventMessage): void {
    callSafely(() => this.options.onEvent?.(event));
    if (event.kind !== 'vm') return;
    for (const listener of [...this.lifecycle]) callSafely(() => listener(event));
  }
}

/**
 * A listener's exception must not reach the guest: inside a syscall the host would turn it
 * into a guest fault, and inside handle() into a failed command that did succeed.
 */
function callSafely(listener: () => void): void {
  try {
    listener();
  } catch {
    // The listener's own problem; the device carries on.
  }
}

function sinceNow(): () => number {
  const createdAt = performance.now();
  return () => performance.now() - createdAt;
}
