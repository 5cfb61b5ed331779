import type { Fault, FaultCode, RunOutcome } from '../engine';
import type { GuestStop } from './guest-calls';

/** Script engines report the current line where a native engine reports the pc. */
export function scriptFault(code: FaultCode, message: string, line = 0): RunOutcome {
  const fault: Fault = { code, pc: line, message };
  return { kind: 'fault', fault };
}

/** A recorded exit or refused syscall, as the run's outcome. */
export function stopOutcome(stop: GuestStop, line = 0): RunOutcome {
  return stop.kind === 'exit'
    ? { kind: 'exited', code: stop.code }
    : scriptFault('bad_syscall', stop.message, line);
}

export function budgetFault(language: string, budget: number, line = 0): RunOutcome {
  const why = `${language} cannot pause a running script, so the budget ends it`;
  return scriptFault(
    'budget_exhausted',
    `ran ${budget} instructions without finishing (${why})`,
    line,
  );
}

/** A JS exception thrown by a host function, as text for the guest's error. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
