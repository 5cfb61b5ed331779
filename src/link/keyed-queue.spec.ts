import { KeyedQueue } from './keyed-queue';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KeyedQueue', () => {
  it('keeps order within a key even when an earlier task is slower', async () => {
    const q = new KeyedQueue();
    const seen: string[] = [];
    const a = q.run('d1', async () => {
      await tick(20);
      seen.push('hello');
    });
    const b = q.run('d1', async () => {
      seen.push('telemetry');
    });
    await Promise.all([a, b]);
    expect(seen).toEqual(['hello', 'telemetry']);
  });

  it('runs different keys concurrently', async () => {
    const q = new KeyedQueue();
    const seen: string[] = [];
    const slow = q.run('d1', async () => {
      await tick(30);
      seen.push('d1');
    });
    const fast = q.run('d2', async () => {
      seen.push('d2');
    });
    await Promise.all([slow, fast]);
    expect(seen).toEqual(['d2', 'd1']);
  });

  it('goes on after a failing task and reports the failure to its caller', async () => {
    const q = new KeyedQueue();
    await expect(
      q.run('d1', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    let ran = false;
    await q.run('d1', async () => {
      ran = true;
    });
    expect(ran).toBe(true);
  });

  it('drain waits for everything queued', async () => {
    const q = new KeyedQueue();
    let done = 0;
    for (let i = 0; i < 5; i++)
      void q.run(`d${i % 2}`, async () => {
        await tick(5);
        done++;
      });
    await q.drain();
    expect(done).toBe(5);
  });
});
