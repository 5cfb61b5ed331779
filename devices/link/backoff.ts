/** How long a device waits before reconnecting: exponential, capped, with jitter. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** Fraction of the delay that jitter may take away: 0 = none, 0.5 = delay in [d/2, d]. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, jitter: 0.5 };

/**
 * Delay before reconnect attempt number `attempt` (0 = first retry after a drop).
 * The jitter spreads a fleet that lost its gateway at the same instant, so the devices
 * do not all come back in the same millisecond; taking it off the top keeps the cap a cap.
 * `random` is a draw in [0, 1).
 */
export function backoffDelayMs(
  attempt: number,
  random: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  const exponent = Math.max(0, Math.floor(attempt));
  const exponential = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.round(exponential * (1 - policy.jitter * random));
}

/** What a reconnect supervisor reports before each wait. */
export interface ReconnectNotice {
  attempt: number;
  delayMs: number;
  cause: string | null;
}

/**
 * The one reconnect loop both device links use: waits backoffDelayMs, then calls
 * `connect`; an exception from `connect` schedules the next attempt instead of escaping
 * the timer (where it would end the whole fleet process). `succeeded()` starts the
 * backoff over; `cancel()` stops it for good until `schedule` is called again.
 */
export class ReconnectSupervisor {
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: {
      connect: () => void;
      /** true once the link is stopped: a due attempt is then dropped. */
      stopped: () => boolean;
      random: () => number;
      policy?: BackoffPolicy;
      onReconnecting?: (notice: ReconnectNotice) => void;
    },
  ) {}

  schedule(error: Error | null): void {
    const delayMs = backoffDelayMs(this.attempt, this.options.random(), this.options.policy);
    this.attempt++;
    this.options.onReconnecting?.({
      attempt: this.attempt,
      delayMs,
      cause: error?.message ?? null,
    });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.options.stopped()) return;
      try {
        this.options.connect();
      } catch (failure) {
        this.schedule(failure as Error);
      }
    }, delayMs);
  }

  succeeded(): void {
    this.attempt = 0;
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
