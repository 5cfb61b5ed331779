import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../../src/protocol/api';
import { runCli } from '../main';
import { captureIo } from '../testing/capture-io';
import { fakeManifest, makeApp, TEST_KID, TEST_SIGNING_KEY } from '../testing/fake-app-repository';
import { FakeGateway, TEST_TOKEN } from '../testing/fake-gateway';
import { parseMultipart } from '../testing/multipart';

/** A mips1-looking payload with CR LF and NUL in it, so any text mangling shows. */
const PAYLOAD = Buffer.from([0x4d, 0x31, 0x0d, 0x0a, 0x00, 0xff, 0x2d, 0x2d, 0x7f, 0x80]);
const SHA = createHash('sha256').update(PAYLOAD).digest('hex');

describe('vmfleet apps', () => {
  let gateway: FakeGateway;
  let dir: string;

  beforeEach(async () => {
    gateway = await FakeGateway.start();
    dir = mkdtempSync(join(tmpdir(), 'vmfleet-apps-'));
  });

  afterEach(async () => {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function vmfleet(...args: string[]) {
    const captured = captureIo({
      env: { VMFLEET_URL: gateway.url, VMFLEET_API_TOKEN: TEST_TOKEN },
      cwd: dir,
    });
    const code = await runCli(args, { io: captured.io });
    return {
      code,
      stdout: captured.stdout(),
      stderr: captured.stderr(),
      bytes: captured.stdoutBytes(),
    };
  }

  function payloadFile(name = 'blinky.m1', bytes: Buffer = PAYLOAD): string {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    return file;
  }

  function seed(): App[] {
    const older = makeApp({ size: PAYLOAD.length, sha256: SHA, sequence: 1 });
    const newer = makeApp({
      name: 'sensor',
      version: '2.0.0-rc.1',
      size: 2048,
      sequence: 2,
      needs: { ramBytes: 65_536, flashBytes: 4096, stackBytes: 2048 },
      createdAt: '2024-05-02T08:30:00.000Z',
    });
    gateway.apps.add(older, PAYLOAD);
    gateway.apps.add(newer, Buffer.alloc(2048, 1));
    return [newer, older];
  }

  describe('push', () => {
    it('uploads the file with its name, version and the VM its extension tells', async () => {
      const file = payloadFile();
      const { code, stdout, stderr } = await vmfleet(
        'apps',
        'push',
        file,
        '--name',
        'blinky',
        '--version',
        '1.2.0',
        '--ram',
        '64KiB',
      );
      expect([code, stderr]).toEqual([0, '']);
      expect(stdout).toBe(
        `Pushed blinky@1.2.0 (mips1, 10 B, sha256 ${SHA.slice(0, 12)}), sequence 1.\n` +
          'Needs RAM 64.0 KiB, flash 10 B, stack 1.0 KiB.\n',
      );
      const req = gateway.requests[0];
      const form = parseMultipart(req.rawBody, req.headers['content-type']);
      expect(form.names()).toEqual(['name', 'version', 'vm', 'ramBytes', 'file']);
      expect(form.field('vm')).toBe('mips1');
      expect(form.field('ramBytes')).toBe('65536');
      expect(form.file('file').filename).toBe('blinky.m1');
      expect(gateway.apps.payloads.get('blinky@1.2.0')?.equals(PAYLOAD)).toBe(true);
    });

    it('takes --vm for a file whose extension says nothing, and prints JSON', async () => {
      const file = payloadFile('app.bin');
      const args = ['apps', 'push', file, '--vm', 'mips1', '--name', 'x', '--version', '0.1.0'];
      const { code, stdout } = await vmfleet(...args, '--flash', '8192', '--json');
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({
        name: 'x',
        version: '0.1.0',
        vm: 'mips1',
        sha256: SHA,
        needs: { flashBytes: 8192 },
      });
    });

    it('refuses a file it cannot use before calling the gateway', async () => {
      const bin = payloadFile('app.bin');
      const empty = payloadFile('empty.m1', Buffer.alloc(0));
      const args = ['--name', 'x', '--version', '1.0.0'];
      await expect(vmfleet('apps', 'push', bin, ...args)).resolves.toMatchObject({
        code: 1,
        stderr: `error: cannot tell the VM of ${bin} from its extension; pass --vm\n`,
      });
      await expect(vmfleet('apps', 'push', empty, ...args)).resolves.toMatchObject({
        code: 1,
        stderr: `error: ${empty} is empty; there is no payload to push\n`,
      });
      const missing = await vmfleet('apps', 'push', join(dir, 'none.m1'), ...args);
      expect(missing.stderr).toMatch(/^error: cannot read .*none\.m1: ENOENT/);
      expect(gateway.requests).toEqual([]);
    });

    it('prints image_rejected and app_exists as `code: message`, on one line', async () => {
      const file = payloadFile();
      const args = ['apps', 'push', file, '--name', 'blinky', '--version', '1.2.0'];
      gateway.apps.rejectImage = 'bad magic: expected M1 image header';
      await expect(vmfleet(...args)).resolves.toEqual({
        code: 1,
        stdout: '',
        stderr: 'error: image_rejected: bad magic: expected M1 image header\n',
        bytes: Buffer.alloc(0),
      });
      gateway.apps.rejectImage = undefined;
      await expect(vmfleet(...args)).resolves.toMatchObject({ code: 0 });
      await expect(vmfleet(...args)).resolves.toMatchObject({
        code: 1,
        stdout: '',
        stderr:
          'error: app_exists: blinky@1.2.0 is already in the repository; push under a new version\n',
      });
    });
  });

  describe('list', () => {
    it('prints the apps newest first as a table', async () => {
      seed();
      const { code, stdout } = await vmfleet('apps', 'list');
      expect(code).toBe(0);
      expect(stdout).toMatch(/App\s+│ VM\s+│\s+Size │ Seq │\s+RAM │\s+Flash │ SHA-256\s+│ Created/);
      const rows = stdout.split('\n').filter((line) => line.includes('@'));
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatch(
        /sensor@2.0.0-rc.1 │ mips1 │\s+2.0 KiB │\s+2 │ 64.0 KiB │\s+4.0 KiB │ [0-9a-f]{12} │ 2024-05-02 08:30:00Z/,
      );
      expect(rows[1]).toContain(`blinky@1.2.0`);
      expect(rows[1]).toContain(SHA.slice(0, 12));
    });

    it('passes its filters to the gateway and prints JSON', async () => {
      const [newer, older] = seed();
      const json = await vmfleet('apps', 'ls', '--json');
      expect(JSON.parse(json.stdout)).toEqual([newer, older]);
      const filtered = await vmfleet('apps', 'list', '--name', 'blinky', '--vm', 'mips1', '--json');
      expect(JSON.parse(filtered.stdout)).toEqual([older]);
      expect(Object.fromEntries(gateway.requests[1].query)).toEqual({
        name: 'blinky',
        vm: 'mips1',
      });
    });

    it('leaves the benchmark images out unless --all', async () => {
      const [newer, older] = seed();
      const bench = makeApp({ name: 'bench-sieve-mips1', version: '1.0.0', sequence: 3 });
      gateway.apps.add(bench, PAYLOAD);
      const mine = await vmfleet('apps', 'list', '--json');
      expect(JSON.parse(mine.stdout)).toEqual([newer, older]);
      expect(gateway.requests.at(-1)?.query.has('all')).toBe(false);
      const all = await vmfleet('apps', 'list', '--all', '--json');
      expect(JSON.parse(all.stdout)).toEqual([bench, newer, older]);
      expect(gateway.requests.at(-1)?.query.get('all')).toBe('true');
      const table = await vmfleet('apps', 'list', '--all');
      expect(table.stdout).toContain('bench-sieve-mips1@1.0.0');
    });

    it('says so when there are no apps, or none match', async () => {
      await expect(vmfleet('apps', 'list')).resolves.toMatchObject({
        stdout: 'No apps yet; add one with `vmfleet apps push`.\n',
      });
      seed();
      await expect(vmfleet('apps', 'list', '--vm', 'wasm')).resolves.toMatchObject({
        code: 0,
        stdout: 'No apps match.\n',
      });
    });
  });

  describe('show and rm', () => {
    it('shows one app with its full SHA-256 and the signing key id', async () => {
      const [newer] = seed();
      const { code, stdout } = await vmfleet('apps', 'show', 'blinky@1.2.0');
      expect(code).toBe(0);
      expect(stdout).toMatch(/Name\s+│ blinky/);
      expect(stdout).toMatch(/Version\s+│ 1.2.0/);
      expect(stdout).toMatch(/Size\s+│ 10 B \(10 bytes\)/);
      expect(stdout).toMatch(new RegExp(`SHA-256\\s+│ ${SHA}`));
      expect(stdout).toMatch(/Sequence\s+│ 1/);
      expect(stdout).toMatch(/RAM needed\s+│ 4.0 KiB/);
      expect(stdout).toMatch(/Stack needed\s+│ 1.0 KiB/);
      expect(stdout).toMatch(new RegExp(`Signed by\\s+│ key ${TEST_KID}`));
      const json = await vmfleet('apps', 'show', 'sensor@2.0.0-rc.1', '--json');
      expect(JSON.parse(json.stdout)).toEqual(newer);
      expect(gateway.requests.map((r) => r.path)).toEqual([
        '/api/apps/blinky/1.2.0',
        '/api/apps/sensor/2.0.0-rc.1',
      ]);
    });

    it('reports an app that is not there as `code: message`', async () => {
      await expect(vmfleet('apps', 'show', 'blinky@9.9.9')).resolves.toMatchObject({
        code: 1,
        stdout: '',
        stderr: 'error: app_not_found: app blinky@9.9.9 not found\n',
      });
    });

    it('deletes an app, and refuses one in use', async () => {
      seed();
      gateway.apps.inUse.add('sensor@2.0.0-rc.1');
      await expect(vmfleet('apps', 'rm', 'blinky@1.2.0')).resolves.toMatchObject({
        code: 0,
        stdout: 'Deleted app blinky@1.2.0.\n',
      });
      await expect(vmfleet('apps', 'rm', 'sensor@2.0.0-rc.1')).resolves.toMatchObject({
        code: 1,
        stderr: 'error: app_in_use: app sensor@2.0.0-rc.1 is deployed\n',
      });
      expect(gateway.apps.apps.map((a) => a.name)).toEqual(['sensor']);
      gateway.apps.inUse.clear();
      const json = await vmfleet('apps', 'remove', 'sensor@2.0.0-rc.1', '--json');
      expect(JSON.parse(json.stdout)).toEqual({
        name: 'sensor',
        version: '2.0.0-rc.1',
        deleted: true,
      });
    });
  });

  describe('download', () => {
    it('saves the payload under <name>-<version>.<ext>, checked against its SHA-256', async () => {
      seed();
      const { code, stdout, stderr } = await vmfleet('apps', 'download', 'blinky@1.2.0');
      expect([code, stderr]).toEqual([0, '']);
      expect(stdout).toBe(
        `Saved the payload of blinky@1.2.0 to blinky-1.2.0.m1 (mips1, 10 B, sha256 ${SHA.slice(0, 12)} checked).\n`,
      );
      expect(readFileSync(join(dir, 'blinky-1.2.0.m1')).equals(PAYLOAD)).toBe(true);
      expect(gateway.requests.map((r) => r.path)).toEqual([
        '/api/apps/blinky/1.2.0',
        '/api/apps/blinky/1.2.0/payload',
      ]);
    });

    it('saves the signed manifest with --manifest, where --out says', async () => {
      const [, older] = seed();
      const { code, stdout } = await vmfleet(
        'apps',
        'download',
        'blinky@1.2.0',
        '--manifest',
        '--out',
        'm.cose',
        '--json',
      );
      expect(code).toBe(0);
      const manifest = fakeManifest(older);
      expect(readFileSync(join(dir, 'm.cose')).equals(manifest)).toBe(true);
      expect(JSON.parse(stdout)).toEqual({
        app: 'blinky@1.2.0',
        part: 'manifest',
        file: 'm.cose',
        bytes: manifest.length,
        sha256: createHash('sha256').update(manifest).digest('hex'),
      });
      const text = await vmfleet('apps', 'download', 'blinky@1.2.0', '--manifest');
      expect(text.stdout).toBe(
        `Saved the manifest of blinky@1.2.0 to blinky-1.2.0.cose (${manifest.length} B, COSE_Sign1 by key ${TEST_KID}).\n`,
      );
    });

    it('writes the bytes to stdout with --out -, and its report to stderr', async () => {
      seed();
      const { code, stdout, stderr, bytes } = await vmfleet(
        'apps',
        'download',
        'blinky@1.2.0',
        '--out',
        '-',
      );
      expect([code, stdout]).toEqual([0, '']);
      expect(bytes.equals(PAYLOAD)).toBe(true);
      expect(stderr).toMatch(/^Saved the payload of blinky@1.2.0 to stdout \(mips1, 10 B/);
    });

    it('does not write binary to a terminal', async () => {
      seed();
      const captured = captureIo({
        env: { VMFLEET_URL: gateway.url, VMFLEET_API_TOKEN: TEST_TOKEN },
        stdoutIsTTY: true,
      });
      const args = ['apps', 'download', 'blinky@1.2.0', '--out', '-'];
      await expect(runCli(args, { io: captured.io })).resolves.toBe(1);
      expect(captured.stderr()).toBe(
        'error: stdout is a terminal: redirect it, or pass --out <file>\n',
      );
      expect(captured.stdoutBytes().length).toBe(0);
      expect(gateway.requests).toEqual([]);
    });

    it('saves nothing when the payload does not match its record', async () => {
      seed();
      gateway.apps.payloads.set('blinky@1.2.0', Buffer.from('tampered!!'));
      const { code, stderr } = await vmfleet('apps', 'download', 'blinky@1.2.0');
      expect(code).toBe(1);
      expect(stderr).toMatch(
        /^error: the payload of blinky@1.2.0 does not match its record: got 10 bytes, sha256 [0-9a-f]{12}; expected 10 bytes, sha256 [0-9a-f]{12}\. Nothing was saved\.\n$/,
      );
      expect(existsSync(join(dir, 'blinky-1.2.0.m1'))).toBe(false);
    });

    it('reports an app that is not there without downloading', async () => {
      await expect(vmfleet('apps', 'download', 'ghost@1.0.0')).resolves.toMatchObject({
        code: 1,
        stderr: 'error: app_not_found: app ghost@1.0.0 not found\n',
      });
      expect(gateway.requests.map((r) => r.path)).toEqual(['/api/apps/ghost/1.0.0']);
    });
  });

  describe('key', () => {
    it("prints the gateway's public signing key as a table or JSON", async () => {
      const { code, stdout } = await vmfleet('apps', 'key');
      expect(code).toBe(0);
      expect(stdout).toMatch(/Algorithm\s+│ EdDSA \(Ed25519\)/);
      expect(stdout).toMatch(new RegExp(`Key id \\(kid\\)\\s+│ ${TEST_KID}`));
      expect(stdout).toContain(`${TEST_SIGNING_KEY.publicKey} (32 bytes, base64)`);
      const json = await vmfleet('apps', 'key', '--json');
      expect(JSON.parse(json.stdout)).toEqual(TEST_SIGNING_KEY);
    });
  });
});
