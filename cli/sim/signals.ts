/** The part of `process` the simulator uses to hear Ctrl-C; tests pass an EventEmitter. */
export interface SignalSource {
  once(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface StopSwitch {
  signal: AbortSignal;
  dispose(): void;
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Aborts on the first SIGINT or SIGTERM so the fleet can stop cleanly. The listeners go away
 * right then, so a second Ctrl-C gets Node's default behaviour and ends the process at once.
 */
export function stopOnSignals(source: SignalSource): StopSwitch {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    dispose();
    controller.abort(signal);
  };
  const dispose = (): void => {
    for (const name of STOP_SIGNALS) source.off(name, onSignal);
  };
  for (const name of STOP_SIGNALS) source.once(name, onSignal);
  return { signal: controller.signal, dispose };
}

/** Resolves when `durationMs` has passed (never, if undefined) or `signal` aborts. */
export function waitForStop(
  signal: AbortSignal,
  durationMs: number | undefined,
): Promise<'duration' | 'signal'> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve('signal');
    const finish = (reason: 'duration' | 'signal'): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(reason);
    };
    const onAbort = (): void => finish('signal');
    const timer = durationMs === undefined ? undefined : setTimeout(finish, durationMs, 'duration');
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
