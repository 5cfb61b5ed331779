import type { RunOutcome, SyscallRequest, SyscallResult } from '../../../engine';
import { Mips1Engine } from '../../engine';
import { FakeHost } from '../../testing/harness';
import { mips1JitTier } from '../tier';

/** Test-only: one image on the interpreter and on the translator, everything observable. */

/**
 * FakeHost plus a deterministic answer for every other syscall (time, sensors, publish,
 * handlers…), so apps that use the HAL run on instead of faulting at their first call.
 */
export class AnsweringHost extends FakeHost {
  constructor() {
    let clock = 0;
    super((call: SyscallRequest): SyscallResult | undefined =>
      call.number <= 3 || call.number === 5 || call.number === 6
        ? undefined
        : { kind: 'value', value: (call.number * 7 + clock++) | 0 },
    );
  }
}

/** What a run leaves behind: every outcome, the console, the syscalls, the final state. */
export interface RunRecord {
  outcomes: RunOutcome[];
  /** inspect() after every slice, with `everySlice`. */
  states: Array<ReturnType<Mips1Engine['inspect']>>;
  output: string;
  calls: FakeHost['calls'];
  inspection: ReturnType<Mips1Engine['inspect']>;
  memory: ReturnType<Mips1Engine['memory']>;
  /** In hex, as `watched`: jest compares a string at once, a typed array element by element. */
  stack: string;
  /** The bytes of `options.watch`, if given (a random program's data region). */
  watched: string;
}

export type Tier = 'interp' | 'jit';

export function engineFor(tier: Tier, memoryBytes: number, host: FakeHost): Mips1Engine {
  return new Mips1Engine({ memoryBytes }, host, tier === 'jit' ? { tier: mips1JitTier } : {});
}

export interface RecordOptions {
  memoryBytes: number;
  cap: number;
  slice: (i: number) => number;
  watch?: { address: number; bytes: number };
  /** Record inspect() after every slice too (in `states`). */
  everySlice?: boolean;
  /** Handlers to invoke() one after another once the program has exited. */
  handlers?: ReadonlyArray<{ address: number; args: readonly number[] }>;
}

/**
 * Runs `image` in run() calls of `slice(i)` instructions until it ends or has run `cap`,
 * recording each non-budget outcome; a yield is resumed like a device would. Then each
 * handler, while the program exited and the handlers before returned.
 */
export function record(tier: Tier, image: Uint8Array, options: RecordOptions): RunRecord {
  const host = new AnsweringHost();
  const engine = engineFor(tier, options.memoryBytes, host);
  engine.load(image);
  const outcomes: RunOutcome[] = [];
  const states: Array<ReturnType<Mips1Engine['inspect']>> = [];
  let i = 0;
  const runToEnd = () => {
    for (; engine.inspect().instructions < options.cap; i++) {
      const outcome = i % 2 === 1 ? engine.step(options.slice(i)) : engine.run(options.slice(i));
      if (outcome.kind !== 'budget') outcomes.push(outcome);
      if (options.everySlice) states.push(engine.inspect());
      if (outcome.kind === 'exited' || outcome.kind === 'fault' || outcome.kind === 'returned') {
        return outcome.kind;
      }
    }
    return 'budget';
  };
  let end = runToEnd();
  for (const handler of options.handlers ?? []) {
    if (end !== 'exited' && end !== 'returned') break;
    engine.invoke(handler.address, handler.args);
    end = runToEnd();
  }
  const top = options.memoryBytes - 256;
  return {
    outcomes,
    states,
    output: host.output,
    calls: host.calls,
    inspection: engine.inspect(),
    memory: engine.memory(),
    stack: hex(engine.readMemory(top, 256)),
    watched: options.watch
      ? hex(engine.readMemory(options.watch.address, options.watch.bytes))
      : '',
  };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
