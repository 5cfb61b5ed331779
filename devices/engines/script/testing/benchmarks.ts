import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  BENCHMARKS,
  EngineFactory,
  expectedOutput,
  FIRMWARE,
  program,
  ScriptDevice,
} from './script-harness';

/** Every ported benchmark must print exactly what the native build printed. */
export function describeBenchmarks(
  prepare: () => Promise<unknown>,
  create: EngineFactory,
  dir: string,
  extension: string,
): void {
  beforeEach(() => prepare());
  const ported = BENCHMARKS.filter((name) => existsSync(join(FIRMWARE, dir, name + extension)));

  it.each(ported)('%s prints the native output', (name) => {
    const device = new ScriptDevice(create);
    device.engine.load(program(dir, name + extension));
    // A non-preemptible engine gets its whole budget in one run, as the runner must give it.
    const slice = device.engine.preemptible === false ? 1e12 : 10_000_000;
    expect(device.runToEnd(1e12, slice)).toEqual({ kind: 'exited', code: 0 });
    expect(device.output).toBe(expectedOutput(name));
  });
}
