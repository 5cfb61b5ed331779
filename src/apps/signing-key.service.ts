import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG, Config } from '../config/config';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The 32 raw bytes of the Ed25519 public key (RFC 8032 §5.1.5). */
  publicKeyRaw: Uint8Array;
  /** First 16 hex chars of SHA-256(raw public key). */
  kid: string;
}

export const SIGNING_KEY_FILE = 'signing-key.pem';

/**
 * The gateway's Ed25519 key from `file` (PKCS#8 PEM), generated there on first use with
 * mode 0600. Refuses a file that holds any other kind of key rather than replacing it:
 * devices trust the key they were given.
 */
export function loadOrCreateSigningKey(file: string): SigningKey {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    pem = createKeyFile(file);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new Error(`${file} is not a PEM private key (${(err as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(
      `${file} holds a ${privateKey.asymmetricKeyType} key; the gateway signs with Ed25519: move the file away to get a new key`,
    );
  }
  const publicKey = createPublicKey(privateKey);
  const publicKeyRaw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const kid = createHash('sha256').update(publicKeyRaw).digest('hex').slice(0, 16);
  return { privateKey, publicKey, publicKeyRaw, kid };
}

function createKeyFile(file: string): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    // 'wx': if two starts race, the first key wins and both use it.
    fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    return pem;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return fs.readFileSync(file, 'utf8');
  }
}

/** The key the gateway signs app manifests with, kept in the data dir across restarts. */
@Injectable()
export class SigningKeyService {
  readonly key: SigningKey;

  constructor(@Inject(CONFIG) config: Config) {
    const file = path.join(config.dataDir, SIGNING_KEY_FILE);
    this.key = loadOrCreateSigningKey(file);
    new Logger('Apps').log(`manifest signing key ${this.key.kid} (${file})`);
  }

  /** The public half as devices and clients fetch it (RFC 8037 names). */
  describe(): { alg: 'EdDSA'; crv: 'Ed25519'; kid: string; publicKey: string } {
    return {
      alg: 'EdDSA',
      crv: 'Ed25519',
      kid: this.key.kid,
      publicKey: Buffer.from(this.key.publicKeyRaw).toString('base64'),
    };
  }
}
