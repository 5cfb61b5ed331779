import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../cli/main';
import { captureIo } from '../cli/testing/capture-io';
import { VirtualDevice } from '../devices';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import {
  apiTokenListSchema,
  apiTokenSchema,
  createdApiTokenSchema,
  whoAmISchema,
} from '../src/protocol/api';
import { startTestGateway, TestGateway } from './support/gateway';
import { firmwareImage, publishApp } from './support/ota';
import { misfits } from './support/served';
import { describeWithEnv } from './support/system-tools';

/**
 * API tokens per person with a role (README "Tokens and roles"), on the real gateway: a
 * real SQLite file, a virtual device over MQTT, the CLI in-process against HTTP.
 */
describe('API tokens and roles (e2e)', () => {
  let gw: TestGateway;
  let device: VirtualDevice | undefined;

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await device?.stop();
    device = undefined;
    await gw.stop();
  });

  const as = (secret: string) => (method: string, url: string, body?: unknown) =>
    gw.api(method, url, body, { authorization: `Bearer ${secret}` });

  async function createToken(name: string, role: string): Promise<{ id: string; secret: string }> {
    const res = await gw.api('POST', '/api/tokens', { name, role });
    expect(res.status).toBe(201);
    expect(res.body.token).toMatchObject({ name, role, revokedAt: null, lastUsedAt: null });
    expect(misfits(createdApiTokenSchema, res.body)).toEqual([]);
    return { id: res.body.token.id, secret: res.body.secret };
  }

  async function startDevice(): Promise<void> {
    const res = await gw.api('POST', '/api/devices', {
      id: 'vm-1',
      board: 'nrf52840',
      vm: 'mips1',
    });
    expect(res.status).toBe(201);
    device = new VirtualDevice({
      credentials: { id: 'vm-1', token: res.body.token, board: 'nrf52840', vm: 'mips1' },
      mqttUrl: gw.mqttUrl,
      telemetryIntervalMs: 60_000,
      vmBudgets: { main: 20_000_000 },
    });
    await device.start();
  }

  it('refuses a viewer a deployment and a Thing Monitor step with 403 naming its role; an operator may do both', async () => {
    await startDevice();
    await publishApp(gw, 'blinky', '1.0.0', firmwareImage('blink'));
    const monitor = '/api/devices/vm-1/monitor';
    const loaded = await gw.api('POST', monitor, {
      op: 'load',
      args: { vm: 'mips1', image: Buffer.from(firmwareImage('fibonacci')).toString('base64') },
    });
    expect(loaded.status).toBe(200);
    const viewer = as((await createToken('alice', 'viewer')).secret);
    const operator = as((await createToken('bob', 'operator')).secret);

    // A viewer reads: devices, the VM's registers (a POST that only reads), who it is.
    const devices = await viewer('GET', '/api/devices');
    expect(devices.status).toBe(200);
    expect(devices.body.items.map((d: { id: string }) => d.id)).toEqual(['vm-1']);
    const before = await viewer('POST', monitor, { op: 'registers' });
    expect(before.status).toBe(200);
    expect(await viewer('GET', '/api/tokens/me')).toMatchObject({
      status: 200,
      body: { kind: 'token', name: 'alice', role: 'viewer' },
    });

    // …and may not step the VM nor deploy, and is told which role it would need.
    const step = await viewer('POST', monitor, { op: 'step', args: { n: 3 } });
    expect(step).toMatchObject({
      status: 403,
      body: {
        code: 'forbidden',
        message: expect.stringMatching(
          /^role viewer may not POST \/api\/devices\/vm-1\/monitor \(op step\): it needs operator/,
        ) as unknown,
      },
    });
    const deployment = { app: { name: 'blinky', version: '1.0.0' }, target: { devices: ['vm-1'] } };
    const refused = await viewer('POST', '/api/deployments', deployment);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(
      /^role viewer may not POST \/api\/deployments: it needs operator/,
    );
    // The refused step never reached the device.
    const still = await viewer('POST', monitor, { op: 'registers' });
    expect(still.body.result.pc).toBe(before.body.result.pc);

    // An operator steps and deploys, but does not manage tokens.
    const stepped = await operator('POST', monitor, { op: 'step', args: { n: 3 } });
    expect(stepped.status).toBe(200);
    const after = await operator('POST', monitor, { op: 'registers' });
    expect(after.body.result.pc).not.toBe(before.body.result.pc);
    const deployed = await operator('POST', '/api/deployments', deployment);
    expect(deployed.status).toBe(201);
    const tokens = await operator('GET', '/api/tokens');
    expect(tokens.status).toBe(403);
    expect(tokens.body.message).toMatch(/^role operator may not GET \/api\/tokens: it needs admin/);
    const rotate = await operator('POST', '/api/devices/vm-1/token', {});
    expect(rotate.body.message).toMatch(/it needs admin/);
  });

  it('refuses a revoked token with 401, records the last use, and stores no secret in clear', async () => {
    const { id, secret } = await createToken('carol', 'operator');
    expect(secret).toMatch(new RegExp(`^vmf_${id}_[A-Za-z0-9_-]{43}$`));
    expect((await as(secret)('GET', '/api/devices')).status).toBe(200);

    const listed = await gw.api('GET', '/api/tokens');
    expect(listed.status).toBe(200);
    const carol = listed.body.items.find((t: { id: string }) => t.id === id);
    expect(carol).toMatchObject({ name: 'carol', role: 'operator', revokedAt: null });
    expect(Date.parse(carol.lastUsedAt)).toBeGreaterThan(Date.parse(carol.createdAt) - 1);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(misfits(apiTokenListSchema, listed.body)).toEqual([]);

    const revoked = await gw.api('DELETE', `/api/tokens/${id}`);
    expect(revoked).toMatchObject({ status: 200, body: { id, revokedAt: expect.any(String) } });
    expect(misfits(apiTokenSchema, revoked.body)).toEqual([]);
    expect(await as(secret)('GET', '/api/devices')).toMatchObject({
      status: 401,
      body: { code: 'unauthorized' },
    });
    expect((await gw.api('DELETE', '/api/tokens/t0000000000')).body.code).toBe('token_not_found');
    // The first-start token is admin and stays so.
    const me = await gw.api('GET', '/api/tokens/me');
    expect(me).toMatchObject({ status: 200, body: { kind: 'bootstrap', id: null, role: 'admin' } });
    expect(misfits(whoAmISchema, me.body)).toEqual([]);

    // Only the SHA-256 is kept: not in the row, nor anywhere in the database files.
    const file = path.join(gw.dataDir, 'vmfleet.sqlite');
    const db = new Database(file, { readonly: true });
    try {
      const row = db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as Record<
        string,
        unknown
      >;
      expect(row.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
      expect(row.revoked_at).toEqual(expect.any(Number));
      expect(row.last_used_at).toEqual(expect.any(Number));
    } finally {
      db.close();
    }
    const randomPart = secret.slice(`vmf_${id}_`.length);
    for (const f of [file, `${file}-wal`].filter((f) => fs.existsSync(f))) {
      expect(fs.readFileSync(f).includes(randomPart)).toBe(false);
    }
  });

  it('creates, lists and revokes tokens with the CLI, and tells a token who it is', async () => {
    const vmfleet = async (token: string, ...args: string[]) => {
      const captured = captureIo({ env: { VMFLEET_URL: gw.httpUrl, VMFLEET_API_TOKEN: token } });
      const code = await runCli(args, { io: captured.io });
      return { code, stdout: captured.stdout(), stderr: captured.stderr() };
    };
    const admin = gw.apiToken;
    const created = await vmfleet(
      admin,
      'tokens',
      'create',
      '--name',
      'dave',
      '--role',
      'viewer',
      '--json',
    );
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const { token, secret } = JSON.parse(created.stdout) as {
      token: { id: string; name: string; role: string };
      secret: string;
    };
    expect(token).toMatchObject({ name: 'dave', role: 'viewer' });

    const text = await vmfleet(admin, 'tokens', 'create', '--name', 'erin', '--role', 'operator');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Created token t[0-9a-f]{10} for erin \(operator\)\./);
    expect(text.stdout).toMatch(/^vmf_t[0-9a-f]{10}_\S{43}$/m);

    const whoami = await vmfleet(secret, 'tokens', 'whoami', '--json');
    expect(JSON.parse(whoami.stdout)).toMatchObject({ id: token.id, name: 'dave', role: 'viewer' });
    const table = await vmfleet(admin, 'tokens', 'list');
    expect(table.stdout).toMatch(new RegExp(`${token.id}[\\s│]+dave[\\s│]+viewer`));
    expect(table.stdout).toMatch(/erin[\s│]+operator/);

    // A viewer may not list tokens: exit 1 and the gateway's reason.
    const denied = await vmfleet(secret, 'tokens', 'list');
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/role viewer may not GET \/api\/tokens: it needs admin/);

    const revoke = await vmfleet(admin, 'tokens', 'revoke', token.id);
    expect(revoke).toMatchObject({ code: 0 });
    expect(revoke.stdout).toContain(`Revoked token ${token.id} of dave (viewer).`);
    const afterwards = await vmfleet(secret, 'tokens', 'whoami');
    expect(afterwards.code).toBe(1);
    expect(afterwards.stderr).toMatch(/unauthorized|401/);
    const listed = JSON.parse((await vmfleet(admin, 'tokens', 'list', '--json')).stdout) as {
      id: string;
    }[];
    expect(listed.map((t) => t.id)).not.toContain(token.id);
    const all = JSON.parse((await vmfleet(admin, 'tokens', 'list', '--all', '--json')).stdout) as {
      id: string;
      revokedAt: string | null;
    }[];
    expect(all.find((t) => t.id === token.id)?.revokedAt).toEqual(expect.any(String));

    const bad = await vmfleet(admin, 'tokens', 'create', '--name', 'frank', '--role', 'root');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Allowed choices are viewer, operator, admin/);
  });
});

