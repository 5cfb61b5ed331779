import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKUP_MANIFEST, backupManifestSchema, type BackupManifest } from '../src/protocol/api';
import { parseTarHeader, TAR_BLOCK, TarFormatError, type TarHeader } from '../src/protocol/tar';
import { CliError } from './errors';

/** What reading a backup archive found. */
export interface CheckedBackup {
  manifest: BackupManifest;
  /** Bytes of the members the manifest lists. */
  bytes: number;
}

const CHUNK = 1 << 20;

function damaged(file: string, why: string): CliError {
  return new CliError(`${file} is not a usable vmfleet backup: ${why}`, undefined, 'bad_backup');
}

/**
 * Reads the archive once, front to back: every header checked, every member hashed, the
 * manifest (the last member) compared with what was read — sizes, SHA-256, nothing missing
 * and nothing extra. `onFile` sees each file member's bytes in order (the restore writes them).
 */
export function readBackup(
  file: string,
  onFile?: (header: TarHeader, chunk: Uint8Array | null) => void,
  onDirectory?: (header: TarHeader) => void,
): CheckedBackup {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    const seen = new Map<string, { bytes: number; sha256: string }>();
    const buffer = Buffer.alloc(CHUNK);
    let offset = 0;
    const readExactly = (n: number): Buffer => {
      const out = n <= CHUNK ? buffer.subarray(0, n) : Buffer.alloc(n);
      let got = 0;
      while (got < n) {
        const r = fs.readSync(fd, out, got, n - got, offset + got);
        if (r === 0) throw damaged(file, `it ends after ${offset + got} bytes (truncated)`);
        got += r;
      }
      offset += n;
      return out;
    };
    let manifestText: string | null = null;
    for (;;) {
      let header: TarHeader | null;
      try {
        header = parseTarHeader(new Uint8Array(readExactly(TAR_BLOCK)));
      } catch (err) {
        if (err instanceof TarFormatError)
          throw damaged(file, `at byte ${offset - TAR_BLOCK}: ${err.message}`);
        throw err;
      }
      if (header === null) break;
      if (manifestText !== null)
        throw damaged(file, `${header.name} comes after ${BACKUP_MANIFEST}, which must be last`);
      if (header.type === 'directory') {
        onDirectory?.(header);
        continue;
      }
      if (seen.has(header.name)) throw damaged(file, `${header.name} is in it twice`);
      const hash = createHash('sha256');
      const isManifest = header.name === BACKUP_MANIFEST;
      const parts: Buffer[] = [];
      for (let left = header.size; left > 0;) {
        const n = Math.min(left, CHUNK);
        const chunk = readExactly(n);
        hash.update(chunk);
        if (isManifest) parts.push(Buffer.from(chunk));
        else onFile?.(header, chunk);
        left -= n;
      }
      if (!isManifest) onFile?.(header, null);
      readExactly((TAR_BLOCK - (header.size % TAR_BLOCK)) % TAR_BLOCK);
      if (isManifest) manifestText = Buffer.concat(parts).toString('utf8');
      else seen.set(header.name, { bytes: header.size, sha256: hash.digest('hex') });
    }
    if (manifestText === null)
      throw damaged(file, `no ${BACKUP_MANIFEST} (the backup was cut short while it was taken)`);
    let json: unknown;
    try {
      json = JSON.parse(manifestText);
    } catch {
      throw damaged(file, `${BACKUP_MANIFEST} is not JSON`);
    }
    const parsed = backupManifestSchema.safeParse(json);
    if (!parsed.success)
      throw damaged(
        file,
        `${BACKUP_MANIFEST}: ${parsed.error.issues[0].path.join('.')} ${parsed.error.issues[0].message}`,
      );
    const manifest = parsed.data;
    let bytes = 0;
    for (const f of manifest.files) {
      const got = seen.get(f.path);
      if (!got) throw damaged(file, `${f.path} is listed in ${BACKUP_MANIFEST} but missing`);
      if (got.bytes !== f.bytes || got.sha256 !== f.sha256)
        throw damaged(
          file,
          `${f.path} does not match ${BACKUP_MANIFEST} (size or SHA-256: damaged)`,
        );
      seen.delete(f.path);
      bytes += f.bytes;
    }
    const extra = [...seen.keys()];
    if (extra.length) throw damaged(file, `${extra[0]} is not listed in ${BACKUP_MANIFEST}`);
    return { manifest, bytes };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Unpacks a checked archive into `dataDir`, which must not exist or be empty: the files go
 * into a sibling directory first and it is renamed into place only when every file was
 * written and the archive checked, so a damaged backup leaves nothing behind.
 */
export function restoreBackup(file: string, dataDir: string): CheckedBackup {
  const target = path.resolve(dataDir);
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0) {
    throw new CliError(
      `${target} is not empty: restore into a new data dir (stop the gateway, move the old one away)`,
      undefined,
      'data_dir_not_empty',
    );
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = fs.mkdtempSync(`${target}.restoring-`);
  try {
    let fd: number | null = null;
    const checked = readBackup(
      file,
      (header, chunk) => {
        const dest = path.join(staging, ...header.name.split('/'));
        if (fd === null) {
          fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
          fd = fs.openSync(dest, 'wx', header.mode & 0o777);
        }
        if (chunk) fs.writeSync(fd, chunk);
        else {
          fs.fsyncSync(fd);
          fs.closeSync(fd);
          fd = null;
        }
      },
      (header) =>
        fs.mkdirSync(path.join(staging, ...header.name.split('/')), {
          recursive: true,
          mode: 0o700,
        }),
    );
    fs.chmodSync(staging, 0o700);
    if (fs.existsSync(target)) fs.rmdirSync(target);
    fs.renameSync(staging, target);
    return checked;
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}
