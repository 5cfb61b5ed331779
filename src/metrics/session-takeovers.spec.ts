import { Logger } from '@nestjs/common';
import { MetricsService } from './metrics.service';
import { SessionTakeovers, TakeoverRate } from './session-takeovers';

describe('TakeoverRate', () => {
  const S = 1000;

  it.each([
    ['a restart now and then', [0, 30 * S, 90 * S, 200 * S], [null, null, null, null]],
    ['the threshold, not above it', [0, 1, 2], [null, null, null]],
    ['one warning when it goes above', [0, 1, 2, 3, 4], [null, null, null, 4, null]],
    [
      'again a window later if it goes on',
      [0, 1, 2, 3, 10 * S, 61 * S, 62 * S, 63 * S, 64 * S],
      [null, null, null, 4, null, null, null, 4, null],
    ],
  ])('%s', (_, times, expected) => {
    const rate = new TakeoverRate(3, 60 * S);
    expect(times.map((t) => rate.record('d-1', t))).toEqual(expected);
  });

  it('counts each device apart', () => {
    const rate = new TakeoverRate(1, 60 * S);
    expect([rate.record('a', 0), rate.record('b', 1), rate.record('a', 2)]).toEqual([
      null,
      null,
      2,
    ]);
  });

  it('forgets quiet devices', () => {
    const rate = new TakeoverRate(1, 60 * S);
    rate.record('a', 0);
    rate.prune(60 * S);
    expect(rate.record('a', 60 * S + 1)).toBeNull();
  });
});

describe('SessionTakeovers', () => {
  afterEach(() => jest.restoreAllMocks());

  it('counts every takeover and warns once a minute per fighting device, not per takeover', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const metrics = new MetricsService();
    const takeovers = new SessionTakeovers(metrics);
    // Two processes with one device's credentials: a takeover every 0.3 s for a minute.
    for (let t = 0; t < 60_000; t += 300) takeovers.record('mqtt', 'sim-1', t);
    takeovers.record('coap', 'c-1', 0);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(
      /^sim-1 \(mqtt\): session taken over 6 times in the last 60s: two clients are using/,
    );
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/vmfleet_session_takeovers_total\{transport="mqtt"\} 200/);
    expect(text).toMatch(/vmfleet_session_takeovers_total\{transport="coap"\} 1/);
  });
});
