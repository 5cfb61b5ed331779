import { setImmediate as nextTurn } from 'node:timers/promises';
import { KeyedQueue } from '../link/keyed-queue';

interface Batch {
  items: unknown[];
  waiters: { resolve: (result: unknown) => void; reject: (err: unknown) => void }[];
}

/**
 * Tasks run one at a time per key (a deployment), as in KeyedQueue, and work of one kind
 * that arrives while a batch of it waits its turn joins that batch: a thousand device
 * reports arriving during a step become one transaction and one next step, not a
 * thousand of each. Every batch starts on a new turn of the event loop, so a backlog is
 * worked off in slices with I/O (HTTP requests, MQTT packets) served in between, rather
 * than in one chain of microtasks that holds the process until it is done.
 */
export class BatchedQueue {
  private readonly queue = new KeyedQueue();
  private readonly gathering = new Map<string, Batch>();

  /** Runs `task` alone, after everything queued for `key`. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.queue.run(key, task);
  }

  /**
   * Adds `item` to the batch of `kind` waiting to run for `key`, or queues a new one;
   * `work` gets the items in the order they came and returns one result per item.
   * Resolves with this item's result; a batch that fails rejects every item in it.
   */
  add<T, R>(key: string, kind: string, item: T, work: (items: T[]) => Promise<R[]>): Promise<R> {
    const name = `${key}\u0000${kind}`;
    let batch = this.gathering.get(name);
    if (!batch) {
      const opened: Batch = { items: [], waiters: [] };
      this.gathering.set(name, opened);
      void this.queue.run(key, async () => {
        await nextTurn();
        // Items from here on go to the next batch: this one may no longer see them.
        this.gathering.delete(name);
        try {
          const results = await work(opened.items as T[]);
          opened.waiters.forEach((w, i) => w.resolve(results[i]));
        } catch (err) {
          opened.waiters.forEach((w) => w.reject(err));
        }
      });
      batch = opened;
    }
    const joined = batch;
    return new Promise<R>((resolve, reject) => {
      joined.items.push(item);
      joined.waiters.push({ resolve: resolve as (result: unknown) => void, reject });
    });
  }
}
