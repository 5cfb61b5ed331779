import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { BACKUP_MANIFEST, type BackupManifest } from '../protocol/api';
import { tarEnd, tarHeader, tarPadding } from '../protocol/tar';

/** One member to archive: a file on disk, read when its turn comes. */
export interface ArchiveFile {
  /** The name inside the archive (relative, '/'-separated). */
  name: string;
  file: string;
  mode: number;
}

/** Waits for the stream to take more when it says it is full (a slow client). */
async function write(out: Writable, bytes: Uint8Array): Promise<void> {
  if (out.destroyed) throw new Error('the client went away');
  if (!out.write(bytes)) {
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        out.off('drain', done);
        out.off('close', closed);
        if (err) reject(err);
        else resolve();
      };
      const closed = () => done(new Error('the client went away'));
      out.on('drain', done);
      out.on('close', closed);
    });
  }
}

/**
 * Streams `files` as ustar members and then MANIFEST.json listing each with its SHA-256,
 * hashed as it is sent (one read per file). A file's size is taken from what was read, so a
 * file that changed between stat and read fails the archive instead of corrupting it.
 */
export async function writeArchive(
  out: Writable,
  files: ArchiveFile[],
  manifest: Pick<
    BackupManifest,
    'format' | 'createdAt' | 'gatewayVersion' | 'instance' | 'database'
  >,
): Promise<BackupManifest> {
  const listed: BackupManifest['files'] = [];
  const dirs = new Set<string>();
  for (const f of files) {
    for (let d = path.posix.dirname(f.name); d !== '.'; d = path.posix.dirname(d)) {
      if (dirs.has(d)) break;
      dirs.add(d);
    }
  }
  const now = Math.floor(Date.now() / 1000);
  for (const d of [...dirs].sort())
    await write(out, tarHeader({ name: d, type: 'directory', size: 0, mode: 0o700, mtime: now }));
  for (const f of files) {
    const stat = await fs.stat(f.file);
    await write(
      out,
      tarHeader({
        name: f.name,
        type: 'file',
        size: stat.size,
        mode: f.mode,
        mtime: stat.mtimeMs / 1000,
      }),
    );
    const hash = createHash('sha256');
    let sent = 0;
    const chunks = stat.size > 0 ? createReadStream(f.file, { end: stat.size - 1 }) : [];
    for await (const chunk of chunks) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      sent += bytes.length;
      await write(out, bytes);
    }
    if (sent !== stat.size) throw new Error(`${f.name} changed size while it was archived`);
    await write(out, tarPadding(sent));
    listed.push({ path: f.name, bytes: sent, sha256: hash.digest('hex') });
  }
  const full: BackupManifest = { ...manifest, files: listed };
  const body = new TextEncoder().encode(`${JSON.stringify(full, null, 2)}\n`);
  await write(
    out,
    tarHeader({ name: BACKUP_MANIFEST, type: 'file', size: body.length, mode: 0o600, mtime: now }),
  );
  await write(out, body);
  await write(out, tarPadding(body.length));
  await write(out, tarEnd());
  return full;
}
