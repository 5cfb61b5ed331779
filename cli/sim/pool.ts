/**
 * Runs `work` over `items` with at most `limit` in flight. Stops taking new items once one
 * fails (rethrowing a failure once the others settled) or `signal` aborts (resolving; callers check it).
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && !signal?.aborted && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const workers = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker);
  // Settle all first, so no request is still in flight when the caller sees the failure.
  const results = await Promise.allSettled(workers);
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
}
