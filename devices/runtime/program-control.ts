import type { EventMessage, VmState } from '../../src/protocol';
import type { Engine, Fault, RunOutcome } from '../engines/engine';
import type { SimulatedHal } from '../hal/hal';
import type { EventHandler } from './event-handler';
import { badState, MonitorError, noApp } from './monitor-errors';
import type { StateResult, StepResult, WireFault } from './monitor-types';
import { RunEnd, RunnerPhase, VmRunner } from './vm-runner';

/** The event schema caps fault messages at 512 characters. */
const MAX_FAULT_MESSAGE = 512;

export interface ProgramControlOptions {
  events: EventHandler;
  hal: SimulatedHal;
  /** The program's clock: ms since it was loaded or reset. */
  clock: () => number;
  /** VM lifecycle events: running, paused, stopped (with exitCode when it exited), faulted. */
  emit: (event: EventMessage) => void;
  mainBudget?: number;
  handlerBudget?: number;
  sliceInstructions?: number;
}

/**
 * The run state machine of the loaded program, and the VmRunner that drives its engine:
 * loaded → running (start) ⇄ paused (pause/resume) → stopped (stop, or it exited) |
 * faulted (a fault, an exhausted budget); reset → loaded. Refusals are bad_state errors.
 */
export class ProgramControl {
  private current: VmState = 'idle';
  private engine: Engine | null = null;
  private runner: VmRunner | null = null;
  private end: RunEnd | null = null;
  /** A handler is under way: the runner started one, or a step dispatched one. */
  private handlerActive = false;

  constructor(private readonly options: ProgramControlOptions) {}

  get state(): VmState {
    return this.current;
  }

  /** How the last run ended, until another program is loaded. */
  get lastEnd(): RunEnd | null {
    return this.end;
  }

  get phase(): RunnerPhase | null {
    const phase = this.runner?.currentPhase ?? null;
    // A runner started over after a step inside a handler calls its first slice main.
    return phase === 'main' && this.handlerActive ? 'handler' : phase;
  }

  /** Running or paused: a run is under way. */
  get active(): boolean {
    return this.current === 'running' || this.current === 'paused';
  }

  /** Whether an injected event is worth queueing: the program can still serve it. */
  get acceptsEvents(): boolean {
    return this.current === 'loaded' || this.active;
  }

  /** A new program was loaded: the old run (already ended) is forgotten. */
  attach(engine: Engine): void {
    this.detachRunner();
    this.engine = engine;
    this.end = null;
    this.handlerActive = false;
    this.current = 'loaded';
  }

  start(): StateResult {
    this.loaded();
    if (this.current !== 'loaded') throw badState('start', this.current);
    this.launch(false);
    return this.enter('running');
  }

  stop(): StateResult {
    this.loaded();
    if (!this.active) throw badState('stop', this.current);
    this.interrupt();
    return { state: this.current };
  }

  pause(): StateResult {
    this.loaded();
    if (this.current !== 'running') throw badState('pause', this.current);
    this.runner?.pause();
    return this.enter('paused');
  }

  resume(): StateResult {
    this.loaded();
    if (this.current !== 'paused') throw badState('resume', this.current);
    this.runner?.resume();
    return this.enter('running');
  }

  /** Back to the program's start; a run under way ends as stopped first. */
  reset(): StateResult {
    const engine = this.loaded();
    if (this.active) this.interrupt();
    this.detachRunner();
    engine.reset();
    this.options.events.clear();
    this.handlerActive = false;
    this.current = 'loaded';
    return { state: this.current };
  }

  /**
   * Runs n instructions of a loaded or paused program. Once main has returned (the
   * program serves events), a step first dispatches the next pending event's handler.
   */
  step(n: number): StepResult {
    const engine = this.loaded();
    if (this.current !== 'loaded' && this.current !== 'paused') {
      throw badState('step', this.current);
    }
    if (engine.state === 'exited') this.dispatchForStep(engine);
    const before = engine.inspect().instructions;
    const outcome = engine.step(n);
    const { pc, instructions } = engine.inspect();
    this.afterStep(outcome);
    const executed = instructions - before;
    const result: StepResult = { pc, instructions, executed, outcome: outcome.kind };
    if (outcome.kind === 'fault') result.fault = wireFault(outcome.fault);
    return result;
  }

