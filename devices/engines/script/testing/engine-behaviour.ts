import type { RunOutcome } from '../../engine';
import { ScriptLoadError } from '../../../../src/guest-scripts';
import { EngineFactory, ScriptDevice, source } from './script-harness';

/** The same small programs in each language, for the shared behaviour specs. */
export interface BehaviourPrograms {
  hello: string; // prints "hello 42\n" and exits 0
  exit3: string; // exits with code 3 through exit()
  endless: string; // loops forever
  hog: string; // allocates without bound
  syntaxErrorLine3: string; // a syntax error on line 3
  runtimeError: string; // raises an uncaught error
  device: string; // see below
  /** How far past the limit the heap may get before the engine notices (1: never). */
  heapOvershoot: number;
}

/**
 * `device` must: print hal.read("temperature") > 0 as "temp ok", hal.write("led", 0, 1),
 * publish("boot", 1), events.emit(150, 7), register events.on("button", h) where h
 * publishes ("pressed", value), and events.on(100, h2) where h2 publishes ("user", value).
 */
export function describeEngineBehaviour(
  prepare: () => Promise<unknown>,
  create: EngineFactory,
  p: BehaviourPrograms,
): void {
  // Each: MicroPython hands every engine a fresh interpreter from a pool that refills async.
  beforeEach(() => prepare());

  const loaded = (text: string, memoryBytes?: number) => {
    const device = new ScriptDevice(create, memoryBytes);
    device.engine.load(source(text));
    return device;
  };

  it('prints and exits with code 0', () => {
    const device = loaded(p.hello);
    expect(device.runToEnd()).toEqual({ kind: 'exited', code: 0 });
    expect(device.output).toBe('hello 42\n');
  });

  it('exit(code) ends the program with that code, and run() repeats it', () => {
    const device = loaded(p.exit3);
    expect(device.runToEnd()).toEqual({ kind: 'exited', code: 3 });
    expect(device.engine.run(100)).toEqual({ kind: 'exited', code: 3 });
  });

  it('stops an endless loop with the budget', () => {
    const device = loaded(p.endless);
    const outcome: RunOutcome = device.engine.run(200_000);
    if (device.engine.preemptible === false) {
      expect(outcome).toMatchObject({ kind: 'fault', fault: { code: 'budget_exhausted' } });
    } else {
      expect(outcome).toEqual({ kind: 'budget' });
      expect(device.engine.run(200_000)).toEqual({ kind: 'budget' });
    }
    expect(device.engine.inspect().instructions).toBeGreaterThanOrEqual(200_000);
  });

  it('stops unbounded allocation at the heap limit and reports the peak', () => {
    const memoryBytes = 96 * 1024;
    const device = loaded(p.hog, memoryBytes);
    const outcome = device.runToEnd(1e9);
    expect(outcome).toMatchObject({ kind: 'fault', fault: { code: 'out_of_memory' } });
    const memory = device.engine.memory();
    expect(memory.guestBytes).toBe(memoryBytes);
    expect(memory.peakGuestBytes).toBeGreaterThan(memoryBytes / 2);
    expect(memory.peakGuestBytes).toBeLessThanOrEqual(memoryBytes * p.heapOvershoot);
  });

  it('refuses a syntax error at load with its line and message', () => {
    const device = new ScriptDevice(create);
    let error: unknown;
    try {
      device.engine.load(source(p.syntaxErrorLine3));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScriptLoadError);
    expect((error as ScriptLoadError).line).toBe(3);
    expect((error as Error).message).toMatch(/syntax/i);
  });

  it('reports an uncaught error as guest_error with its message', () => {
    const device = loaded(p.runtimeError);
    const outcome = device.runToEnd();
    expect(outcome).toMatchObject({ kind: 'fault', fault: { code: 'guest_error' } });
    expect(outcome.kind === 'fault' && outcome.fault.message).toMatch(/boom/);
  });

  it('talks to the HAL, publishes, emits, and serves events through invoke', () => {
    const device = loaded(p.device);
    expect(device.runToEnd()).toEqual({ kind: 'exited', code: 0 });
    expect(device.output).toBe('temp ok\n');
    expect(device.hal.actuators().led[0]).toBe(1);
    expect(device.published).toEqual([{ name: 'boot', value: 1 }]);
    expect(device.emitted).toEqual([{ event: 150, value: 7 }]);
    expect(device.events.inject(1, 1000)).toBe(true);
    expect(device.events.inject(100, 55)).toBe(true);
    expect(device.serve()).toBe(2);
    expect(device.published.slice(1)).toEqual([
      { name: 'pressed', value: 1000 },
      { name: 'user', value: 55 },
    ]);
  });

  it('reset() runs the program again from the start', () => {
    const device = loaded(p.hello);
    device.runToEnd();
    device.engine.reset();
    expect(device.engine.state).toBe('loaded');
    expect(device.runToEnd()).toEqual({ kind: 'exited', code: 0 });
    expect(device.output).toBe('hello 42\nhello 42\n');
  });
}
