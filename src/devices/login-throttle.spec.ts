import { Backoff, type ThrottleOptions } from '../common/backoff';
import { LoginThrottle } from './login-throttle';

const options: ThrottleOptions = {
  freeFailures: 3,
  baseDelayMs: 1000,
  maxDelayMs: 8000,
  forgetAfterMs: 60_000,
  maxKeys: 4,
};

describe('Backoff', () => {
  it('lets the free failures through, then doubles the wait up to the cap', () => {
    const b = new Backoff(options);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      b.fail('a', 0);
      waits.push(b.waitMs('a', 0));
    }
    expect(waits).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 8000]);
  });

  it('forgets a key after forgetAfterMs without failures', () => {
    const b = new Backoff(options);
    for (let i = 0; i < 5; i++) b.fail('a', 0);
    expect(b.waitMs('a', 1000)).toBe(1000);
    expect(b.waitMs('a', 60_001)).toBe(0);
    expect(b.size).toBe(0);
  });

  it('keeps at most maxKeys keys, dropping the oldest', () => {
    const b = new Backoff(options);
    for (const k of ['a', 'b', 'c', 'd', 'e']) for (let i = 0; i < 4; i++) b.fail(k, 0);
    expect(b.size).toBe(4);
    expect(b.waitMs('a', 0)).toBe(0);
    expect(b.waitMs('e', 0)).toBe(1000);
  });
});

describe('LoginThrottle', () => {
  let now = 0;
  const throttle = () => new LoginThrottle(options, () => now);
  beforeEach(() => (now = 0));

  it('throttles the address that sends wrong logins, for any device id', () => {
    const t = throttle();
    for (let i = 0; i < 4; i++) t.failed(`dev-${i}`, '10.0.0.9');
    expect(t.check('dev-x', '10.0.0.9')).toEqual({
      allow: false,
      retryAfterMs: 1000,
      by: 'address',
    });
    expect(t.check('dev-x', '10.0.0.8')).toEqual({ allow: true });
    now = 1000;
    expect(t.check('dev-x', '10.0.0.9')).toEqual({ allow: true });
  });

  it('throttles guesses at one device from many addresses, but not from its own last address', () => {
    const t = throttle();
    t.succeeded('dev-a', '10.0.0.1');
    for (let i = 0; i < 4; i++) t.failed('dev-a', `10.0.1.${i}`);
    expect(t.check('dev-a', '10.0.1.200')).toEqual({
      allow: false,
      retryAfterMs: 1000,
      by: 'device',
    });
    expect(t.check('dev-a', '10.0.0.1')).toEqual({ allow: true });
  });

  it('clears the device count on a right login but keeps the address count', () => {
    const t = throttle();
    for (let i = 0; i < 4; i++) t.failed('dev-a', '10.0.0.9');
    t.succeeded('dev-a', '10.0.0.7');
    expect(t.check('dev-a', '10.0.0.5')).toEqual({ allow: true });
    expect(t.check('dev-b', '10.0.0.9').allow).toBe(false);
  });

  it('lets a device in from its own address while that address is throttled for others', () => {
    const t = throttle();
    t.succeeded('dev-a', '10.0.0.1'); // behind a NAT with a broken or hostile neighbour
    for (let i = 0; i < 10; i++) t.failed('dev-x', '10.0.0.1');
    expect(t.check('dev-x', '10.0.0.1').allow).toBe(false);
    expect(t.check('dev-new', '10.0.0.1').allow).toBe(false);
    expect(t.check('dev-a', '10.0.0.1')).toEqual({ allow: true });
  });

  it('still slows guesses at a device from its own address', () => {
    const t = throttle();
    t.succeeded('dev-a', '10.0.0.1');
    for (let i = 0; i < 4; i++) t.failed('dev-a', '10.0.0.1');
    expect(t.check('dev-a', '10.0.0.1')).toEqual({
      allow: false,
      retryAfterMs: 1000,
      by: 'device',
    });
    t.succeeded('dev-a', '10.0.0.1');
    expect(t.check('dev-a', '10.0.0.1')).toEqual({ allow: true });
  });
});
