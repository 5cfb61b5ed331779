import { EventEmitter } from 'node:events';
import type { Engine, Fault, RunOutcome } from '../engines/engine';
import type { SimulatedHal } from '../hal/hal';
import type { EventHandler } from './event-handler';

export type RunnerPhase = 'main' | 'serving' | 'handler' | 'paused' | 'done';

export type RunEnd =
  { kind: 'exited'; code: number } | { kind: 'fault'; fault: Fault } | { kind: 'stopped' };

export interface RunnerOptions {
  /** Instructions per turn of the event loop, so the device stays responsive. */
  sliceInstructions?: number;
  /** Instructions `main` may run before it is stopped with budget_exhausted. */
  mainBudget?: number;
  /** Instructions one event handler may run. */
  handlerBudget?: number;
  /** Device time in ms since the program started. */
  clock: () => number;
}

export interface RunnerStats {
  instructions: number;
  /** Wall time spent inside the engine. */
  executeMs: number;
  handlersRun: number;
}

const DEFAULTS = {
  sliceInstructions: 1_000_000,
  mainBudget: 20_000_000_000,
  handlerBudget: 50_000_000,
};

/**
 * Drives an engine the way the device's VM thread would: `main` in slices, sleeps as
 * timers, then (when handlers were registered) one event handler at a time. Faults and
 * budget overruns end the run with a report; nothing here throws at the device.
 */
export class VmRunner extends EventEmitter<{ phase: [RunnerPhase] }> {
  private phase: RunnerPhase = 'main';
  private resumePhase: RunnerPhase = 'main';
  private used = 0;
  private stats_: RunnerStats = { instructions: 0, executeMs: 0, handlersRun: 0 };
  private timer?: NodeJS.Timeout;
  private finish?: (end: RunEnd) => void;
  private readonly opts: Required<RunnerOptions>;

  constructor(
    private readonly engine: Engine,
    private readonly events: EventHandler,
    private readonly hal: SimulatedHal,
    options: RunnerOptions,
  ) {
    super();
    // `??`, not a spread: an option passed as undefined must not wipe out its default.
    this.opts = {
      clock: options.clock,
      sliceInstructions: options.sliceInstructions ?? DEFAULTS.sliceInstructions,
      mainBudget: options.mainBudget ?? DEFAULTS.mainBudget,
      handlerBudget: options.handlerBudget ?? DEFAULTS.handlerBudget,
    };
  }

  get currentPhase(): RunnerPhase {
    return this.phase;
  }

  stats(): RunnerStats {
    return { ...this.stats_ };
  }

  /** Runs the loaded program until it exits, faults or is stopped. */
  start(): Promise<RunEnd> {
    return new Promise((resolve) => {
      this.finish = resolve;
      this.schedule(0);
    });
  }

  stop(): void {
    this.end({ kind: 'stopped' });
  }

  pause(): void {
    if (this.phase === 'done' || this.phase === 'paused') return;
    clearTimeout(this.timer);
    this.resumePhase = this.phase;
    this.setPhase('paused');
  }

  resume(): void {
    if (this.phase !== 'paused') return;
    this.setPhase(this.resumePhase);
    this.schedule(0);
  }

  /** An event was injected: a serving VM wakes up at once. */
  notify(): void {
    if (this.phase === 'serving') this.schedule(0);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.turn(), delayMs);
  }

  private turn(): void {
    if (this.phase === 'main' || this.phase === 'handler') return this.execute();
    if (this.phase === 'serving') return this.serve();
  }

  private execute(): void {
    const budget = this.phase === 'main' ? this.opts.mainBudget : this.opts.handlerBudget;
    const started = performance.now();
    const before = this.engine.inspect().instructions;
    const outcome = this.engine.run(this.sliceFor(budget));
    const ran = this.engine.inspect().instructions - before;
    this.stats_.executeMs += performance.now() - started;
    this.stats_.instructions += ran;
    this.used += ran;
    this.after(outcome, budget);
  }

  /**
   * A preemptible engine runs in slices so the device stays responsive; one that cannot
   * pause (QuickJS, MicroPython) would end the program at the slice, so it gets the rest
   * of the budget at once.
   */
  private sliceFor(budget: number): number {
    const left = budget - this.used;
    return this.engine.preemptible === false ? left : Math.min(this.opts.sliceInstructions, left);
  }

  private after(outcome: RunOutcome, budget: number): void {
    switch (outcome.kind) {
      case 'budget':
        if (this.used >= budget) return this.overBudget(budget);
        return this.schedule(0);
      case 'yielded':
        return this.schedule(outcome.sleepMs);
      case 'returned':
        this.stats_.handlersRun++;
        this.setPhase('serving');
        return this.schedule(0);
      case 'exited':
        if (this.phase === 'main' && this.events.hasHandlers) {
          this.setPhase('serving');
          return this.schedule(0);
        }
        return this.end({ kind: 'exited', code: outcome.code });
      case 'fault':
        return this.end({ kind: 'fault', fault: outcome.fault });
    }
  }

  private overBudget(budget: number): void {
    const where = this.phase === 'main' ? 'main' : 'an event handler';
    const pc = this.engine.inspect().pc;
    const message = `${where} ran ${budget} instructions without finishing; stopped`;
    this.end({ kind: 'fault', fault: { code: 'budget_exhausted', pc, message } });
  }

  private serve(): void {
    const now = this.opts.clock();
    this.events.poll(now, (type, index) => this.hal.read(type, index, now));
    const event = this.events.next();
    if (event) {
      this.used = 0;
      this.engine.invoke(event.handler, [event.value]);
      this.setPhase('handler');
      return this.schedule(0);
    }
    const due = this.events.nextDueAt();
    // Nothing to do: sleep until a condition is due, or until notify() wakes us.
    this.timer =
      due === undefined ? undefined : setTimeout(() => this.serve(), Math.max(0, due - now));
  }

  private end(end: RunEnd): void {
    if (this.phase === 'done') return;
    clearTimeout(this.timer);
    this.setPhase('done');
    this.finish?.(end);
  }

  private setPhase(phase: RunnerPhase): void {
    this.phase = phase;
    this.emit('phase', phase);
  }
}
