import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOARDS } from '../../../boards';
import { SimulatedHal } from '../../../hal/hal';
import { EventHandler } from '../../../runtime/event-handler';
import { DeviceGuestHost } from '../../../runtime/guest-host';
import type { Engine, EngineLimits, GuestHost, RunOutcome } from '../../engine';

/** Test helpers shared by the lua, micropython and js engine specs. */
export const FIRMWARE = join(__dirname, '../../../../firmware');
export const BOARD = BOARDS.nrf52840;
/** What the nrf52840 grants a guest (RAM minus RIOT), as the device computes it. */
export const GUEST_BYTES = Math.floor((BOARD.ramBytes - BOARD.osRamBytes) / 1024) * 1024;

export const BENCHMARKS = [
  'ackermann',
  'array',
  'fibonacci',
  'heapsort',
  'lists',
  'matrix',
  'random',
  'sieve',
  'crc32',
  'md5sum',
  'tarfind',
  'ud',
  'xgboost',
];

export const expectedOutput = (name: string) =>
  readFileSync(join(FIRMWARE, 'expected', `${name}.txt`), 'utf8');

export const program = (dir: string, file: string) =>
  new Uint8Array(readFileSync(join(FIRMWARE, dir, file)));

export const source = (text: string) => new TextEncoder().encode(text);

export type EngineFactory = (limits: EngineLimits, host: GuestHost) => Engine;

/** A device around an engine: simulated HAL, Event Handler, recorded outputs. */
export class ScriptDevice {
  readonly hal = new SimulatedHal(BOARD, 1);
  readonly events = new EventHandler();
  output = '';
  readonly published: Array<{ name: string; value: number }> = [];
  readonly emitted: Array<{ event: number; value: number }> = [];
  readonly host: DeviceGuestHost;
  readonly engine: Engine;
  clockMs = 0;

  constructor(create: EngineFactory, memoryBytes = GUEST_BYTES) {
    const out = {
      print: (text: string) => (this.output += text),
      publish: (name: string, value: number) => this.published.push({ name, value }),
      emit: (event: number, value: number) => this.emitted.push({ event, value }),
    };
    this.host = new DeviceGuestHost(this.hal, this.events, out, () => this.clockMs);
    this.engine = create({ memoryBytes }, this.host);
  }

  /** Runs until something other than budget/yield ends the run; sleeps advance the clock. */
  runToEnd(budget = 1e12, slice = 10_000_000): RunOutcome {
    for (let used = 0; used < budget; used += slice) {
      const outcome = this.engine.run(Math.min(slice, budget - used));
      if (outcome.kind === 'yielded') this.clockMs += outcome.sleepMs;
      else if (outcome.kind !== 'budget') return outcome;
    }
    return { kind: 'budget' };
  }

  /** Invokes every queued event's handler to completion; returns how many ran. */
  serve(): number {
    let ran = 0;
    for (let event = this.events.next(); event; event = this.events.next()) {
      this.engine.invoke(event.handler, [event.value]);
      expect(this.runToEnd()).toMatchObject({ kind: 'returned' });
      ran++;
    }
    return ran;
  }
}
