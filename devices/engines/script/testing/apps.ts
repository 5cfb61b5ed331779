import { EngineFactory, program, ScriptDevice } from './script-harness';

/**
 * The demo apps of firmware/apps ported to a script language (firmware/<dir>/apps): the
 * same behaviour as the C versions, as the device sees it.
 */
export function describeApps(
  prepare: () => Promise<unknown>,
  create: EngineFactory,
  dir: string,
  extension: string,
): void {
  beforeEach(() => prepare());
  const loaded = (name: string) => {
    const device = new ScriptDevice(create);
    device.engine.load(program(`${dir}/apps`, name + extension));
    return device;
  };
  // A non-preemptible engine gets its whole budget in one run, as the runner must give it.
  const sliceOf = (device: ScriptDevice) =>
    device.engine.preemptible === false ? 1e12 : 10_000_000;

  it('blink toggles LED 0 ten times, sleeping 500 ms between, and exits 0', () => {
    const device = loaded('blink');
    const leds: number[] = [];
    for (let i = 0; i < 10; i++) {
      expect(device.engine.run(1e9)).toEqual({ kind: 'yielded', sleepMs: 500 });
      leds.push(device.hal.actuators().led[0]);
      device.clockMs += 500;
    }
    expect(device.engine.run(1e9)).toEqual({ kind: 'exited', code: 0 });
    expect(leds).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
    expect(device.output).toBe('blink: 10 toggles\n');
  });

  it('button-counter publishes every press and emits a milestone every 5th', () => {
    const device = loaded('button-counter');
    expect(device.runToEnd()).toEqual({ kind: 'exited', code: 0 });
    expect(device.output).toBe('button-counter: counting presses\n');
    for (let i = 0; i < 5; i++) device.events.inject(1, 1000);
    expect(device.serve()).toBe(5);
    expect(device.published.map((p) => p.value)).toEqual([1, 2, 3, 4, 5]);
    expect(device.emitted).toEqual([{ event: 100, value: 5 }]);
  });

  it('thermostat registers a condition on the temperature and returns', () => {
    const device = loaded('thermostat');
    expect(device.runToEnd()).toEqual({ kind: 'exited', code: 0 });
    expect(device.output).toBe('thermostat: watching temperature > 25000 m-degC\n');
    expect(device.events.hasHandlers).toBe(true);
  });

  it('spin runs until the budget stops it', () => {
    const device = loaded('spin');
    const outcome = device.runToEnd(500_000, Math.min(sliceOf(device), 500_000));
    if (device.engine.preemptible === false) {
      expect(outcome).toMatchObject({ kind: 'fault', fault: { code: 'budget_exhausted' } });
    } else {
      expect(outcome).toEqual({ kind: 'budget' });
    }
    expect(device.output).toBe('spin: looping forever\n');
  });

  it('wild-store faults with guest_error at the line of the bad store', () => {
    const device = loaded('wild-store');
    const outcome = device.runToEnd(1e9, sliceOf(device));
    expect(outcome).toMatchObject({ kind: 'fault', fault: { code: 'guest_error', pc: 6 } });
    expect(device.output).toMatch(/^wild-store: writing through \w+\n$/);
  });
}
