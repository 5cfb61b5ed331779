import { hello } from '../../test/support/fixtures';
import { type CoapSession, CoapSessions } from './coap-sessions';

describe('CoapSessions', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function sessions() {
    const expired: CoapSession[] = [];
    return { store: new CoapSessions((s) => expired.push(s)), expired };
  }

  it('expires a session after its lifetime without requests, and touching renews it', () => {
    const { store, expired } = sessions();
    const s = store.open('d-1', hello, 60, 'cbor');
    expect(s.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    jest.advanceTimersByTime(50_000);
    expect(store.touch(s.id)).toBe(s);
    jest.advanceTimersByTime(50_000);
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(10_001);
    expect(expired).toEqual([s]);
    expect(store.touch(s.id)).toBeNull();
    expect(store.ofDevice('d-1')).toBeUndefined();
  });

  it('replaces the session of a device that registers again, without calling it gone', () => {
    const { store, expired } = sessions();
    const ended: string[] = [];
    const first = store.open('d-1', hello, 60, 'cbor');
    first.observer = { notify: () => undefined, end: () => ended.push('first') };
    const second = store.open('d-1', hello, 60, 'json');
    expect(ended).toEqual(['first']);
    expect(store.touch(first.id)).toBeNull();
    expect(store.ofDevice('d-1')).toBe(second);
    jest.advanceTimersByTime(61_000);
    expect(expired).toEqual([second]);
  });

  it('says goodbye once, and closeAll ends everything quietly', () => {
    const { store, expired } = sessions();
    const a = store.open('a', hello, 60, 'cbor');
    store.open('b', hello, 60, 'cbor');
    store.close(a, true);
    store.close(a, true);
    expect(expired).toEqual([a]);
    store.closeAll();
    expect(store.size).toBe(0);
    jest.advanceTimersByTime(120_000);
    expect(expired).toEqual([a]);
  });
});