const PG_HINT =
  'start PostgreSQL (.ci/run shows how) and export VMFLEET_TEST_DATABASE_URL=postgres://user:pass@127.0.0.1:5432/db';

describeWithEnv('VMFLEET_TEST_DATABASE_URL', PG_HINT, 'API tokens on PostgreSQL (e2e)', (url) => {
  let gw: TestGateway;

  beforeEach(async () => {
    gw = await startTestGateway({ VMFLEET_DATABASE_URL: url });
  });
  afterEach(async () => {
    await gw.stop();
  });

  it('creates, checks, records the use of and revokes a token, storing only its hash', async () => {
    const created = await gw.api('POST', '/api/tokens', { name: 'pg-alice', role: 'viewer' });
    expect(created.status).toBe(201);
    const { id } = created.body.token as { id: string };
    const secret = created.body.secret as string;
    const viewer = { authorization: `Bearer ${secret}` };
    expect((await gw.api('GET', '/api/devices', undefined, viewer)).status).toBe(200);
    expect((await gw.api('POST', '/api/devices', { id: 'x' }, viewer)).status).toBe(403);

    const ds = new DataSource({
      ...dataSourceOptions({ kind: 'postgres', url }),
      migrationsRun: false,
    });
    await ds.initialize();
    try {
      // The use is written without the request waiting for it: poll the row.
      let row: Record<string, unknown> | undefined;
      for (let i = 0; i < 200 && !row?.last_used_at; i++) {
        [row] = await ds.query<Record<string, unknown>[]>(
          'SELECT * FROM api_tokens WHERE id = $1',
          [id],
        );
        if (!row?.last_used_at) await new Promise((r) => setTimeout(r, 10));
      }
      expect(row).toMatchObject({
        name: 'pg-alice',
        role: 'viewer',
        secret_hash: createHash('sha256').update(secret).digest('hex'),
        revoked_at: null,
      });
      expect(Number(row?.last_used_at)).toBeGreaterThan(0);
      expect(JSON.stringify(row)).not.toContain(secret.slice(`vmf_${id}_`.length));

      expect((await gw.api('DELETE', `/api/tokens/${id}`)).status).toBe(200);
      expect((await gw.api('GET', '/api/devices', undefined, viewer)).status).toBe(401);
      const [revoked] = await ds.query<{ revoked_at: string }[]>(
        'SELECT revoked_at FROM api_tokens WHERE id = $1',
        [id],
      );
      expect(Number(revoked.revoked_at)).toBeGreaterThan(0);
    } finally {
      await ds.destroy();
    }
  });
});
