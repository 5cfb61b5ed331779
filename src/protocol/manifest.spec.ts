import { createHash, generateKeyPairSync } from 'node:crypto';
import { Encoder, Tag } from 'cbor-x';
import { Manifest, ManifestError, manifestKid, signManifest, verifyManifest } from './manifest';

const keys = generateKeyPairSync('ed25519');
const manifest: Manifest = {
  name: 'blink',
  version: '1.2.0',
  vm: 'mips1',
  size: 232,
  sha256: createHash('sha256').update('payload').digest(),
  sequence: 7,
  needs: { ramBytes: 8192, flashBytes: 232, stackBytes: 1024 },
  createdAt: 1763700000000,
};
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    if (err instanceof ManifestError) return err.code;
    throw err;
  }
  throw new Error('expected a ManifestError');
};

describe('signed manifest (COSE_Sign1, Ed25519)', () => {
  it('round-trips through sign and verify, naming its key', () => {
    const cose = signManifest(manifest, keys.privateKey, 'kid-1');
    expect(cose[0]).toBe(0xd2); // CBOR tag 18
    const back = verifyManifest(cose, keys.publicKey);
    expect({ ...back, sha256: Buffer.from(back.sha256) }).toEqual({
      ...manifest,
      sha256: Buffer.from(manifest.sha256),
    });
    expect(manifestKid(cose)).toBe('kid-1');
    // Interop: the protected header is the plain map {1: -8}, a 3-byte bstr h'a10127'.
    expect(Buffer.from(cose).subarray(2, 6).toString('hex')).toBe('43a10127');
  });

  it('refuses a manifest signed by another key', () => {
    const other = generateKeyPairSync('ed25519');
    expect(
      codeOf(() => verifyManifest(signManifest(manifest, other.privateKey, 'x'), keys.publicKey)),
    ).toBe('bad_signature');
  });

  it('refuses any change to the signed bytes', () => {
    const cose = Buffer.from(signManifest(manifest, keys.privateKey, 'k'));
    const at = cose.indexOf(Buffer.from('blink'));
    cose[at] ^= 0x01; // "blink" → "clink"
    expect(codeOf(() => verifyManifest(cose, keys.publicKey))).toBe('bad_signature');
  });

  it.each([
    ['not CBOR at all', Buffer.from([0xff, 0x00])],
    [
      'an array of the wrong length',
      new Encoder({ useRecords: false }).encode(new Tag([1, 2], 18)),
    ],
    ['a map', new Encoder({ useRecords: false }).encode({ a: 1 })],
  ])('reports %s as malformed', (_what, bytes) => {
    expect(codeOf(() => verifyManifest(bytes, keys.publicKey))).toBe('malformed');
  });

  it('refuses an algorithm other than EdDSA', () => {
    const enc = new Encoder({ useRecords: false, mapsAsObjects: true });
    const forged = enc.encode(
      new Tag([enc.encode(new Map([[1, -7]])), new Map(), enc.encode({}), new Uint8Array(64)], 18),
    );
    expect(codeOf(() => verifyManifest(forged, keys.publicKey))).toBe('wrong_algorithm');
  });

  // Found by the fuzzer (test/fuzz, target manifest): a protected header of CBOR null or
  // undefined threw a TypeError out of verifyManifest instead of a ManifestError.
  it.each([
    ['null', 0xf6],
    ['undefined', 0xf7],
    ['a number', 0x01],
  ])('refuses a protected header that is %s as wrong_algorithm', (_what, item) => {
    const enc = new Encoder({ useRecords: false, mapsAsObjects: true });
    const cose = enc.encode([Buffer.of(item), new Map(), Buffer.alloc(0), Buffer.alloc(0)]);
    expect(codeOf(() => verifyManifest(cose, keys.publicKey))).toBe('wrong_algorithm');
  });
});
