import { EndpointBuckets } from './coap-rate-limit';

describe('EndpointBuckets', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  const takes = (b: EndpointBuckets, endpoint: string, n: number) =>
    Array.from({ length: n }, () => b.take(endpoint)).filter(Boolean).length;

  it('lets a burst through, then the rate, per endpoint', () => {
    const b = new EndpointBuckets({ ratePerS: 10, burst: 5, maxEndpoints: 100 }, clock);
    expect(takes(b, 'a:1', 8)).toBe(5);
    expect(takes(b, 'a:2', 8)).toBe(5); // another port is another endpoint
    now += 300; // 3 tokens back
    expect(takes(b, 'a:1', 8)).toBe(3);
    now += 60_000; // refilled to the burst, no further
    expect(takes(b, 'a:1', 8)).toBe(5);
  });

  it('is off at rate 0', () => {
    const b = new EndpointBuckets({ ratePerS: 0, burst: 1, maxEndpoints: 1 }, clock);
    expect(takes(b, 'a:1', 1000)).toBe(1000);
    expect(b.size).toBe(0);
  });

  it('keeps at most maxEndpoints buckets, forgetting the least recently used', () => {
    const b = new EndpointBuckets({ ratePerS: 1, burst: 1, maxEndpoints: 2 }, clock);
    expect(b.take('a')).toBe(true);
    expect(b.take('b')).toBe(true);
    expect(b.take('a')).toBe(false); // a is now the most recent
    expect(b.take('c')).toBe(true); // b goes
    expect(b.size).toBe(2);
    expect(b.take('a')).toBe(false); // a was kept, still empty
    expect(b.take('b')).toBe(true); // b starts afresh
  });
});
