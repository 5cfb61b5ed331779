/**
 * Exponential back-off of wrong attempts per key (a source address, a device id): after
 * `freeFailures` the key waits `baseDelayMs`, doubling per further failure up to
 * `maxDelayMs`. Used for device logins (src/devices/login-throttle.ts) and API tokens.
 */
export interface ThrottleOptions {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A key with no failure for this long is forgotten. */
  forgetAfterMs: number;
  /** Keys kept at most; the oldest go first (bounded memory under a spray of addresses). */
  maxKeys: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  forgetAfterMs: 15 * 60_000,
  maxKeys: 100_000,
};

interface Entry {
  failures: number;
  /** No login is checked before this time. */
  until: number;
  lastFailure: number;
}

/** One back-off table (a key is an address or a device id). */
export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: ThrottleOptions = DEFAULT_THROTTLE) {}

  /** Milliseconds until `key` may be checked again; 0 when it may be now. */
  waitMs(key: string, now: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    if (now - e.lastFailure > this.options.forgetAfterMs) {
      this.entries.delete(key);
      return 0;
    }
    return Math.max(0, e.until - now);
  }

  fail(key: string, now: number): void {
    const e = this.entries.get(key) ?? { failures: 0, until: 0, lastFailure: now };
    this.entries.delete(key); // re-inserted last: Map order is the eviction order
    e.failures++;
    e.lastFailure = now;
    const over = e.failures - this.options.freeFailures;
    if (over > 0) {
      const delay = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (over - 1));
      e.until = now + delay;
    }
    this.entries.set(key, e);
    if (this.entries.size > this.options.maxKeys) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
