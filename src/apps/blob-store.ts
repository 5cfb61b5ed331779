import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** SHA-256 of some bytes, lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * App payloads on disk, addressed by their SHA-256: `<root>/<sha[0..2]>/<sha>`. Equal
 * payloads share one file. A blob is written to a temporary file in the same directory
 * and renamed into place, so a reader never sees half a blob, and writing one that is
 * already there changes nothing.
 */
export class BlobStore {
  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256 hex digest: "${sha256}"`);
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  /** Stores the bytes and returns their address. */
  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = sha256Hex(bytes);
    const file = this.pathOf(sha256);
    if (await this.has(sha256)) return sha256;
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await fs.writeFile(temp, bytes, { mode: 0o644 });
      await fs.rename(temp, file);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
    return sha256;
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(sha256));
      return true;
    } catch {
      return false;
    }
  }

  /** The blob's bytes, checked against its address; throws when it is missing or damaged. */
  async get(sha256: string): Promise<Uint8Array> {
    const bytes = await fs.readFile(this.pathOf(sha256));
    const actual = sha256Hex(bytes);
    if (actual !== sha256) {
      throw new Error(`blob ${this.pathOf(sha256)} is damaged: its content hashes to ${actual}`);
    }
    return bytes;
  }

  /** Removes the blob; a missing one is not an error. */
  async delete(sha256: string): Promise<void> {
    await fs.rm(this.pathOf(sha256), { force: true });
  }
}
