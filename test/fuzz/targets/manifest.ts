import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Tag } from 'cbor-x';
import fc from 'fast-check';
import { encodeCbor } from '../../../src/protocol/cbor';
import {
  type Manifest,
  ManifestError,
  manifestKid,
  signManifest,
  verifyManifest,
} from '../../../src/protocol/manifest';
import { VM_KINDS } from '../../../src/protocol/vm';
import { type FuzzTarget, PropertyViolation } from '../harness';
import { mutationsOf } from '../mutate';
import { EDGE_VALUES } from './message-fixtures';

/** A fixed Ed25519 key (PKCS#8 of a constant seed), so a saved input replays the same way. */
const privateKey = createPrivateKey({
  key: Buffer.from('302e020100300506032b657004220420' + '15'.repeat(32), 'hex'),
  format: 'der',
  type: 'pkcs8',
});
const publicKey = createPublicKey(privateKey);

const count = fc.oneof(fc.nat(), fc.constantFrom(0, 2 ** 32, 2 ** 53 - 1));
const manifest: fc.Arbitrary<Manifest> = fc.record({
  name: fc.string({ minLength: 1, maxLength: 64 }),
  version: fc.string({ minLength: 1, maxLength: 64 }),
  vm: fc.constantFrom(...VM_KINDS),
  size: count,
  sha256: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  sequence: count,
  needs: fc.record({ ramBytes: count, flashBytes: count, stackBytes: count }),
  createdAt: count,
});

const signed = manifest.map((m) => signManifest(m, privateKey, 'gw-key-1'));

/**
 * COSE_Sign1 built from parts, signed correctly over whatever they are, so inputs get past
 * the signature into the header and manifest checks.
 */
const fromParts = fc
  .tuple(
    fc.oneof(
      fc.constant(encodeCbor(new Map([[1, -8]]))),
      fc.constantFrom(...EDGE_VALUES).map((v) => encodeCbor(v)),
      fc.uint8Array({ maxLength: 8 }),
    ),
    fc.oneof(fc.constant(new Map([[4, Buffer.from('k')]])), fc.constantFrom(...EDGE_VALUES)),
    fc.oneof(
      manifest.chain((m) =>
        fc
          .tuple(fc.constantFrom(...Object.keys(m)), fc.constantFrom(...EDGE_VALUES))
          .map(([key, value]) => encodeCbor({ ...m, [key]: value })),
      ),
      fc.uint8Array({ maxLength: 64 }),
    ),
    fc.boolean(),
  )
  .map(([protectedHeader, unprotected, payload, tagged]) => {
    const toBeSigned = encodeCbor(['Signature1', protectedHeader, new Uint8Array(0), payload]);
    const signature = sign(null, toBeSigned, privateKey);
    const body = [protectedHeader, unprotected, payload, signature];
    return encodeCbor(tagged ? new Tag(body, 18) : body);
  });

/** COSE_Sign1 manifests (RFC 9052): the kid peek and the verify + parse a device runs. */
export const manifestTarget: FuzzTarget = {
  name: 'manifest',
  covers: 'src/protocol/manifest.ts verifyManifest + manifestKid',
  ciRuns: 600,
  inputs: () => {
    const seeds = fc.sample(signed, { numRuns: 20, seed: 15 });
    return fc.oneof(
      { arbitrary: signed, weight: 1 },
      { arbitrary: fromParts, weight: 3 },
      { arbitrary: mutationsOf(seeds), weight: 3 },
      { arbitrary: fc.uint8Array({ maxLength: 200 }), weight: 1 },
    );
  },
  check: (input) => {
    documented(() => manifestKid(input));
    const m = documented(() => verifyManifest(input, publicKey));
    if (m === undefined) return 'refused';
    // A verified manifest, signed again, verifies to the same manifest.
    const again = verifyManifest(signManifest(m, privateKey, 'gw-key-1'), publicKey);
    if (
      !isDeepStrictEqual({ ...again, sha256: [...again.sha256] }, { ...m, sha256: [...m.sha256] })
    ) {
      throw new PropertyViolation('sign(verify(x)) does not verify to the same manifest');
    }
    return 'accepted';
  },
};

/** The manifest's contract: ManifestError or a value. */
function documented<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ManifestError) return undefined;
    throw err;
  }
}
