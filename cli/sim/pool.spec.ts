import { forEachLimited } from './pool';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('forEachLimited', () => {
  it('never runs more than the limit at once and visits every item', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      seen.push(n);
      running--;
    });
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('stops taking items after a failure and rethrows it once the others settled', async () => {
    const started: number[] = [];
    let inFlight = 0;
    const run = forEachLimited([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      inFlight++;
      await tick();
      inFlight--;
      if (n === 2) throw new Error('boom 2');
    });
    await expect(run).rejects.toThrow('boom 2');
    expect(inFlight).toBe(0);
    expect(started.length).toBeLessThan(6);
  });

  it('stops taking items once the signal aborts', async () => {
    const controller = new AbortController();
    const done: number[] = [];
    await forEachLimited(
      [1, 2, 3, 4],
      1,
      async (n) => {
        done.push(n);
        if (n === 2) controller.abort();
      },
      controller.signal,
    );
    expect(done).toEqual([1, 2]);
  });

  it('copes with no items', async () => {
    await expect(
      forEachLimited([], 4, () => Promise.reject(new Error('never'))),
    ).resolves.toBeUndefined();
  });
});
