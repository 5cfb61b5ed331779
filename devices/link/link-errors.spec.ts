import { authRefusalCode } from './link-errors';

function withCode(code: unknown): Error {
  return Object.assign(new Error('x'), { code });
}

describe('authRefusalCode', () => {
  it.each([
    [4, 4], // MQTT 3.1.1: bad user name or password
    [5, 5], // MQTT 3.1.1: not authorized
    [0x86, 0x86], // MQTT 5: bad user name or password
    [0x87, 0x87], // MQTT 5: not authorized
    [3, null], // server unavailable: worth retrying
    [2, null], // identifier rejected
    ['ECONNREFUSED', null],
    [undefined, null],
  ])('CONNACK/socket code %p -> %p', (code, expected) => {
    expect(authRefusalCode(withCode(code))).toBe(expected);
  });

  it('is null without an error', () => {
    expect(authRefusalCode(null)).toBeNull();
  });
});
