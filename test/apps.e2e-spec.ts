import Database from 'better-sqlite3';
import { Encoder, Tag } from 'cbor-x';
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppsService } from '../src/apps/apps.service';
import { manifestKid, verifyManifest } from '../src/protocol/manifest';
import { startTestGateway, TestGateway } from './support/gateway';

const image = (name: string) =>
  new Uint8Array(
    fs.readFileSync(path.join(__dirname, '..', 'firmware', 'build', 'mips1', `${name}.m1`)),
  );
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const MiB = 1024 * 1024;

describe('app repository over REST (e2e)', () => {
  let gw: TestGateway;
  const fibonacci = image('fibonacci');

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await gw.stop();
  });

  async function upload(fields: Record<string, string>, payload?: Uint8Array) {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    if (payload) form.append('file', new Blob([Buffer.from(payload)]), 'app.m1');
    const res = await fetch(`${gw.httpUrl}/api/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.apiToken}` },
      body: form,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  const publish = (name: string, version: string, payload = fibonacci, extra = {}) =>
    upload({ name, version, vm: 'mips1', ...extra }, payload);

  async function download(url: string) {
    const res = await fetch(gw.httpUrl + url, {
      headers: { authorization: `Bearer ${gw.apiToken}` },
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      bytes: new Uint8Array(await res.arrayBuffer()),
    };
  }

  async function gatewayKey(): Promise<{ kid: string; key: KeyObject; raw: string }> {
    const res = await gw.api('GET', '/api/signing-key');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ alg: 'EdDSA', crv: 'Ed25519' });
    const raw = Buffer.from(res.body.publicKey, 'base64');
    expect(raw).toHaveLength(32);
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
    return { kid: res.body.kid, key, raw: res.body.publicKey };
  }

  const blobFile = (sha: string) => path.join(gw.dataDir, 'blobs', sha.slice(0, 2), sha);

  it('publishes a mips1 image and serves it back byte for byte with a verifiable manifest', async () => {
    const { kid, key } = await gatewayKey();
    expect(kid).toMatch(/^[0-9a-f]{16}$/);
    const created = await publish('fibonacci', '1.0.0');
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      name: 'fibonacci',
      version: '1.0.0',
      vm: 'mips1',
      origin: 'user',
      size: fibonacci.length,
      sha256: sha256(fibonacci),
      sequence: 1,
      needs: {
        ramBytes: expect.any(Number),
        flashBytes: fibonacci.length,
        stackBytes: expect.any(Number),
      },
      kid,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(created.body.needs.ramBytes).toBeGreaterThan(fibonacci.length);

    const shown = await gw.api('GET', '/api/apps/fibonacci/1.0.0');
    expect(shown).toEqual({ status: 200, body: created.body });

    const payload = await download('/api/apps/fibonacci/1.0.0/payload');
    expect(payload.status).toBe(200);
    expect(payload.type).toBe('application/octet-stream');
    expect(Buffer.from(payload.bytes)).toEqual(Buffer.from(fibonacci));
    expect(sha256(payload.bytes)).toBe(created.body.sha256);
    expect(fs.existsSync(blobFile(created.body.sha256))).toBe(true);

    const manifest = await download('/api/apps/fibonacci/1.0.0/manifest');
    expect(manifest.status).toBe(200);
    expect(manifest.type).toMatch(/^application\/cose/);
    expect(manifestKid(manifest.bytes)).toBe(kid);
    const m = verifyManifest(manifest.bytes, key);
    expect(m).toMatchObject({
      name: 'fibonacci',
      version: '1.0.0',
      vm: 'mips1',
      size: fibonacci.length,
      sequence: 1,
      needs: created.body.needs,
      createdAt: Date.parse(created.body.createdAt),
    });
    expect(Buffer.from(m.sha256).toString('hex')).toBe(created.body.sha256);
    // One flipped bit and the signature no longer holds.
    const tampered = Uint8Array.from(manifest.bytes);
    tampered[tampered.length - 1] ^= 1;
    expect(() => verifyManifest(tampered, key)).toThrow(/signature/);
  });

  it('numbers uploads with one repository-wide sequence and lists them newest first', async () => {
    expect((await publish('fibonacci', '1.0.0')).body.sequence).toBe(1);
    expect((await publish('fibonacci', '1.1.0-rc.1')).body.sequence).toBe(2);
    const crc = await upload({ name: 'crc32', version: '0.1.0', vm: 'mips1' }, image('crc32'));
    expect(crc.body.sequence).toBe(3);
    const names = async (q: string) =>
      (await gw.api('GET', `/api/apps${q}`)).body.items.map(
        (a: { name: string; version: string }) => `${a.name}@${a.version}`,
      );
    await expect(names('')).resolves.toEqual([
      'crc32@0.1.0',
      'fibonacci@1.1.0-rc.1',
      'fibonacci@1.0.0',
    ]);
    await expect(names('?name=fibonacci')).resolves.toEqual([
      'fibonacci@1.1.0-rc.1',
      'fibonacci@1.0.0',
    ]);
    await expect(names('?vm=mips1&name=crc32')).resolves.toEqual(['crc32@0.1.0']);
    await expect(names('?vm=wasm')).resolves.toEqual([]);
    expect(await gw.api('GET', '/api/apps?vm=z80')).toMatchObject({
      status: 400,
      body: { code: 'invalid_input' },
    });
  });

  it('gives concurrent uploads distinct, consecutive sequence numbers', async () => {
    const versions = ['1.0.0', '1.0.1', '1.0.2', '1.0.3', '1.0.4', '1.0.5'];
    const results = await Promise.all(versions.map((v) => publish('fibonacci', v)));
    expect(results.map((r) => r.status)).toEqual(versions.map(() => 201));
    const sequences = results.map((r) => r.body.sequence as number).sort((a, b) => a - b);
    expect(sequences).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('raises resource needs on request, signs them, and never lowers them', async () => {
    const { key } = await gatewayKey();
    const plain = (await publish('fibonacci', '1.0.0')).body;
    const roomy = await publish('fibonacci', '1.0.1', fibonacci, {
      ramBytes: String(plain.needs.ramBytes + 4096),
      flashBytes: String(64 * 1024),
    });
    expect(roomy.status).toBe(201);
    expect(roomy.body.needs).toEqual({
      ramBytes: plain.needs.ramBytes + 4096,
      flashBytes: 64 * 1024,
      stackBytes: plain.needs.stackBytes,
    });
    const manifest = await download('/api/apps/fibonacci/1.0.1/manifest');
    expect(verifyManifest(manifest.bytes, key).needs).toEqual(roomy.body.needs);

    const lower = await publish('fibonacci', '1.0.2', fibonacci, { ramBytes: '16' });
    expect(lower.status).toBe(400);
    expect(lower.body.code).toBe('invalid_input');
    expect(lower.body.message).toMatch(/ramBytes 16 is below the \d+ bytes the payload needs/);
    const notNumber = await publish('fibonacci', '1.0.2', fibonacci, { flashBytes: 'lots' });
    expect(notNumber).toMatchObject({ status: 400, body: { code: 'invalid_input' } });
  });

  it('refuses a duplicate, bad fields and bad payloads, with codes and reasons', async () => {
    await publish('fibonacci', '1.0.0');
    const duplicate = await publish('fibonacci', '1.0.0', image('crc32'));
    expect(duplicate).toMatchObject({ status: 409, body: { code: 'app_exists' } });
    expect(duplicate.body.message).toContain('fibonacci@1.0.0');

    const badMagic = Uint8Array.from(fibonacci);
    badMagic[0] = 0x58;
    const corrupt = await publish('broken', '1.0.0', badMagic);
    expect(corrupt.status).toBe(400);
    expect(corrupt.body.code).toBe('image_rejected');
    expect(corrupt.body.message).toMatch(/not a valid mips1 payload: bad_magic/);
    const truncated = await publish('broken', '1.0.0', fibonacci.subarray(0, fibonacci.length - 4));
    expect(truncated.body).toMatchObject({ code: 'image_rejected' });
    expect(truncated.body.message).toMatch(/size_mismatch/);

    const wasm = await upload({ name: 'adder', version: '1.0.0', vm: 'wasm' }, fibonacci);
    expect(wasm.status).toBe(400);
    expect(wasm.body.code).toBe('image_rejected');
    expect(wasm.body.message).toMatch(/not a valid wasm payload: bad_magic/);
    const python = await upload({ name: 'adder', version: '1.0.0', vm: 'micropython' }, fibonacci);
    expect(python.body).toMatchObject({ code: 'image_rejected' });
    expect(python.body.message).toMatch(/not a valid micropython payload: .*not valid UTF-8/);

    const unknownVm = await upload({ name: 'z', version: '1.0.0', vm: 'z80' }, fibonacci);
    expect(unknownVm).toMatchObject({ status: 400, body: { code: 'invalid_input' } });
    expect(unknownVm.body.issues).toEqual([expect.stringMatching(/^vm:/)]);
    const badFields = await upload({ name: 'Bad Name', version: '1.0', vm: 'mips1' }, fibonacci);
    expect(badFields.status).toBe(400);
    expect(badFields.body.issues).toEqual([
      expect.stringMatching(/^name:/),
      expect.stringMatching(/^version: a semantic version/),
    ]);
    const noFile = await upload({ name: 'nofile', version: '1.0.0', vm: 'mips1' });
    expect(noFile).toMatchObject({ status: 400, body: { code: 'invalid_input' } });
    expect(noFile.body.message).toMatch(/file: missing/);

    // Nothing refused used up a sequence number or left a blob behind.
    expect((await publish('fibonacci', '2.0.0')).body.sequence).toBe(2);
    const blobs = fs.readdirSync(path.join(gw.dataDir, 'blobs'), { recursive: true });
    expect(blobs.filter((f) => String(f).length === 64 + 3)).toEqual([
      path.join(sha256(fibonacci).slice(0, 2), sha256(fibonacci)),
    ]);
  });

  it.each([
    ['lua', 'print("hi")\n', 'x = 1\ny = = 2\n', /Lua syntax error: guest:2: unexpected symbol/],
    ['js', 'print("hi");\n', 'let x = 1;\nlet y = = 2;\n', /JavaScript syntax error \(line 2\)/],
    ['micropython', 'print("hi")\n', 'x = 1\ny = = 2\n', /Python syntax error \(line 2\)/],
  ])('accepts %s source and refuses a syntax error with its line', async (vm, good, bad, why) => {
    const text = (source: string) => new TextEncoder().encode(source);
    const accepted = await upload({ name: 'hi', version: '1.0.0', vm }, text(good));
    expect(accepted).toMatchObject({ status: 201, body: { vm, size: good.length } });
    const refused = await upload({ name: 'hi', version: '2.0.0', vm }, text(bad));
    expect(refused).toMatchObject({ status: 400, body: { code: 'image_rejected' } });
    expect(refused.body.message).toMatch(why);
  });

  it('answers 413 to a payload over 1 MiB', async () => {
    const tooLarge = await publish('huge', '1.0.0', new Uint8Array(MiB + 1));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.code).toBe('payload_too_large');
    // Exactly at the limit the payload gets through to the validator.
    const atLimit = await publish('huge', '1.0.0', new Uint8Array(MiB));
    expect(atLimit).toMatchObject({ status: 400, body: { code: 'image_rejected' } });
    expect((await gw.api('GET', '/api/apps')).body.items).toEqual([]);
  });

  it('deletes an app, and its blob only once no other app shares it', async () => {
    const a = (await publish('first', '1.0.0')).body;
    const b = (await publish('second', '1.0.0')).body;
    expect(b.sha256).toBe(a.sha256);
    expect((await gw.api('DELETE', '/api/apps/first/1.0.0')).status).toBe(204);
    expect(await gw.api('GET', '/api/apps/first/1.0.0')).toMatchObject({
      status: 404,
      body: { code: 'app_not_found' },
    });
    expect((await download('/api/apps/first/1.0.0/payload')).status).toBe(404);
    expect((await download('/api/apps/first/1.0.0/manifest')).status).toBe(404);
    expect(fs.existsSync(blobFile(a.sha256))).toBe(true);
    expect(Buffer.from((await download('/api/apps/second/1.0.0/payload')).bytes)).toEqual(
      Buffer.from(fibonacci),
    );

    expect((await gw.api('DELETE', '/api/apps/second/1.0.0')).status).toBe(204);
    expect(fs.existsSync(blobFile(a.sha256))).toBe(false);
    expect(await gw.api('DELETE', '/api/apps/second/1.0.0')).toMatchObject({
      status: 404,
      body: { code: 'app_not_found' },
    });
    // Sequence numbers are never reused, even after deletes (anti-rollback).
    expect((await publish('first', '1.0.0')).body.sequence).toBe(3);
  });

  it('refuses to delete an app something still uses', async () => {
    gw.app
      .get(AppsService)
      .addUsageCheck(async (app) => (app.name === 'fibonacci' ? ['deployment "lab"'] : []));
    await publish('fibonacci', '1.0.0');
    const refused = await gw.api('DELETE', '/api/apps/fibonacci/1.0.0');
    expect(refused).toMatchObject({ status: 409, body: { code: 'app_in_use' } });
    expect(refused.body.message).toContain('deployment "lab"');
    expect((await gw.api('GET', '/api/apps/fibonacci/1.0.0')).status).toBe(200);
  });

  it('validates names and versions in paths', async () => {
    expect(await gw.api('GET', '/api/apps/fibonacci/1.0')).toMatchObject({
      status: 400,
      body: { code: 'invalid_input' },
    });
    expect((await gw.api('GET', '/api/apps/Fib/1.0.0')).status).toBe(400);
    expect(await gw.api('GET', '/api/apps/fibonacci/9.9.9')).toMatchObject({
      status: 404,
      body: { code: 'app_not_found' },
    });
  });

  it('keeps its signing key across a restart on the same data dir', async () => {
    const before = await gatewayKey();
    const keyFile = path.join(gw.dataDir, 'signing-key.pem');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    await publish('fibonacci', '1.0.0');
    await gw.restartable();
    gw = await startTestGateway({}, { dataDir: gw.dataDir });
    const after = await gatewayKey();
    expect(after.kid).toBe(before.kid);
    expect(after.raw).toBe(before.raw);
    const manifest = await download('/api/apps/fibonacci/1.0.0/manifest');
    expect(verifyManifest(manifest.bytes, after.key).sequence).toBe(1);
    expect((await publish('fibonacci', '1.0.1')).body).toMatchObject({
      sequence: 2,
      kid: before.kid,
    });
  });

  it('re-signs manifests of the pre-RFC 9052 form once, after an upgrade', async () => {
    const { key } = await gatewayKey();
    await publish('fibonacci', '1.0.0');
    const standard = (await download('/api/apps/fibonacci/1.0.0/manifest')).bytes;
    // What gateways wrote before the fix: cbor-x's default tag 64 on every Uint8Array (the
    // manifest's sha256 and the Sig_structure's external_aad) and a float64 createdAt.
    const legacyCbor = new Encoder({
      useRecords: false,
      mapsAsObjects: true,
      variableMapSize: true,
    });
    const m = verifyManifest(standard, key);
    const payload = legacyCbor.encode({ ...m, sha256: new Uint8Array(m.sha256) });
    const protectedHeader = legacyCbor.encode(new Map([[1, -8]]));
    const sigStructure = legacyCbor.encode([
      'Signature1',
      protectedHeader,
      new Uint8Array(0),
      payload,
    ]);
    expect(Buffer.from(sigStructure).includes(Buffer.from('d84040', 'hex'))).toBe(true);
    const privateKey = createPrivateKey(fs.readFileSync(path.join(gw.dataDir, 'signing-key.pem')));
    const legacy = legacyCbor.encode(
      new Tag(
        [
          protectedHeader,
          new Map([[4, Buffer.from(m.name)]]),
          payload,
          sign(null, sigStructure, privateKey),
        ],
        18,
      ),
    );
    await gw.restartable();
    const db = new Database(path.join(gw.dataDir, 'vmfleet.sqlite'), { fileMustExist: true });
    db.prepare('update apps set manifest = ? where name = ?').run(
      Buffer.from(legacy).toString('base64'),
      'fibonacci',
    );
    db.close();

    gw = await startTestGateway({}, { dataDir: gw.dataDir });
    const upgraded = (await download('/api/apps/fibonacci/1.0.0/manifest')).bytes;
    expect(Buffer.from(upgraded)).toEqual(Buffer.from(standard));
    expect(verifyManifest(upgraded, key)).toMatchObject({
      sequence: m.sequence,
      createdAt: m.createdAt,
    });
  });

  it('requires the bearer token and documents every route', async () => {
    expect((await fetch(`${gw.httpUrl}/api/apps`)).status).toBe(401);
    expect((await fetch(`${gw.httpUrl}/api/signing-key`)).status).toBe(401);
    const doc = (await (await fetch(`${gw.httpUrl}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    const routes = [
      ['/api/apps', 'post'],
      ['/api/apps', 'get'],
      ['/api/apps/{name}/{version}', 'get'],
      ['/api/apps/{name}/{version}', 'delete'],
      ['/api/apps/{name}/{version}/payload', 'get'],
      ['/api/apps/{name}/{version}/manifest', 'get'],
      ['/api/signing-key', 'get'],
    ];
    for (const [route, method] of routes)
      expect(doc.paths[route]?.[method]?.tags).toEqual(['apps']);
  });
});