  /** An event was queued: a serving program wakes up for it. */
  notify(): void {
    this.runner?.notify();
  }

  /** Ends a run under way (the device is shutting down). */
  shutdown(): void {
    if (this.active) this.interrupt();
  }

  private dispatchForStep(engine: Engine): void {
    const event = this.options.events.next();
    if (!event) {
      throw new MonitorError(
        'bad_state',
        'cannot step: main has returned and no event is pending; inject an event to step into its handler',
      );
    }
    engine.invoke(event.handler, [event.value]);
    this.handlerActive = true;
  }

  private afterStep(outcome: RunOutcome): void {
    switch (outcome.kind) {
      case 'fault':
        this.detachRunner();
        return this.finish({ kind: 'fault', fault: outcome.fault });
      case 'exited':
        // main returning with handlers registered keeps the program alive (guest ABI).
        if (this.handlerActive || !this.options.events.hasHandlers) {
          this.detachRunner();
          return this.finish({ kind: 'exited', code: outcome.code });
        }
        break;
      case 'returned':
        this.handlerActive = false;
        break;
      case 'budget':
      case 'yielded':
        break;
    }
    // The paused runner's idea of where the program is may be stale now (main returned,
    // a handler started or finished); a fresh runner picks up from the engine's state on
    // resume. Its budgets count from here.
    if (this.current === 'paused') {
      this.detachRunner();
      this.launch(true);
    }
  }

  private launch(paused: boolean): void {
    const { events, hal, clock, mainBudget, handlerBudget, sliceInstructions } = this.options;
    const runner = new VmRunner(this.loaded(), events, hal, {
      clock,
      mainBudget,
      handlerBudget,
      sliceInstructions,
    });
    runner.on('phase', (phase) => {
      if (phase === 'handler') this.handlerActive = true;
      else if (phase === 'serving' || phase === 'done') this.handlerActive = false;
    });
    this.runner = runner;
    void runner.start().then((end) => this.runEnded(runner, end));
    // start() only schedules the first slice, so nothing has run yet.
    if (paused) runner.pause();
  }

  /** A run ended by itself; stops come from here and were reported when they were made. */
  private runEnded(runner: VmRunner, end: RunEnd): void {
    if (runner !== this.runner || end.kind === 'stopped') return;
    this.finish(end);
  }

  private finish(end: Exclude<RunEnd, { kind: 'stopped' }>): void {
    this.end = end;
    this.handlerActive = false;
    if (end.kind === 'exited') {
      this.current = 'stopped';
      this.options.emit({ kind: 'vm', state: 'stopped', exitCode: end.code });
    } else {
      this.current = 'faulted';
      this.options.emit({ kind: 'vm', state: 'faulted', fault: wireFault(end.fault) });
    }
  }

  private interrupt(): void {
    this.runner?.stop();
    this.end = { kind: 'stopped' };
    this.handlerActive = false;
    this.current = 'stopped';
    this.options.emit({ kind: 'vm', state: 'stopped' });
  }

  private detachRunner(): void {
    this.runner?.stop();
    this.runner = null;
  }

  private enter(state: 'running' | 'paused'): StateResult {
    this.current = state;
    this.options.emit({ kind: 'vm', state });
    return { state };
  }

  private loaded(): Engine {
    if (!this.engine) throw noApp();
    return this.engine;
  }
}

/** A fault as the event and reply schemas take it. */
export function wireFault(fault: Fault): WireFault {
  const wire: WireFault = {
    code: fault.code,
    pc: fault.pc >>> 0,
    message: fault.message.slice(0, MAX_FAULT_MESSAGE),
  };
  if (fault.address !== undefined) wire.address = fault.address >>> 0;
  return wire;
}
