import { DataSource } from 'typeorm';
import { parseGrace } from '../cli/commands/devices';
import { runCli } from '../cli/main';
import { captureIo } from '../cli/testing/capture-io';
import { decodePayload, type Registered, topicFor } from '../src/protocol';
import { RawCoap } from './support/coap';
import { cbor, hello, provision, telemetry } from './support/fixtures';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';
import { closed, connectRaw, end, publish } from './support/mqtt';

describe('device token rotation and revocation (e2e)', () => {
  let gw: TestGateway;
  let token: string;
  const login = (password: string) =>
    connectRaw(gw.mqttUrl, { clientId: 'dev-r', username: 'dev-r', password });

  beforeEach(async () => {
    gw = await startTestGateway();
    token = await provision(gw, 'dev-r');
  });
  afterEach(() => gw.stop());

  it('rotates: the new token is shown once, the old one refused, the live connection dropped', async () => {
    const live = await login(token);
    const rotated = await gw.api('POST', '/api/devices/dev-r/token');
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({
      device: { id: 'dev-r', revokedAt: null, credentialsRotatedAt: expect.any(String) },
      previousTokenValidUntil: null,
    });
    const fresh: string = rotated.body.token;
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fresh).not.toBe(token);
    await closed(live);
    await expect(login(token)).rejects.toThrow(/Bad username or password/);
    await end(await login(fresh));
    // Shown once: no read of the device returns it.
    expect(JSON.stringify((await gw.api('GET', '/api/devices/dev-r')).body)).not.toContain(fresh);
  });

  it('keeps the old token for the grace period, then drops its session and refuses it', async () => {
    const rotated = await gw.api('POST', '/api/devices/dev-r/token', { graceSeconds: 2 });
    expect(rotated.status).toBe(200);
    const until = Date.parse(rotated.body.previousTokenValidUntil);
    expect(until - Date.now()).toBeGreaterThan(1000);
    const onOld = await login(token); // still accepted
    await closed(onOld, 4000); // dropped when the grace ends
    expect(Date.now()).toBeGreaterThanOrEqual(until - 50);
    await expect(login(token)).rejects.toThrow(/Bad username or password/);
    await end(await login(rotated.body.token));
  });

  it('revokes: no MQTT or CoAP login, the device and its history stay; rotate-token lets it back', async () => {
    const live = await login(token);
    await publish(live, topicFor('dev-r', 'telemetry'), cbor(telemetry()));
    const db = gw.app.get(DataSource);
    const count = async () =>
      Number(
        (
          await db.query<{ n: number }[]>(
            "SELECT count(*) AS n FROM telemetry_samples WHERE device_id = 'dev-r'",
          )
        )[0].n,
      );
    await waitFor('sample stored', async () => (await count()) === 1);

    const revoked = await gw.api('POST', '/api/devices/dev-r/revoke');
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    await closed(live);
    await expect(login(token)).rejects.toThrow(/Bad username or password/);
    const coap = await RawCoap.open(gw.coapPort);
    try {
      const res = await coap.request({
        method: 'POST',
        url: '/v1/register',
        payload: cbor({ id: 'dev-r', token, hello }),
      });
      expect(res.code).toBe('4.01');
    } finally {
      coap.close();
    }
    const listed = await gw.api('GET', '/api/devices');
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: 'dev-r', revokedAt: revoked.body.revokedAt }),
    ]);
    expect(await count()).toBe(1);

    const back = await gw.api('POST', '/api/devices/dev-r/token', { graceSeconds: 60 });
    expect(back.body).toMatchObject({ device: { revokedAt: null }, previousTokenValidUntil: null });
    await expect(login(token)).rejects.toThrow(/Bad username or password/);
    await end(await login(back.body.token));
  });

  it('drops a CoAP session on rotation: the old session and token are refused, the new token registers', async () => {
    const coap = await RawCoap.open(gw.coapPort);
    try {
      const register = (t: string) =>
        coap.request({
          method: 'POST',
          url: '/v1/register',
          payload: cbor({ id: 'dev-r', token: t, hello }),
        });
      const first = await register(token);
      expect(first.code).toBe('2.01');
      const session = (decodePayload(first.payload).value as Registered).session;
      const rotated = await gw.api('POST', '/api/devices/dev-r/token');
      const sent = await coap.request({
        method: 'POST',
        url: `/v1/telemetry?s=${session}`,
        payload: cbor(telemetry()),
      });
      expect(sent.code).toBe('4.01');
      expect((await register(token)).code).toBe('4.01');
      expect((await register(rotated.body.token)).code).toBe('2.01');
    } finally {
      coap.close();
    }
  });

  it('describes rotation and revocation in the OpenAPI document', async () => {
    const res = await fetch(`${gw.httpUrl}/api/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/devices/{id}/revoke'])).toEqual(['post']);
    expect(JSON.stringify(doc.paths['/api/devices/{id}/token'].post)).toContain('graceSeconds');
  });

  it('answers an unknown device with 404 and a bad grace with 400', async () => {
    expect((await gw.api('POST', '/api/devices/nope/token')).status).toBe(404);
    expect((await gw.api('POST', '/api/devices/nope/revoke')).status).toBe(404);
    const bad = await gw.api('POST', '/api/devices/dev-r/token', { graceSeconds: -1 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('graceSeconds');
    await end(await login(token)); // nothing changed
  });

  async function vmfleet(...args: string[]) {
    const captured = captureIo({
      env: { VMFLEET_URL: gw.httpUrl, VMFLEET_API_TOKEN: gw.apiToken },
    });
    const code = await runCli(args, { io: captured.io });
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  }

  it('vmfleet devices rotate-token / revoke / list', async () => {
    const rotated = await vmfleet('devices', 'rotate-token', 'dev-r', '--grace', '10m');
    expect(rotated.code).toBe(0);
    const fresh = /^New token for dev-r: (\S+)$/m.exec(rotated.stdout)?.[1];
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rotated.stdout).toMatch(/The old token is accepted until 20\d\d-/);
    expect(rotated.stderr).toContain('shown only this once');
    await end(await login(token)); // in the grace
    await end(await login(fresh!));

    const revoked = await vmfleet('devices', 'revoke', 'dev-r');
    expect(revoked).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('Revoked device dev-r'),
    });
    const list = await vmfleet('devices', 'list');
    expect(list.stdout).toMatch(/dev-r .*revoked/);
    await expect(login(fresh!)).rejects.toThrow(/Bad username or password/);

    const bad = await vmfleet('devices', 'rotate-token', 'dev-r', '--grace', '8d');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('at most 7d');
    const help = await vmfleet('devices', 'rotate-token', '--help');
    expect(help.stdout).toContain('vmfleet devices rotate-token lab-01 --grace 10m');
  });
});

describe('parseGrace', () => {
  it.each([
    ['0', 0],
    ['45', 45],
    ['90s', 90],
    ['10m', 600],
    ['1h', 3600],
    ['7d', 604800],
  ])('reads %s as %d s', (text, seconds) => expect(parseGrace(text)).toBe(seconds));

  it.each(['', '-1', '1.5h', '10x', '8d'])('refuses %j', (text) =>
    expect(() => parseGrace(text)).toThrow(),
  );
});
