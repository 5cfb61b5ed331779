import { Tag } from 'cbor-x';
import { sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { decodeCbor, encodeCbor } from './cbor';
import { vmKindSchema, type VmKind } from './vm';

/**
 * The signed app manifest: a CBOR map (in the spirit of SUIT, RFC 9124) carried as the
 * payload of a COSE_Sign1 (RFC 9052 §4.2) signed with the gateway's Ed25519 key.
 * Devices refuse any manifest not signed by that key or older than what they run.
 */
export interface Manifest {
  name: string;
  version: string;
  vm: VmKind;
  /** Payload size in bytes. */
  size: number;
  /** SHA-256 of the payload. */
  sha256: Uint8Array;
  /** Strictly increasing across the repository: anti-rollback. */
  sequence: number;
  needs: { ramBytes: number; flashBytes: number; stackBytes: number };
  createdAt: number;
}

export class ManifestError extends Error {
  constructor(
    readonly code: 'malformed' | 'wrong_algorithm' | 'wrong_key' | 'bad_signature',
    message: string,
  ) {
    super(message);
  }
}

/** RFC 9052 §3.1 header labels and RFC 9053 §2.2 algorithm id. */
const HEADER_ALG = 1;
const HEADER_KID = 4;
const ALG_EDDSA = -8;
const COSE_SIGN1_TAG = 18;

const count = z.number().int().nonnegative();
const manifestSchema = z.object({
  name: z.string().min(1).max(64),
  version: z.string().min(1).max(64),
  vm: vmKindSchema,
  size: count,
  sha256: z.instanceof(Uint8Array).refine((b) => b.length === 32, 'sha256 must be 32 bytes'),
  sequence: count,
  needs: z.object({ ramBytes: count, flashBytes: count, stackBytes: count }),
  createdAt: count,
});

/** Signs a manifest: COSE_Sign1 = tag 18 [protected, unprotected, payload, signature]. */
export function signManifest(m: Manifest, privateKey: KeyObject, kid: string): Uint8Array {
  const payload = encodeCbor({ ...m, sha256: new Uint8Array(m.sha256) });
  const protectedHeader = encodeCbor(new Map([[HEADER_ALG, ALG_EDDSA]]));
  const signature = sign(null, sigStructure(protectedHeader, payload), privateKey);
  const unprotected = new Map([[HEADER_KID, Buffer.from(kid, 'utf8')]]);
  return encodeCbor(new Tag([protectedHeader, unprotected, payload, signature], COSE_SIGN1_TAG));
}

/** Verifies the signature with `publicKey`, then decodes the manifest. Throws ManifestError. */
export function verifyManifest(cose: Uint8Array, publicKey: KeyObject): Manifest {
  const [protectedHeader, , payload, signature] = coseParts(cose);
  // RFC 9052 §3: the protected header is a serialized map; anything else (null, undefined,
  // a number) names no algorithm.
  const header = decodeOr(protectedHeader, 'protected header');
  const alg =
    header !== null && typeof header === 'object'
      ? (header as Record<string, unknown>)[HEADER_ALG]
      : undefined;
  if (alg !== ALG_EDDSA) {
    throw new ManifestError('wrong_algorithm', `manifest alg ${String(alg)} is not EdDSA (-8)`);
  }
  if (!verify(null, sigStructure(protectedHeader, payload), publicKey, signature)) {
    throw new ManifestError(
      'bad_signature',
      'manifest signature does not verify with the gateway key',
    );
  }
  const parsed = manifestSchema.safeParse(decodeOr(payload, 'manifest'));
  if (!parsed.success)
    throw new ManifestError('malformed', `manifest: ${parsed.error.issues[0].message}`);
  return parsed.data;
}

/** The key id a COSE_Sign1 names, without verifying anything. */
export function manifestKid(cose: Uint8Array): string | undefined {
  const unprotected = coseParts(cose)[1] as Record<string, unknown>;
  const kid = unprotected?.[HEADER_KID];
  return kid instanceof Uint8Array ? Buffer.from(kid).toString('utf8') : undefined;
}

/** RFC 9052 §4.4: Sig_structure = ["Signature1", body_protected, external_aad, payload]. */
function sigStructure(protectedHeader: Uint8Array, payload: Uint8Array): Uint8Array {
  return encodeCbor(['Signature1', protectedHeader, new Uint8Array(0), payload]);
}

function coseParts(cose: Uint8Array): [Uint8Array, unknown, Uint8Array, Uint8Array] {
  const value = decodeOr(cose, 'COSE_Sign1');
  const body =
    value instanceof Tag && value.tag === COSE_SIGN1_TAG ? (value.value as unknown) : value;
  const bytes = (v: unknown) => v instanceof Uint8Array;
  if (
    !Array.isArray(body) ||
    body.length !== 4 ||
    !bytes(body[0]) ||
    !bytes(body[2]) ||
    !bytes(body[3])
  ) {
    throw new ManifestError(
      'malformed',
      'not a COSE_Sign1 [protected, unprotected, payload, signature]',
    );
  }
  return body as [Uint8Array, unknown, Uint8Array, Uint8Array];
}

function decodeOr(bytes: Uint8Array, what: string): unknown {
  try {
    return decodeCbor(bytes);
  } catch (err) {
    throw new ManifestError('malformed', `${what}: ${(err as Error).message}`);
  }
}
