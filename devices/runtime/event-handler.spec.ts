import { EventHandler, MAX_QUEUED, MAX_RAW_HANDLERS } from './event-handler';

describe('EventHandler', () => {
  it('queues a raw event for its handler, in arrival order', () => {
    const eh = new EventHandler();
    expect(eh.hasHandlers).toBe(false);
    eh.onRaw(1, 0x1000);
    eh.onRaw(100, 0x2000);
    expect(eh.inject(1, 5)).toBe(true);
    expect(eh.inject(100, 6)).toBe(true);
    expect(eh.inject(7, 0)).toBe(false);
    expect([eh.next(), eh.next(), eh.next()]).toEqual([
      { handler: 0x1000, value: 5, source: 1 },
      { handler: 0x2000, value: 6, source: 100 },
      undefined,
    ]);
  });

  it('bounds the handler table and the queue, counting what it drops', () => {
    const eh = new EventHandler();
    for (let i = 0; i < MAX_RAW_HANDLERS; i++) expect(eh.onRaw(i, 4 * i)).toBe(true);
    expect(eh.onRaw(999, 0)).toBe(false);
    expect(eh.onRaw(3, 0x40)).toBe(true); // replacing is always allowed
    for (let i = 0; i < MAX_QUEUED + 5; i++) eh.inject(0, i);
    expect(eh.pending).toBe(MAX_QUEUED);
    expect(eh.dropped).toBe(5);
  });

  it.each([
    ['<', 19, true],
    ['<', 20, false],
    ['<=', 20, true],
    ['>', 21, true],
    ['>', 20, false],
    ['>=', 20, true],
  ] as const)('checks a %s condition on a reading of %i against 20', (op, reading, fires) => {
    const eh = new EventHandler();
    eh.onCondition({ sensorType: 4, index: 0, op, threshold: 20, periodMs: 100 }, 0x3000, 0);
    eh.poll(100, () => reading);
    expect(eh.next()).toEqual(
      fires ? { handler: 0x3000, value: reading, source: 'condition' } : undefined,
    );
  });

  it('checks each condition once per period', () => {
    const eh = new EventHandler();
    eh.onCondition({ sensorType: 1, index: 0, op: '>', threshold: 0, periodMs: 100 }, 0x3000, 0);
    const reads: number[] = [];
    for (let t = 0; t <= 450; t += 10) eh.poll(t, () => (reads.push(t), 1));
    expect(reads).toEqual([100, 200, 300, 400]);
    expect(eh.nextDueAt()).toBe(500);
  });

  it('refuses a period below 10 ms and ignores a missing sensor', () => {
    const eh = new EventHandler();
    expect(
      eh.onCondition({ sensorType: 1, index: 0, op: '>', threshold: 0, periodMs: 5 }, 0, 0),
    ).toBe(false);
    eh.onCondition({ sensorType: 1, index: 0, op: '>', threshold: 0, periodMs: 10 }, 0, 0);
    eh.poll(10, () => null);
    expect(eh.pending).toBe(0);
  });
});
