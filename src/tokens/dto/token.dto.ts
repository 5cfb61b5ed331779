import { z } from 'zod';
import { ROLES } from '../../common/roles';
import type { ApiTokenView } from '../../protocol/api';
import type { ApiToken } from '../domain/api-token';

export const createTokenSchema = z.object({
  /** Who gets it: a person, or a machine such as `ci`. */
  name: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._@+-]*$/u, 'letters, digits, spaces and . _ @ + -'),
  role: z.enum(ROLES),
});
export type CreateTokenInput = z.infer<typeof createTokenSchema>;

export const tokenIdSchema = z.string().regex(/^t[0-9a-f]{10}$/, 'a token id such as t3f9a1c2b04');

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function tokenView(t: ApiToken): ApiTokenView {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    createdAt: new Date(t.createdAt).toISOString(),
    lastUsedAt: iso(t.lastUsedAt),
    revokedAt: iso(t.revokedAt),
  };
}
