import { BatchedQueue } from './batched-queue';

describe('BatchedQueue', () => {
  it('gathers what arrives while a batch waits its turn into that one batch, in order', async () => {
    const q = new BatchedQueue();
    const batches: number[][] = [];
    const work = async (items: number[]) => {
      batches.push(items);
      return items.map((n) => n * 10);
    };
    const results = await Promise.all([1, 2, 3].map((n) => q.add('d1', 'report', n, work)));
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch for what arrives while one runs, after it', async () => {
    const q = new BatchedQueue();
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const work = async (items: number[]) => {
      batches.push(items);
      if (items[0] === 1) await gate;
      return items;
    };
    const first = q.add('d1', 'report', 1, work);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    // The first batch is running (held at the gate): these two form the next one.
    const later = [q.add('d1', 'report', 2, work), q.add('d1', 'report', 3, work)];
    expect(batches).toEqual([[1]]);
    release();
    await expect(first).resolves.toBe(1);
    await expect(Promise.all(later)).resolves.toEqual([2, 3]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('runs batches of other kinds and plain tasks of one key one at a time', async () => {
    const q = new BatchedQueue();
    const log: string[] = [];
    let running = 0;
    const task = (name: string) => async () => {
      running += 1;
      expect(running).toBe(1);
      await new Promise((r) => setImmediate(r));
      log.push(name);
      running -= 1;
    };
    await Promise.all([
      q.add('d1', 'report', 'r', async (items) => (await task('reports')(), items)),
      q.run('d1', task('exclusive')),
      q.add('d1', 'step', null, async (items) => (await task('step')(), items)),
    ]);
    expect(log).toEqual(['reports', 'exclusive', 'step']);
  });

  it('rejects every item of a batch that fails, and the next batch still runs', async () => {
    const q = new BatchedQueue();
    const failing = async (): Promise<number[]> => {
      throw new Error('database is locked');
    };
    const a = q.add('d1', 'report', 1, failing);
    const b = q.add('d1', 'report', 2, failing);
    await expect(a).rejects.toThrow('database is locked');
    await expect(b).rejects.toThrow('database is locked');
    await expect(q.add('d1', 'report', 3, async (items: number[]) => items)).resolves.toBe(3);
  });

  it("runs each batch on a new turn of the event loop, not in the caller's microtasks", async () => {
    const q = new BatchedQueue();
    const log: string[] = [];
    setImmediate(() => log.push('io turn'));
    await q.add('d1', 'step', null, async (items) => (log.push('batch'), items));
    expect(log).toEqual(['io turn', 'batch']);
  });
});
