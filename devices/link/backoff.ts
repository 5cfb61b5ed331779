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
