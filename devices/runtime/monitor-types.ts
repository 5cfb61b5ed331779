import type { Command, EventMessage, TelemetryMessage, VmKind, VmState } from '../../src/protocol';
import type { BoardProfile } from '../boards';
import type { Engine, EngineLimits, GuestHost, Inspection, RunOutcome } from '../engines/engine';
import type { RunEnd, RunnerPhase } from './vm-runner';

export type AppRef = NonNullable<TelemetryMessage['app']>;
export type WireFault = NonNullable<Extract<EventMessage, { kind: 'vm' }>['fault']>;
export type CommandArgs<Op extends Command['op']> =
  Extract<Command, { op: Op }> extends {
    args: infer A;
  }
    ? A
    : never;

export type EngineCreator = (kind: VmKind, limits: EngineLimits, host: GuestHost) => Engine;

export interface ThingMonitorOptions {
  board: BoardProfile;
  /** The VM kind the device announced in its hello; `load` refuses any other kind. */
  vm: VmKind;
  /** Seeds the simulated sensors. Default 1. */
  seed?: number;
  /** Guest publishes and emits, and VM lifecycle changes, for the `event` uplink. */
  onEvent?: (event: EventMessage) => void;
  /** What the guest prints, as it prints it (fragments, not lines). */
  onPrint?: (text: string) => void;
  /** Device clock in ms; default: performance.now() since the monitor was created. */
  clock?: () => number;
  /** Instructions `main` may run before it faults with budget_exhausted. */
  mainBudget?: number;
  /** Instructions one event handler may run. */
  handlerBudget?: number;
  /** Instructions per turn of the event loop. */
  sliceInstructions?: number;
  /** Default: the runtime's createEngine (devices/engines). */
  createEngine?: EngineCreator;
  /** Instructions a `bench` run may take before it is stopped (end `budget`); default 1e9. */
  benchBudget?: number;
  /** Reported with every `bench` result. Default `<vm> vmfleet-sim`. */
  engineVersion?: string;
  /** Host builds of the benchmarks for `bench {native}`; default firmware/build/native. */
  nativeBenchDir?: string;
}

/** Result of `status`; `console` is the last 4 KiB the guest printed (an extra field). */
export interface MonitorStatus {
  state: VmState;
  vm: VmKind;
  app: AppRef | null;
  phase: RunnerPhase | null;
  pc: number;
  instructions: number;
  pendingEvents: number;
  guestMemoryBytes: number;
  peakGuestBytes: number;
  lastEnd: RunEnd | null;
  console: string;
}

export interface LoadResult {
  loadTimeMs: number;
  imageBytes: number;
  guestMemoryBytes: number;
  state: 'loaded';
}

export interface StateResult {
  state: VmState;
}

export interface StepResult {
  pc: number;
  instructions: number;
  executed: number;
  outcome: RunOutcome['kind'];
  fault?: WireFault;
}

export interface RegistersResult extends Pick<
  Inspection,
  'line' | 'variables' | 'functionIndex' | 'locals' | 'valueStack' | 'callStack'
> {
  pc: number;
  instructions: number;
  registers: Record<string, number>;
}

export interface MemoryResult {
  address: number;
  length: number;
  hex: string;
}

export interface InjectResult {
  queued: boolean;
}

/** What telemetry reports about the VM. */
export interface VmTelemetry {
  state: VmState;
  instructions: number;
  app: AppRef | null;
  /** Guest memory the engine holds (0 when idle). */
  guestBytes: number;
}
