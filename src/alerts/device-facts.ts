import type { DeviceFacts } from './domain/alert-rule';

/** How long a device's board, VM and tags are trusted before they are read again. */
const FACTS_TTL_MS = 30_000;
const MAX_CACHED = 100_000;

interface Cached {
  at: number;
  facts: Promise<DeviceFacts | null>;
}

/**
 * What the rules' scopes need of a device, read once per TTL rather than once per sample.
 * The promise is cached, so samples of one device wait on the same read and stay in order.
 */
export class DeviceFactsCache {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly read: (id: string) => Promise<DeviceFacts | null>) {}

  get(id: string, now: number): Promise<DeviceFacts | null> {
    const hit = this.cache.get(id);
    if (hit && now - hit.at < FACTS_TTL_MS) return hit.facts;
    const facts = this.read(id).catch(() => null);
    this.cache.delete(id); // re-inserted last: Map order is the eviction order
    this.cache.set(id, { at: now, facts });
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    return facts;
  }

  /** A hello may come with a new board or VM: read it again next time. */
  forget(id: string): void {
    this.cache.delete(id);
  }
}
