import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../../common/roles';

/** A person's API token as the domain sees it; the secret itself is never kept. */
export interface ApiToken {
  /** Public and short: names the token in lists, logs and `tokens revoke <id>`. */
  id: string;
  /** The person (or machine) it was given to. */
  name: string;
  role: Role;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface StoredApiToken extends ApiToken {
  secretHash: string;
}

const TOKEN_PREFIX = 'vmf';

/**
 * A new token: `vmf_<id>_<256 random bits, base64url>`. The id inside lets a person (or a
 * secret scanner) tell which token leaked without the table; it adds no secrecy.
 */
export function newApiTokenSecret(): { id: string; secret: string } {
  const id = `t${randomBytes(5).toString('hex')}`;
  return { id, secret: `${TOKEN_PREFIX}_${id}_${randomBytes(32).toString('base64url')}` };
}

/**
 * Unsalted SHA-256, hex. Salts and slow KDFs protect low-entropy passwords from guessing
 * and precomputed tables; a 256-bit random secret has nothing to guess or precompute, so
 * a plain fast hash is as safe, and being deterministic it lets a request be looked up by
 * its hash in one indexed query instead of checking every row. A stolen table gives no token.
 */
export function hashApiTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Cheap shape check before any lookup: a header of another form is not worth a query. */
export function looksLikeApiToken(secret: string): boolean {
  return /^vmf_t[0-9a-f]{10}_[A-Za-z0-9_-]{43}$/.test(secret);
}
