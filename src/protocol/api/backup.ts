import { z } from 'zod';

/*
 * `GET /api/backup` answers a ustar archive (src/protocol/tar.ts) of the gateway's data dir;
 * its last member is MANIFEST.json, this shape, listing every other member with its SHA-256.
 */

export const BACKUP_MANIFEST = 'MANIFEST.json';

export const backupManifestSchema = z.looseObject({
  format: z.literal('vmfleet-backup/1'),
  createdAt: z.string(),
  gatewayVersion: z.string(),
  instance: z.string(),
  database: z.looseObject({
    kind: z.enum(['sqlite', 'postgres']),
    /** The newest migration the database had when it was copied. */
    migration: z.string().nullable(),
    /** SQLite: the member holding the online snapshot; PostgreSQL is not in the archive (pg_dump). */
    file: z.string().optional(),
  }),
  files: z.array(
    z.looseObject({
      path: z.string(),
      bytes: z.number().int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});
export type BackupManifest = z.infer<typeof backupManifestSchema>;
