import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BlobStore, sha256Hex } from './blob-store';

describe('BlobStore', () => {
  let root: string;
  let store: BlobStore;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-blobs-'));
    store = new BlobStore(path.join(root, 'blobs'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const bytes = Uint8Array.from([1, 2, 3, 4, 5]);
  const sha = sha256Hex(bytes);

  it('hashes with SHA-256', () => {
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('stores content-addressed under <sha[0..2]>/<sha> and reads it back', async () => {
    await expect(store.put(bytes)).resolves.toBe(sha);
    const file = path.join(root, 'blobs', sha.slice(0, 2), sha);
    expect(fs.readFileSync(file)).toEqual(Buffer.from(bytes));
    await expect(store.get(sha)).resolves.toEqual(Buffer.from(bytes));
    await expect(store.has(sha)).resolves.toBe(true);
  });

  it('is idempotent and leaves no temporary files', async () => {
    await store.put(bytes);
    const file = store.pathOf(sha);
    const before = fs.statSync(file).mtimeMs;
    await Promise.all([store.put(bytes), store.put(Uint8Array.from(bytes))]);
    expect(fs.statSync(file).mtimeMs).toBe(before);
    expect(fs.readdirSync(path.dirname(file))).toEqual([sha]);
  });

  it('writes concurrent first puts of one blob without a partial file', async () => {
    const big = new Uint8Array(256 * 1024).map((_, i) => i * 7);
    const shas = await Promise.all(Array.from({ length: 8 }, () => store.put(big)));
    expect(new Set(shas).size).toBe(1);
    expect(fs.readdirSync(path.dirname(store.pathOf(shas[0])))).toEqual([shas[0]]);
    await expect(store.get(shas[0])).resolves.toEqual(Buffer.from(big));
  });

  it('deletes, and deleting a missing blob is fine', async () => {
    await store.put(bytes);
    await store.delete(sha);
    await expect(store.has(sha)).resolves.toBe(false);
    await expect(store.delete(sha)).resolves.toBeUndefined();
    await expect(store.get(sha)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a damaged blob and a malformed address', async () => {
    await store.put(bytes);
    fs.writeFileSync(store.pathOf(sha), 'tampered');
    await expect(store.get(sha)).rejects.toThrow(/damaged/);
    expect(() => store.pathOf('../../etc/passwd')).toThrow(/not a SHA-256/);
    expect(() => store.pathOf(sha.toUpperCase())).toThrow(/not a SHA-256/);
  });
});
