import type { Engine, GuestHost, RunOutcome } from '../../../devices/engines';
import { PropertyViolation } from '../harness';

/** Guest memory of the fuzzed engines: the nRF52840's grant to one app. */
export const FUZZ_MEMORY_BYTES = 232 * 1024;

/** Instructions a loaded image runs: enough to reach its first syscalls and faults. */
export const FUZZ_RUN_BUDGET = 2000;

/**
 * A host that answers every syscall without touching guest memory: exit ends the program,
 * everything else returns 0. A fuzzed guest can ask for anything; nothing here may throw.
 */
export const nullHost: GuestHost = {
  syscall: (call) =>
    call.number === 1 ? { kind: 'exit', code: call.args[0] } : { kind: 'value', value: 0 },
};

const OUTCOMES = new Set<RunOutcome['kind']>(['budget', 'exited', 'returned', 'yielded', 'fault']);

/**
 * After a load that succeeded: run a bounded slice, inspect, read memory. Faults must come
 * back as outcomes, never as exceptions (devices/engines/engine.ts).
 */
export function runLoaded(engine: Engine): void {
  const outcome = engine.run(FUZZ_RUN_BUDGET);
  if (!OUTCOMES.has(outcome.kind)) {
    throw new PropertyViolation(`run() returned ${JSON.stringify(outcome)}`);
  }
  engine.inspect();
  engine.memory();
}
