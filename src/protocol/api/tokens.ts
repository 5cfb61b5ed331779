import { z } from 'zod';

/*
 * API token responses (REST /api/tokens, README "Tokens and roles"). Roles are plain strings
 * here, as VM kinds are: a client displays them, and a newer gateway may know more.
 */

/** Least to most: each role may do all the ones before it may (src/common/roles.ts). */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const apiTokenSchema = z.looseObject({
  /** Public: names the token in lists and `DELETE /api/tokens/:id`. */
  id: z.string(),
  /** The person it was given to. */
  name: z.string(),
  role: z.string(),
  createdAt: z.string(),
  /** Updated at most once a minute. */
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiTokenView = z.infer<typeof apiTokenSchema>;

export const apiTokenListSchema = z.looseObject({ items: z.array(apiTokenSchema) });
export type ApiTokenList = z.infer<typeof apiTokenListSchema>;

/** `POST /api/tokens`: the secret is shown only here; the gateway keeps only its hash. */
export const createdApiTokenSchema = z.looseObject({
  token: apiTokenSchema,
  secret: z.string(),
});
export type CreatedApiToken = z.infer<typeof createdApiTokenSchema>;

/** `GET /api/tokens/me`: who the presented token belongs to. */
export const whoAmISchema = z.looseObject({
  /** `bootstrap`: the first-start token (VMFLEET_API_TOKEN or data/api-token); `token`: a person's. */
  kind: z.string(),
  /** null for the first-start token, which is in no table. */
  id: z.string().nullable(),
  name: z.string(),
  role: z.string(),
});
export type WhoAmI = z.infer<typeof whoAmISchema>;
