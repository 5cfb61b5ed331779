import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh 256-bit secret, URL-safe, for device tokens and the API token. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Salted SHA-256. Tokens are 256-bit random values, not passwords: nothing can be
 * guessed, so a slow KDF would only slow every device connect (and a reconnect storm)
 * without adding safety. Format: `sha256$<salt>$<hash>`, both base64url.
 */
export function hashSecret(secret: string): string {
  const salt = randomBytes(16).toString('base64url');
  return `sha256$${salt}$${digest(salt, secret)}`;
}

export function verifySecret(secret: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'sha256' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = Buffer.from(digest(salt, secret), 'base64url');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Constant-time comparison of two secrets of any length. */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

function digest(salt: string, secret: string): string {
  return createHash('sha256').update(salt).update(secret).digest('base64url');
}
