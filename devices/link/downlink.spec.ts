import { encodePayload } from '../../src/protocol';
import { decodeDownlink } from './downlink';

const gatewayError = { code: 'invalid_message', message: 'cpu: too big', channel: 'telemetry' };

describe('decodeDownlink', () => {
  it.each(['cbor', 'json'] as const)('decodes a valid %s error message', (encoding) => {
    expect(decodeDownlink('error', encodePayload(gatewayError, encoding))).toEqual({
      ok: true,
      message: { channel: 'error', body: gatewayError },
    });
  });

  it.each([
    ['an empty payload', Buffer.alloc(0), 'payload is empty'],
    ['malformed CBOR', Buffer.from([0xbf, 0x61]), 'malformed cbor'],
    ['malformed JSON', Buffer.from('{"code":'), 'malformed json'],
    ['a CBOR array', encodePayload([1, 2], 'cbor'), 'must be a CBOR map'],
    ['a missing message', encodePayload({ code: 'x' }, 'cbor'), 'invalid error message: message'],
    ['a numeric code', encodePayload({ code: 1, message: 'm' }, 'json'), 'code'],
  ])('refuses %s with a reason', (_what, payload, reason) => {
    const result = decodeDownlink('error', payload);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});
