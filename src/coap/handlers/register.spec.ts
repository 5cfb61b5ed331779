import { decodePayload, encodePayload } from '../../protocol';
import { CoapError } from '../coap-responses';
import { deregister, register } from './register';
import { exchange, fakeWorld } from './testing/fake-context';

const hello = {
  board: 'nrf52840',
  vm: { kind: 'wasm', version: '2.1.0' },
  firmware: 'riot-2025.01',
  limits: { ramBytes: 262144, flashBytes: 1048576, clockHz: 64_000_000, maxChunkBytes: 512 },
};
const body = (token: string) =>
  encodePayload({ id: 'nrf-01', token, hello, lifetime: 120 }, 'cbor');

describe('CoAP POST /v1/register', () => {
  it('opens a session for the right token and answers 2.01 {session, lifetime} in kind', async () => {
    const world = fakeWorld();
    const { ex, res } = exchange({ payload: body('right') });
    await register(world.ctx, ex);
    expect(res.code).toBe('2.01');
    expect(res.options.get('Content-Format')).toBe('application/cbor');
    const { value } = decodePayload(res.payload!);
    expect(value).toEqual({ session: world.ctx.sessions.ofDevice('nrf-01')?.id, lifetime: 120 });
    expect(world.logins.succeeded).toEqual(['nrf-01']);
  });

  it('refuses a wrong token with 4.01 and counts the failed login', async () => {
    const world = fakeWorld();
    const { ex } = exchange({ payload: body('wrong') });
    await expect(register(world.ctx, ex)).rejects.toMatchObject({ code: '4.01' });
    expect(world.logins.failed).toEqual(['nrf-01']);
    expect(world.ctx.sessions.ofDevice('nrf-01')).toBeUndefined();
  });

  it('answers a throttled login 4.29 with Max-Age, the token unchecked', async () => {
    const world = fakeWorld();
    world.logins.decision = { allow: false, retryAfterMs: 2500, by: 'address' };
    const { ex, res } = exchange({ payload: body('right') });
    await expect(register(world.ctx, ex)).rejects.toMatchObject({ code: '4.29' });
    expect(res.options.get('Max-Age')).toBe(3);
    expect(world.logins.succeeded).toEqual([]);
  });

  it.each([
    ['not CBOR or JSON', Buffer.from([0xff, 0x00])],
    ['no token', encodePayload({ id: 'nrf-01', hello }, 'json')],
  ])('answers 4.00 for a body that is %s', async (_what, payload) => {
    const world = fakeWorld();
    const { ex } = exchange({ payload });
    const err = await Promise.resolve(register(world.ctx, ex)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CoapError);
    expect(err).toMatchObject({ code: '4.00' });
  });
});

describe('CoAP DELETE /v1/register', () => {
  it('closes the session and answers 2.02', async () => {
    const world = fakeWorld();
    const session = world.ctx.sessions.open('nrf-01', '192.0.2.1:5683', hello as never, 60, 'cbor');
    const { ex, res } = exchange({}, session);
    await deregister(world.ctx, ex);
    expect(res.code).toBe('2.02');
    expect(world.ctx.sessions.ofDevice('nrf-01')).toBeUndefined();
  });
});
