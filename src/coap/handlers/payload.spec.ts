import { DeploymentNotFoundError } from '../../common/domain-error';
import { refusalOf } from '../coap-responses';
import { payloadBlock } from './payload';
import { exchange, fakeWorld } from './testing/fake-context';

const hello = { board: 'b', vm: { kind: 'wasm', version: '1' } };

function world() {
  const w = fakeWorld();
  const session = w.ctx.sessions.open('nrf-01', '192.0.2.1:5683', hello as never, 60, 'cbor');
  return { ...w, session };
}

describe('CoAP GET /v1/ota/{deployment}', () => {
  it.each(['0', 'x', '12345678901'])('answers 4.04 for deployment "%s"', async (param) => {
    const w = world();
    const { ex } = exchange({}, w.session, param);
    await expect(payloadBlock(w.ctx, ex)).rejects.toMatchObject({ code: '4.04' });
  });

  it('answers 4.04 when the deployment sends this device nothing', async () => {
    const w = world();
    const { ex } = exchange({}, w.session, '3');
    await expect(payloadBlock(w.ctx, ex)).rejects.toMatchObject({ code: '4.04' });
  });

  it('lets a domain error through, to be answered with its mapped code', async () => {
    const w = world();
    w.payload.transfer = new DeploymentNotFoundError(3);
    const { ex } = exchange({}, w.session, '3');
    const err = await Promise.resolve(payloadBlock(w.ctx, ex)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refusalOf(err)).toEqual({
      code: '4.04',
      message: expect.stringContaining('no deployment 3'),
      fault: false,
    });
  });

  it('answers 4.02 for a malformed Block2 option', async () => {
    const w = world();
    w.payload.transfer = { payload: new Uint8Array(100), sent: () => undefined };
    const { ex } = exchange(
      { options: [{ name: 'Block2', value: Buffer.from([0x07]) }] },
      w.session,
      '3',
    );
    await expect(payloadBlock(w.ctx, ex)).rejects.toMatchObject({ code: '4.02' });
  });
});
