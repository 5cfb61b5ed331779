import { BOARDS } from '../boards';
import type { Engine, EngineState, Inspection, RunOutcome } from '../engines/engine';
import { SENSOR_TYPES, SimulatedHal } from '../hal/hal';
import { EventHandler } from './event-handler';
import { VmRunner } from './vm-runner';

/** An engine that plays back outcomes; each run() "executes" up to `perRun` instructions. */
class ScriptedEngine implements Engine {
  readonly kind = 'mips1' as const;
  preemptible?: boolean;
  state: EngineState = 'loaded';
  instructions = 0;
  invoked: [number, readonly number[]][] = [];
  budgets: number[] = [];

  constructor(
    private readonly script: RunOutcome[],
    private readonly perRun = 100,
  ) {}

  run(budget: number): RunOutcome {
    this.budgets.push(budget);
    this.instructions += Math.min(budget, this.perRun);
    return this.script.shift() ?? { kind: 'budget' };
  }
  step(): RunOutcome {
    return this.run(1);
  }
  invoke(address: number, args: readonly number[]): void {
    this.invoked.push([address, args]);
  }
  inspect(): Inspection {
    return { state: this.state, pc: 0x1000, registers: {}, instructions: this.instructions };
  }
  load(): never {
    throw new Error('not used');
  }
  reset(): void {}
  readMemory(): Uint8Array {
    return new Uint8Array();
  }
  memory() {
    return { guestBytes: 0, peakGuestBytes: 0, engineBytes: 0 };
  }
}

function setup(
  script: RunOutcome[],
  options: { mainBudget?: number; handlerBudget?: number; perRun?: number } = {},
) {
  const engine = new ScriptedEngine(script, options.perRun);
  const events = new EventHandler();
  const hal = new SimulatedHal(BOARDS.native, 1);
  let now = 0;
  const runner = new VmRunner(engine, events, hal, {
    clock: () => now,
    sliceInstructions: 100,
    ...options,
  });
  return { engine, events, hal, runner, setNow: (t: number) => (now = t) };
}

describe('VmRunner', () => {
  it('runs main in slices until it exits', async () => {
    const { runner } = setup([{ kind: 'budget' }, { kind: 'budget' }, { kind: 'exited', code: 3 }]);
    await expect(runner.start()).resolves.toEqual({ kind: 'exited', code: 3 });
    expect(runner.stats().instructions).toBe(300);
  });

  it('reports a fault with its details', async () => {
    const fault = {
      code: 'bad_address' as const,
      pc: 0x1004,
      address: 0x10,
      message: 'load outside memory',
    };
    const { runner } = setup([{ kind: 'fault', fault }]);
    await expect(runner.start()).resolves.toEqual({ kind: 'fault', fault });
  });

  it('stops main at its budget with budget_exhausted', async () => {
    const { runner } = setup([], { mainBudget: 1000 });
    const end = await runner.start();
    expect(end).toMatchObject({ kind: 'fault', fault: { code: 'budget_exhausted', pc: 0x1000 } });
    expect(runner.stats().instructions).toBe(1000);
  });

  it('gives an engine that cannot pause the rest of its budget in one run', async () => {
    const { runner, engine } = setup([{ kind: 'exited', code: 0 }], { mainBudget: 1000 });
    engine.preemptible = false;
    await expect(runner.start()).resolves.toEqual({ kind: 'exited', code: 0 });
    expect(engine.budgets).toEqual([1000]);
  });

  it('slices the budget of a preemptible engine', async () => {
    const { runner, engine } = setup([{ kind: 'budget' }, { kind: 'exited', code: 0 }], {
      mainBudget: 1000,
    });
    await runner.start();
    expect(engine.budgets).toEqual([100, 100]);
  });

  it('serves events after main returns with handlers registered, one at a time', async () => {
    const { runner, events, engine } = setup([
      { kind: 'exited', code: 0 },
      { kind: 'returned', value: 0 },
      { kind: 'returned', value: 0 },
      { kind: 'exited', code: 9 },
    ]);
    events.onRaw(1, 0x2000);
    const done = runner.start();
    await new Promise<void>((r) => runner.on('phase', (p) => p === 'serving' && r()));
    events.inject(1, 11);
    events.inject(1, 12);
    runner.notify();
    events.inject(1, 13);
    await expect(done).resolves.toEqual({ kind: 'exited', code: 9 });
    expect(engine.invoked).toEqual([
      [0x2000, [11]],
      [0x2000, [12]],
      [0x2000, [13]],
    ]);
    expect(runner.stats().handlersRun).toBe(2);
  });

  it('stops a handler that runs past its budget', async () => {
    const { runner, events } = setup([{ kind: 'exited', code: 0 }], { handlerBudget: 500 });
    events.onRaw(1, 0x2000);
    events.inject(1, 0);
    await expect(runner.start()).resolves.toMatchObject({
      kind: 'fault',
      fault: { code: 'budget_exhausted' },
    });
  });

  it('fires processed events from sensor readings when they are due', async () => {
    const { runner, events, engine, setNow } = setup([
      { kind: 'exited', code: 0 },
      { kind: 'returned', value: 0 },
    ]);
    events.onCondition(
      { sensorType: SENSOR_TYPES.temperature, index: 0, op: '>', threshold: 0, periodMs: 10 },
      0x3000,
      0,
    );
    setNow(20);
    const done = runner.start();
    await new Promise<void>((r) => runner.on('phase', (p) => p === 'handler' && r()));
    runner.stop();
    await expect(done).resolves.toEqual({ kind: 'stopped' });
    expect(engine.invoked[0][0]).toBe(0x3000);
    expect(engine.invoked[0][1][0]).toBeGreaterThan(15_000); // a temperature in m°C
  });

  it('pauses and resumes', async () => {
    const { runner } = setup([
      { kind: 'yielded', sleepMs: 5 },
      { kind: 'exited', code: 0 },
    ]);
    const done = runner.start();
    runner.pause();
    expect(runner.currentPhase).toBe('paused');
    await new Promise((r) => setTimeout(r, 20));
    expect(runner.stats().instructions).toBe(0);
    runner.resume();
    await expect(done).resolves.toEqual({ kind: 'exited', code: 0 });
  });
});
