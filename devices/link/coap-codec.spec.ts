import {
  blockAt,
  decodeBlock,
  decodeUint,
  encodeBlock,
  encodeUint,
  isFreshNotification,
  parseCoapUrl,
  uriOptions,
} from './coap-codec';

describe('CoAP option values', () => {
  it.each([
    [0, ''],
    [1, '01'],
    [60, '3c'],
    [255, 'ff'],
    [256, '0100'],
    [0x123456, '123456'],
  ])('uint %d is %s', (value, hex) => {
    expect(encodeUint(value).toString('hex')).toBe(hex);
    expect(decodeUint(Buffer.from(hex, 'hex'))).toBe(value);
  });

  it.each([
    [{ num: 0, more: true, szx: 6 }, '0e'],
    [{ num: 2, more: false, szx: 6 }, '26'],
    [{ num: 128, more: false, szx: 0 }, '0800'],
    [{ num: 0, more: false, szx: 0 }, ''],
  ])('block %o is %s (RFC 7959 §2.2)', (block, hex) => {
    expect(encodeBlock(block).toString('hex')).toBe(hex);
    expect(decodeBlock(Buffer.from(hex, 'hex'))).toEqual(block);
  });

  it('refuses the reserved SZX 7', () => {
    expect(decodeBlock(Buffer.from([0x07]))).toBeNull();
  });

  it('splits a path into Uri-Path options and adds the query', () => {
    expect(uriOptions('/v1/telemetry', ['s=abc']).map((o) => [o.name, String(o.value)])).toEqual([
      ['Uri-Path', 'v1'],
      ['Uri-Path', 'telemetry'],
      ['Uri-Query', 's=abc'],
    ]);
  });
});

describe('blockAt', () => {
  it.each([
    [0, 1024, { num: 0, szx: 6 }],
    [2048, 1024, { num: 2, szx: 6 }],
    [2048, 952, { num: 2, szx: 6 }], // the last, shorter chunk of a payload
    [192, 64, { num: 3, szx: 2 }],
    [2048, 10, { num: 128, szx: 0 }],
    [512, 1024, { num: 1, szx: 5 }], // offset not on a 1024 boundary: smaller block
  ])('offset %d length %d is %o', (offset, length, block) => {
    expect(blockAt(offset, length)).toEqual(block);
  });

  it('is null when no block size divides the offset', () => {
    expect(blockAt(100, 64)).toBeNull();
  });
});

describe('isFreshNotification (RFC 7641 §3.4)', () => {
  it.each([
    ['a first notification', null, { seq: 5, at: 0 }, true],
    ['a higher number', { seq: 5, at: 0 }, { seq: 6, at: 1 }, true],
    ['the same number', { seq: 5, at: 0 }, { seq: 5, at: 1 }, false],
    ['a lower number', { seq: 6, at: 0 }, { seq: 5, at: 1 }, false],
    ['a number that wrapped', { seq: 2 ** 24 - 1, at: 0 }, { seq: 1, at: 1 }, true],
    ['a number far ahead (really older)', { seq: 1, at: 0 }, { seq: 2 ** 23 + 2, at: 1 }, false],
    ['a lower number 128 s later', { seq: 6, at: 0 }, { seq: 5, at: 128_001 }, true],
  ])('%s', (_what, previous, next, fresh) => {
    expect(isFreshNotification(previous, next)).toBe(fresh);
  });
});

describe('parseCoapUrl', () => {
  it.each([
    ['coap://127.0.0.1:5684', { host: '127.0.0.1', port: 5684, family: 'udp4' }],
    ['coap://gateway.local', { host: 'gateway.local', port: 5683, family: 'udp4' }],
    ['coap://[::1]:5683', { host: '::1', port: 5683, family: 'udp6' }],
  ])('%s', (url, address) => {
    expect(parseCoapUrl(url)).toEqual(address);
  });

  it.each(['mqtt://127.0.0.1:1883', '127.0.0.1:5683', 'coaps://127.0.0.1'])('refuses %s', (url) => {
    expect(() => parseCoapUrl(url)).toThrow('must look like coap://');
  });
});
