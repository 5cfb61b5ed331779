import { z } from 'zod';

/* App repository responses (docs/protocol.md §10.2; REST /api/apps, /api/signing-key). */

export const appSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  vm: z.string(),
  size: z.number(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'expected 64 hex digits'),
  sequence: z.number(),
  needs: z.looseObject({ ramBytes: z.number(), flashBytes: z.number(), stackBytes: z.number() }),
  kid: z.string(),
  createdAt: z.string(),
  /** "user" or "benchmark" (the gateway's `bench-*` images); older gateways leave it out. */
  origin: z.string().optional(),
});
export type App = z.infer<typeof appSchema>;

export const appListSchema = z.looseObject({ items: z.array(appSchema) });
export type AppList = z.infer<typeof appListSchema>;

export const signingKeySchema = z.looseObject({
  alg: z.string(),
  crv: z.string(),
  kid: z.string(),
  /** Base64 of the raw public key (32 bytes for Ed25519). */
  publicKey: z.string(),
});
export type SigningKey = z.infer<typeof signingKeySchema>;
