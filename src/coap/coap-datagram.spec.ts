import { generate } from 'coap-packet';
import { inspectDatagram, resetFor } from './coap-datagram';

const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');

describe('inspectDatagram (RFC 7252 §3)', () => {
  it.each([
    ['a CON GET with token, options and payload', generateGet(), 'request', 'CON'],
    ['an empty CON (CoAP ping)', hex('40 00 12 34'), 'empty', 'CON'],
    ['an empty ACK', hex('60 00 12 34'), 'empty', 'ACK'],
    ['an RST', hex('70 00 12 34'), 'empty', 'RST'],
    ['a NON 2.05 response', hex('51 45 00 01 aa'), 'response', 'NON'],
    ['a 13-nibble option delta (Size1 60)', hex('40 02 00 01 d1 2f 10'), 'request', 'CON'],
    [
      'a 14-nibble option length',
      hex(`40 02 00 01 be 00 00 ${'61'.repeat(269)}`),
      'request',
      'CON',
    ],
  ])('takes %s', (_what, datagram, kind, type) => {
    expect(inspectDatagram(datagram)).toMatchObject({ kind, type });
  });

  it.each([
    ['nothing', ''],
    ['three bytes', '40 01 00'],
    ['version 0', '00 01 00 01'],
    ['version 2', '80 01 00 01'],
    ['token length 9', `49 01 00 01 ${'00'.repeat(9)}`],
    ['token length 15', `4f 01 00 01 ${'00'.repeat(15)}`],
    ['a token past the end', '44 01 00 01 aa bb'],
    ['an empty message with a token', '41 00 00 01 aa'],
    ['an empty message with a payload', '40 00 00 01 ff 61'],
    ['reserved class 1', '40 20 00 01'],
    ['reserved class 6', '40 c0 00 01'],
    ['reserved class 7', '40 e0 00 01'],
    ['a payload marker without payload', '40 01 00 01 ff'],
    ['option delta 15 (not the marker)', '40 01 00 01 f1 61'],
    ['option length 15', '40 01 00 01 bf 61'],
    ['an option value past the end', '40 01 00 01 b4 61 62'],
    ['a 13-delta missing its byte', '40 01 00 01 d0'],
    ['a 14-length missing a byte', '40 01 00 01 be 00'],
  ])('calls %s invalid', (_what, datagram) => {
    expect(inspectDatagram(hex(datagram)).kind).toBe('invalid');
  });

  it('answers a ping with the matching RST (§4.2)', () => {
    expect(resetFor(0xbeef)).toEqual(hex('70 00 be ef'));
    expect(inspectDatagram(resetFor(7))).toEqual({ kind: 'empty', type: 'RST', messageId: 7 });
  });
});

function generateGet(): Buffer {
  return generate({
    code: '0.01',
    messageId: 1,
    token: Buffer.from('abcd', 'hex'),
    confirmable: true,
    options: [
      { name: 'Uri-Path', value: Buffer.from('v1') },
      { name: 'Uri-Query', value: Buffer.from('s=x') },
    ],
    payload: Buffer.from('hi'),
  });
}
