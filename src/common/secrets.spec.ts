import { hashSecret, newSecret, secretsEqual, verifySecret } from './secrets';

describe('secrets', () => {
  it('verifies a token against its salted hash and nothing else', () => {
    const token = newSecret();
    const stored = hashSecret(token);
    expect(stored).not.toContain(token);
    expect(verifySecret(token, stored)).toBe(true);
    expect(verifySecret(token + 'x', stored)).toBe(false);
    expect(verifySecret(newSecret(), stored)).toBe(false);
  });

  it('salts: the same token hashes differently each time', () => {
    const token = newSecret();
    expect(hashSecret(token)).not.toEqual(hashSecret(token));
  });

  it.each(['', 'plain', 'md5$a$b', 'sha256$$', 'sha256$salt$'])(
    'rejects malformed stored value %p',
    (stored) => {
      expect(verifySecret('anything', stored)).toBe(false);
    },
  );

  it('compares secrets of different lengths without throwing', () => {
    expect(secretsEqual('a', 'abc')).toBe(false);
    expect(secretsEqual('same-secret', 'same-secret')).toBe(true);
  });
});
