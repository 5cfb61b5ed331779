import 'reflect-metadata';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MqttClient } from 'mqtt';
import { runCli } from '../cli/main';
import { captureIo } from '../cli/testing/capture-io';
import { topicFor } from '../src/protocol';
import { cbor, hello, provision, telemetry } from './support/fixtures';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';
import { connectRaw, end, publish } from './support/mqtt';
import { firmwareImage, publishApp } from './support/ota';

function sampleCount(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM telemetry_samples').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('backup and restore (e2e)', () => {
  let gw: TestGateway;
  let work: string;
  let client: MqttClient | undefined;

  async function vmfleet(...args: string[]) {
    const captured = captureIo({
      env: { VMFLEET_URL: gw.httpUrl, VMFLEET_API_TOKEN: gw.apiToken },
      cwd: work,
    });
    const code = await runCli(args, { io: captured.io });
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  }

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-backup-e2e-'));
    gw = await startTestGateway();
    const token = await provision(gw, 'bk-dev', { tags: ['backup'] });
    await publishApp(gw, 'blink', '1.0.0', firmwareImage('blink'));
    client = await connectRaw(gw.mqttUrl, {
      clientId: 'bk-dev',
      username: 'bk-dev',
      password: token,
    });
    await publish(client, topicFor('bk-dev', 'hello'), cbor(hello));
    for (let i = 1; i <= 20; i++)
      await publish(
        client,
        topicFor('bk-dev', 'telemetry'),
        cbor(telemetry({ uptimeMs: i * 1000 })),
      );
    await waitFor(
      '20 samples stored',
      () => sampleCount(path.join(gw.dataDir, 'vmfleet.sqlite')) >= 20,
    );
  });

  afterAll(async () => {
    await end(client);
    await gw.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('backs up while the device publishes; a gateway restored from it has the fleet, apps, key and token', async () => {
    let publishing = true;
    const pump = (async () => {
      for (let i = 100; publishing; i++)
        await publish(
          client!,
          topicFor('bk-dev', 'telemetry'),
          cbor(telemetry({ uptimeMs: i * 1000 })),
        );
    })();
    const created = await vmfleet('backup', 'create', '--out', 'b.tar');
    publishing = false;
    await pump;
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/every SHA-256 checked/);
    const archive = path.join(work, 'b.tar');
    expect(fs.statSync(archive).mode & 0o777).toBe(0o600);

    // GNU tar, which nobody here wrote, reads the archive and lists the same members.
    const listed = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).trim().split('\n');
    expect(listed).toEqual(
      expect.arrayContaining([
        'vmfleet.sqlite',
        'signing-key.pem',
        'api-token',
        'tls/key.pem',
        'MANIFEST.json',
      ]),
    );
    expect(listed.at(-1)).toBe('MANIFEST.json');
    expect(
      listed.filter((n) => n.startsWith('blobs/') && !n.endsWith('/')).length,
    ).toBeGreaterThanOrEqual(1);

    const verified = await vmfleet('backup', 'verify', 'b.tar', '--json');
    expect(verified.code).toBe(0);
    const manifest = JSON.parse(verified.stdout).manifest;
    expect(manifest).toMatchObject({ format: 'vmfleet-backup/1', database: { kind: 'sqlite' } });
    expect(manifest.database.migration).toMatch(/^[A-Za-z]+\d{13}$/);

    const restored = await vmfleet('backup', 'restore', 'b.tar', '--data-dir', 'restored');
    expect(restored.code).toBe(0);
    const dir = path.join(work, 'restored');
    expect(fs.statSync(path.join(dir, 'signing-key.pem')).mode & 0o777).toBe(0o600);
    expect(sampleCount(path.join(dir, 'vmfleet.sqlite'))).toBeGreaterThanOrEqual(20);

    const key = (await gw.api('GET', '/api/signing-key')).body;
    expect(key.kid).toMatch(/^[0-9a-f]{16}$/);
    const again = await startTestGateway({}, { dataDir: dir });
    try {
      expect(again.apiToken).toBe(gw.apiToken);
      expect((await again.api('GET', '/api/signing-key')).body).toEqual(key);
      const device = await again.api('GET', '/api/devices/bk-dev');
      expect(device).toMatchObject({ status: 200, body: { id: 'bk-dev', tags: ['backup'] } });
      const payload = await fetch(`${again.httpUrl}/api/apps/blink/1.0.0/payload`, {
        headers: { authorization: `Bearer ${again.apiToken}` },
      });
      expect(payload.status).toBe(200);
      expect(new Uint8Array(await payload.arrayBuffer())).toEqual(firmwareImage('blink'));
    } finally {
      await again.stop();
    }
  });

  it('refuses a damaged or cut-short archive, restores nothing from it, and never fills a used data dir', async () => {
    const good = path.join(work, 'good.tar');
    expect((await vmfleet('backup', 'create', '--out', 'good.tar')).code).toBe(0);
    const bytes = fs.readFileSync(good);

    // One byte of the app blob changed: its header is fine, its SHA-256 is not.
    const names = execFileSync('tar', ['-tvf', good], { encoding: 'utf8' });
    expect(names).toMatch(/blobs\//);
    const blobAt = bytes.indexOf(Buffer.from(firmwareImage('blink').subarray(0, 64)));
    expect(blobAt).toBeGreaterThan(0);
    const flipped = Buffer.from(bytes);
    flipped[blobAt + 40] ^= 0xff;
    fs.writeFileSync(path.join(work, 'flipped.tar'), flipped);
    const bad = await vmfleet('backup', 'restore', 'flipped.tar', '--data-dir', 'from-flipped');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/blobs\/[0-9a-f]{2}\/[0-9a-f]{64} does not match MANIFEST\.json/);
    expect(fs.existsSync(path.join(work, 'from-flipped'))).toBe(false);
    expect(fs.readdirSync(work).filter((n) => n.includes('restoring'))).toEqual([]);

    fs.writeFileSync(path.join(work, 'cut.tar'), bytes.subarray(0, bytes.length - 3000));
    const cut = await vmfleet('backup', 'verify', 'cut.tar');
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/truncated|no MANIFEST\.json/);

    fs.mkdirSync(path.join(work, 'used'));
    fs.writeFileSync(path.join(work, 'used', 'vmfleet.sqlite'), 'keep me');
    const used = await vmfleet('backup', 'restore', 'good.tar', '--data-dir', 'used');
    expect(used.code).toBe(1);
    expect(used.stderr).toMatch(/is not empty/);
    expect(fs.readFileSync(path.join(work, 'used', 'vmfleet.sqlite'), 'utf8')).toBe('keep me');

    expect((await vmfleet('backup', 'create', '--out', 'good.tar')).stderr).toMatch(
      /exists; pass --force/,
    );
  });

  it('gives a backup to admin tokens only', async () => {
    const made = await gw.api('POST', '/api/tokens', { name: 'ops', role: 'operator' });
    expect(made.status).toBe(201);
    const res = await fetch(`${gw.httpUrl}/api/backup`, {
      headers: { authorization: `Bearer ${made.body.secret}` },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/needs admin/);
  });
});
