import { hello } from '../../test/support/fixtures';
import { type CoapSession, CoapSessions } from './coap-sessions';

const EP = '127.0.0.1:40000';

describe('CoapSessions', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function sessions() {
    const expired: CoapSession[] = [];
    return { store: new CoapSessions((s) => expired.push(s)), expired };
  }

  it('expires a session after its lifetime without requests, and touching renews it', () => {
    const { store, expired } = sessions();
    const s = store.open('d-1', EP, hello, 60, 'cbor');
    expect(s.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    jest.advanceTimersByTime(50_000);
    expect(store.touch(s.id, EP)).toBe(s);
    jest.advanceTimersByTime(50_000);
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(10_001);
    expect(expired).toEqual([s]);
    expect(store.touch(s.id, EP)).toBe('unknown');
    expect(store.ofDevice('d-1')).toBeUndefined();
  });

  it('replaces the session of a device that registers again, without calling it gone', () => {
    const { store, expired } = sessions();
    const ended: string[] = [];
    const first = store.open('d-1', EP, hello, 60, 'cbor');
    first.observer = { notify: () => undefined, end: () => ended.push('first') };
    const second = store.open('d-1', EP, hello, 60, 'json');
    expect(ended).toEqual(['first']);
    expect(store.touch(first.id, EP)).toBe('unknown');
    expect(store.ofDevice('d-1')).toBe(second);
    jest.advanceTimersByTime(61_000);
    expect(expired).toEqual([second]);
  });

  it('works from the registering endpoint only, until the device registers from another', () => {
    const { store, expired } = sessions();
    const s = store.open('d-1', EP, hello, 60, 'cbor');
    jest.advanceTimersByTime(50_000);
    expect(store.touch(s.id, '127.0.0.1:40001')).toBe('elsewhere');
    expect(store.touch(s.id, '10.0.0.2:40000')).toBe('elsewhere');
    jest.advanceTimersByTime(10_001); // a refused request renews nothing
    expect(expired).toEqual([s]);
    const moved = store.open('d-1', '127.0.0.1:40001', hello, 60, 'cbor');
    expect(store.touch(moved.id, '127.0.0.1:40001')).toBe(moved);
    expect(store.touch(moved.id, EP)).toBe('elsewhere');
  });

  it('says goodbye once, and closeAll ends everything quietly', () => {
    const { store, expired } = sessions();
    const a = store.open('a', EP, hello, 60, 'cbor');
    store.open('b', EP, hello, 60, 'cbor');
    store.close(a, true);
    store.close(a, true);
    expect(expired).toEqual([a]);
    store.closeAll();
    expect(store.size).toBe(0);
    jest.advanceTimersByTime(120_000);
    expect(expired).toEqual([a]);
  });
});
