import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { SIGNING_KEY_FILE } from '../apps/signing-key.service';
import { CLUSTER_CONFIG, type ClusterConfig } from '../cluster/cluster-config';
import { CONFIG, type Config } from '../config/config';
import type { BackupManifest } from '../protocol/api';
import { VERSION } from '../version';
import { type ArchiveFile, writeArchive } from './backup-archive';

/** The data dir's own files a restore needs, beside the database (docs/operations.md "Backups"). */
const SECRET_FILES = [SIGNING_KEY_FILE, 'api-token'];
const DATABASE_MEMBER = 'vmfleet.sqlite';

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Every finished blob under `root` (a put in progress is a `.tmp` file and is left out). */
async function blobFiles(root: string): Promise<ArchiveFile[]> {
  if (!(await exists(root))) return [];
  const out: ArchiveFile[] = [];
  for (const prefix of (await fs.readdir(root)).sort()) {
    const dir = path.join(root, prefix);
    if (!(await fs.stat(dir)).isDirectory()) continue;
    for (const name of (await fs.readdir(dir)).sort()) {
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      out.push({ name: `blobs/${prefix}/${name}`, file: path.join(dir, name), mode: 0o644 });
    }
  }
  return out;
}

/**
 * A consistent copy of everything a gateway needs to start again where it was: the SQLite
 * database (an online snapshot through SQLite's backup API, so devices keep publishing
 * while it is taken), the manifest signing key (devices trust only it), the first-start API
 * token, the self-signed TLS pair, and the app blobs. On PostgreSQL the database is the
 * server's to back up (pg_dump); the archive holds the files.
 */
@Injectable()
export class BackupService {
  private readonly logger = new Logger(BackupService.name);

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLUSTER_CONFIG) private readonly cluster: ClusterConfig,
    private readonly db: DataSource,
  ) {}

  async stream(out: Writable): Promise<BackupManifest> {
    const temp = await fs.mkdtemp(path.join(os.tmpdir(), 'vmfleet-backup-'));
    try {
      const files: ArchiveFile[] = [];
      const migration = await this.lastMigration();
      if (this.config.database.kind === 'sqlite') {
        const snapshot = path.join(temp, DATABASE_MEMBER);
        await this.sqlite().backup(snapshot);
        files.push({ name: DATABASE_MEMBER, file: snapshot, mode: 0o600 });
      }
      for (const name of SECRET_FILES) {
        const file = path.join(this.config.dataDir, name);
        if (await exists(file)) files.push({ name, file, mode: 0o600 });
      }
      const tls = this.config.tls;
      if (tls.generate) {
        for (const [name, file, mode] of [
          ['tls/cert.pem', tls.certFile, 0o644],
          ['tls/key.pem', tls.keyFile, 0o600],
        ] as const)
          if (await exists(file)) files.push({ name, file, mode });
      }
      files.push(...(await blobFiles(path.join(this.config.dataDir, 'blobs'))));
      const manifest = await writeArchive(out, files, {
        format: 'vmfleet-backup/1',
        createdAt: new Date().toISOString(),
        gatewayVersion: VERSION,
        instance: this.cluster.instanceId,
        database: {
          kind: this.config.database.kind,
          migration,
          ...(this.config.database.kind === 'sqlite' ? { file: DATABASE_MEMBER } : {}),
        },
      });
      const bytes = manifest.files.reduce((n, f) => n + f.bytes, 0);
      this.logger.log(`backup: ${manifest.files.length} files, ${bytes} bytes`);
      return manifest;
    } finally {
      await fs.rm(temp, { recursive: true, force: true });
    }
  }

  private sqlite(): Database {
    const driver = this.db.driver as unknown as { databaseConnection?: Database };
    if (!driver.databaseConnection?.backup) throw new Error('the SQLite driver has no backup API');
    return driver.databaseConnection;
  }

  private async lastMigration(): Promise<string | null> {
    const rows = await this.db.query<{ name: string }[]>(
      'SELECT name FROM migrations ORDER BY id DESC LIMIT 1',
    );
    return rows[0]?.name ?? null;
  }
}
