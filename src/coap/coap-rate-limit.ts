/**
 * A token bucket per CoAP endpoint (address and port): `ratePerS` requests a second on
 * average, `burst` at once. At most `maxEndpoints` buckets are kept, the least recently
 * used one goes first; a forgotten endpoint starts again with a full bucket, which is
 * what an idle one would have anyway.
 */
export interface RateLimit {
  /** Requests a second per endpoint; 0 turns the limit off. */
  ratePerS: number;
  burst: number;
  maxEndpoints: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class EndpointBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `endpoint`; false when its bucket is empty. */
  take(endpoint: string): boolean {
    const { ratePerS, burst, maxEndpoints } = this.limit;
    if (ratePerS <= 0) return true;
    const now = this.now();
    let bucket = this.buckets.get(endpoint);
    if (bucket) {
      // Re-inserted on every use, so the Map's order is least recently used first.
      this.buckets.delete(endpoint);
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * ratePerS) / 1000);
      bucket.at = now;
    } else {
      if (this.buckets.size >= maxEndpoints) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      bucket = { tokens: burst, at: now };
    }
    this.buckets.set(endpoint, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  get size(): number {
    return this.buckets.size;
  }
}
