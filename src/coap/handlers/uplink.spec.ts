import { decodePayload, encodePayload } from '../../protocol';
import { exchange, fakeWorld } from './testing/fake-context';
import { uplink } from './uplink';

const hello = {
  board: 'nrf52840',
  vm: { kind: 'wasm', version: '2.1.0' },
  firmware: 'riot-2025.01',
  limits: { ramBytes: 262144, flashBytes: 1048576, clockHz: 64_000_000, maxChunkBytes: 512 },
};
const event = encodePayload({ kind: 'publish', name: 'temp', value: 21500 }, 'json');

function world() {
  const w = fakeWorld();
  const session = w.ctx.sessions.open('nrf-01', '192.0.2.1:5683', hello as never, 60, 'cbor');
  return { ...w, session };
}

describe('CoAP POST /v1/{channel}', () => {
  it('routes a NON best-effort and answers 2.04 at once, remembering the encoding', async () => {
    const w = world();
    const { ex, res } = exchange({ payload: event }, w.session);
    await uplink('event')(w.ctx, ex);
    expect(res.code).toBe('2.04');
    await w.ctx.queue.drain();
    const via = { transport: 'coap', held: true };
    expect(w.routed).toEqual([{ deviceId: 'nrf-01', channel: 'event', delivery: undefined, via }]);
    expect(w.session.encoding).toBe('json');
  });

  it('answers a CON 2.04 only once the message is durable', async () => {
    const w = world();
    let commit!: () => void;
    w.durable.result = new Promise<void>((resolve) => (commit = resolve));
    const { ex, res } = exchange({ payload: event, confirmable: true }, w.session);
    await uplink('event')(w.ctx, ex);
    await w.ctx.queue.drain();
    expect(w.routed).toEqual([
      {
        deviceId: 'nrf-01',
        channel: 'event',
        delivery: 'confirmed',
        via: { transport: 'coap', held: true },
      },
    ]);
    expect(res.writableEnded).toBe(false);
    commit();
    await w.durable.result;
    await new Promise((r) => setImmediate(r));
    expect(res.code).toBe('2.04');
  });

  it('answers a CON 5.03 when the message could not be stored', async () => {
    const w = world();
    w.durable.result = Promise.reject(new Error('disk full'));
    w.durable.result.catch(() => undefined);
    const { ex, res } = exchange({ payload: event, confirmable: true }, w.session);
    await uplink('event')(w.ctx, ex);
    await w.ctx.queue.drain();
    await new Promise((r) => setImmediate(r));
    expect(res.code).toBe('5.03');
  });

  it('answers a refused body 4.00 with the error body of §6, routing nothing', async () => {
    const w = world();
    const { ex, res } = exchange({ payload: encodePayload({ kind: 'nope' }, 'json') }, w.session);
    await uplink('event')(w.ctx, ex);
    expect(res.code).toBe('4.00');
    expect(decodePayload(res.payload!).value).toMatchObject({ channel: 'event' });
    expect(w.routed).toEqual([]);
  });

  it('answers a body over the limit 4.13 with Size1', async () => {
    const w = world();
    const big = encodePayload({ kind: 'publish', name: 'x'.repeat(2000), value: 1 }, 'json');
    const { ex, res } = exchange({ payload: big }, w.session);
    await uplink('event')(w.ctx, ex);
    expect(res.code).toBe('4.13');
    expect(res.options.get('Size1')).toBe(1024);
  });

  it('ends the session on status offline', async () => {
    const w = world();
    const offline = encodePayload({ state: 'offline' }, 'cbor');
    const { ex, res } = exchange({ payload: offline }, w.session);
    await uplink('status')(w.ctx, ex);
    expect(res.code).toBe('2.04');
    expect(w.ctx.sessions.ofDevice('nrf-01')).toBeUndefined();
  });
});
