import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadOrCreateSigningKey } from './signing-key.service';

describe('loadOrCreateSigningKey', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-key-'));
    file = path.join(dir, 'signing-key.pem');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates an Ed25519 key in a 0600 file and reuses it', () => {
    const first = loadOrCreateSigningKey(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(first.publicKeyRaw).toHaveLength(32);
    const again = loadOrCreateSigningKey(file);
    expect(again.kid).toBe(first.kid);
    expect(Buffer.from(again.publicKeyRaw)).toEqual(Buffer.from(first.publicKeyRaw));
  });

  it('names the key by the first 16 hex chars of SHA-256 of the raw public key', () => {
    const key = loadOrCreateSigningKey(file);
    const expected = createHash('sha256').update(key.publicKeyRaw).digest('hex').slice(0, 16);
    expect(key.kid).toBe(expected);
    expect(key.kid).toMatch(/^[0-9a-f]{16}$/);
  });

  it('signs with the private half and verifies with the raw public bytes', () => {
    const key = loadOrCreateSigningKey(file);
    const signature = sign(null, Buffer.from('hello'), key.privateKey);
    const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex'); // RFC 8410 §4
    const der = Buffer.concat([spkiPrefix, key.publicKeyRaw]);
    expect(
      verify(null, Buffer.from('hello'), { key: der, format: 'der', type: 'spki' }, signature),
    ).toBe(true);
  });

  it('refuses a file holding another kind of key instead of replacing it', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
    fs.writeFileSync(file, pem);
    expect(() => loadOrCreateSigningKey(file)).toThrow(/holds a ec key.*Ed25519/);
    expect(fs.readFileSync(file, 'utf8')).toBe(pem);
    fs.writeFileSync(file, 'garbage');
    expect(() => loadOrCreateSigningKey(file)).toThrow(/not a PEM private key/);
  });
});
