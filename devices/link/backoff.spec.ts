import {
  backoffDelayMs,
  BackoffPolicy,
  DEFAULT_BACKOFF,
  type ReconnectNotice,
  ReconnectSupervisor,
} from './backoff';

describe('backoffDelayMs', () => {
  it.each([
    [0, 500],
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [4, 8_000],
    [5, 16_000],
    [6, 30_000],
    [7, 30_000],
    [50, 30_000],
    [5_000, 30_000],
  ])('attempt %d without jitter waits %d ms', (attempt, expected) => {
    expect(backoffDelayMs(attempt, 0)).toBe(expected);
  });

  it.each([
    [0, 0.5, 375],
    [0, 0.999, 250],
    [3, 0.5, 3_000],
    [6, 0.999, 15_015],
  ])('attempt %d with draw %d waits %d ms (jitter takes up to half)', (attempt, draw, expected) => {
    expect(backoffDelayMs(attempt, draw)).toBe(expected);
  });

  it.each([
    [-3, 500],
    [-1, 500],
    [0.7, 500],
    [1.9, 1_000],
  ])('treats attempt %d as a whole number of at least 0: %d ms', (attempt, expected) => {
    expect(backoffDelayMs(attempt, 0)).toBe(expected);
  });

  it('never leaves [max/2, max] once capped, for any draw', () => {
    for (let draw = 0; draw < 1; draw += 0.01) {
      const delay = backoffDelayMs(20, draw);
      expect(delay).toBeGreaterThan(DEFAULT_BACKOFF.maxMs / 2);
      expect(delay).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
    }
  });

  it('follows a custom policy', () => {
    const fast: BackoffPolicy = { initialMs: 50, maxMs: 300, jitter: 0 };
    expect([0, 1, 2, 3, 4].map((attempt) => backoffDelayMs(attempt, 0.9, fast))).toEqual([
      50, 100, 200, 300, 300,
    ]);
  });
});

describe('ReconnectSupervisor', () => {
  const policy = { initialMs: 100, maxMs: 1_000, jitter: 0 };
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('waits the backoff, reconnects, and schedules again when connect throws', () => {
    const notices: ReconnectNotice[] = [];
    let calls = 0;
    const supervisor = new ReconnectSupervisor({
      connect: () => {
        calls++;
        if (calls < 3) throw new Error(`refused ${calls}`);
      },
      stopped: () => false,
      random: () => 0,
      policy,
      onReconnecting: (n) => notices.push(n),
    });
    supervisor.schedule(new Error('socket closed'));
    jest.advanceTimersByTime(99);
    expect(calls).toBe(0);
    jest.advanceTimersByTime(1 + 200 + 400);
    expect(calls).toBe(3);
    expect(notices).toEqual([
      { attempt: 1, delayMs: 100, cause: 'socket closed' },
      { attempt: 2, delayMs: 200, cause: 'refused 1' },
      { attempt: 3, delayMs: 400, cause: 'refused 2' },
    ]);
    supervisor.succeeded();
    supervisor.schedule(null);
    expect(notices.at(-1)).toEqual({ attempt: 1, delayMs: 100, cause: null });
  });

  it('drops a due attempt once stopped, and cancel() clears the wait', () => {
    let stopped = false;
    const connect = jest.fn();
    const supervisor = new ReconnectSupervisor({
      connect,
      stopped: () => stopped,
      random: () => 0,
      policy,
    });
    supervisor.schedule(null);
    stopped = true;
    jest.advanceTimersByTime(1_000);
    expect(connect).not.toHaveBeenCalled();
    stopped = false;
    supervisor.schedule(null);
    supervisor.cancel();
    jest.advanceTimersByTime(10_000);
    expect(connect).not.toHaveBeenCalled();
  });
});
