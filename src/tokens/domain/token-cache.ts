import type { StoredApiToken } from './api-token';

/**
 * Tokens by secret hash, so a request costs no query once its token was seen. A miss is
 * remembered too (null): a wrong token that keeps coming costs one query per TTL. Entries
 * expire after `ttlMs` so a token revoked by another gateway instance on the same database
 * stops working here within that time; this instance clears everything on create and revoke.
 */
export class TokenCache {
  private readonly entries = new Map<string, { token: StoredApiToken | null; at: number }>();
  /** Bumped by clear(): a lookup that began before a revoke must not cache what it read. */
  private epoch = 0;

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** undefined: not known (ask the database); null: known not to be a live token. */
  get(hash: string, now: number): StoredApiToken | null | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (now - entry.at >= this.ttlMs) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry.token;
  }

  /** Take before the database lookup, hand to set() after it. */
  get generation(): number {
    return this.epoch;
  }

  /** Ignored when the cache was cleared since `generation` was taken: what was read may be stale. */
  set(hash: string, token: StoredApiToken | null, now: number, generation = this.epoch): void {
    if (generation !== this.epoch) return;
    // Maps iterate in insertion order: the first key is the oldest entry.
    if (this.entries.size >= this.maxEntries && !this.entries.has(hash)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(hash, { token, at: now });
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
  }
}

/**
 * When each token was last used, in memory, and whether that is worth a database write:
 * at most one per token per `writeEveryMs`, not one per request.
 */
export class LastUseTracker {
  private readonly used = new Map<string, { at: number; writtenAt: number | null }>();

  constructor(private readonly writeEveryMs = 60_000) {}

  /** Records a use; true when the stored last_used_at should be brought up to `now`. */
  touch(id: string, now: number): boolean {
    const entry = this.used.get(id) ?? { at: now, writtenAt: null };
    entry.at = now;
    this.used.set(id, entry);
    if (entry.writtenAt !== null && now - entry.writtenAt < this.writeEveryMs) return false;
    entry.writtenAt = now;
    return true;
  }

  /** The last use this instance saw, which may be newer than the stored one. */
  lastUse(id: string): number | undefined {
    return this.used.get(id)?.at;
  }
}
