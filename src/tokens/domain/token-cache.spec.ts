import type { StoredApiToken } from './api-token';
import { LastUseTracker, TokenCache } from './token-cache';

const token = (id: string): StoredApiToken => ({
  id,
  name: 'alice',
  role: 'viewer',
  secretHash: `hash-${id}`,
  createdAt: 0,
  lastUsedAt: null,
  revokedAt: null,
});

describe('TokenCache', () => {
  it('answers a hit, a remembered miss, and unknown', () => {
    const cache = new TokenCache(1000);
    cache.set('a', token('a'), 0);
    cache.set('b', null, 0);
    expect(cache.get('a', 10)?.id).toBe('a');
    expect(cache.get('b', 10)).toBeNull();
    expect(cache.get('c', 10)).toBeUndefined();
  });

  it('forgets an entry after its TTL, so a revoke elsewhere takes effect here', () => {
    const cache = new TokenCache(1000);
    cache.set('a', token('a'), 0);
    expect(cache.get('a', 999)).not.toBeUndefined();
    expect(cache.get('a', 1000)).toBeUndefined();
  });

  it('drops the oldest entry beyond its size, and everything on clear', () => {
    const cache = new TokenCache(1000, 2);
    cache.set('a', token('a'), 0);
    cache.set('b', token('b'), 1);
    cache.set('c', token('c'), 2);
    expect(cache.get('a', 3)).toBeUndefined();
    expect(cache.get('b', 3)?.id).toBe('b');
    cache.clear();
    expect(cache.get('c', 3)).toBeUndefined();
  });

  it('keeps nothing a lookup read before a clear (a revoke racing a request)', () => {
    const cache = new TokenCache(1000);
    const before = cache.generation;
    cache.clear();
    cache.set('a', token('a'), 0, before);
    expect(cache.get('a', 1)).toBeUndefined();
    cache.set('a', token('a'), 0, cache.generation);
    expect(cache.get('a', 1)?.id).toBe('a');
  });
});

describe('LastUseTracker', () => {
  it('asks for one write per token per period, and keeps the newest use in memory', () => {
    const uses = new LastUseTracker(60_000);
    expect(uses.touch('a', 0)).toBe(true);
    expect(uses.touch('a', 1_000)).toBe(false);
    expect(uses.touch('a', 59_999)).toBe(false);
    expect(uses.lastUse('a')).toBe(59_999);
    expect(uses.touch('b', 59_999)).toBe(true);
    expect(uses.touch('a', 60_000)).toBe(true);
    expect(uses.lastUse('c')).toBeUndefined();
  });
});
