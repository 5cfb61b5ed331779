import { startTestGateway, TestGateway } from './support/gateway';

describe('device registry over REST (e2e)', () => {
  let gw: TestGateway;

  beforeEach(async () => {
    gw = await startTestGateway({ VMFLEET_ENROLLMENT_KEY: 'enroll-key-0123456789' });
  });
  afterEach(async () => {
    await gw.stop();
  });

  it('provisions a device, shows its token once and never again', async () => {
    const created = await gw.api('POST', '/api/devices', {
      id: 'dev-1',
      board: 'nrf52840',
      vm: 'mips1',
      tags: ['lab', 'floor-2'],
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const key = await gw.api('GET', '/api/signing-key');
    expect(created.body.signingKey).toEqual(key.body);
    expect(key.body).toMatchObject({
      alg: 'EdDSA',
      crv: 'Ed25519',
      kid: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(created.body.device).toMatchObject({
      id: 'dev-1',
      board: 'nrf52840',
      vm: { kind: 'mips1' },
      tags: ['floor-2', 'lab'],
      online: false,
    });
    const shown = await gw.api('GET', '/api/devices/dev-1');
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).not.toContain(created.body.token);
    expect(JSON.stringify(shown.body)).not.toMatch(/token/i);
  });

  it('refuses a duplicate id and bad input with codes', async () => {
    await gw.api('POST', '/api/devices', { id: 'dev-1', board: 'nrf52840', vm: 'mips1' });
    const dup = await gw.api('POST', '/api/devices', { id: 'dev-1', board: 'esp32', vm: 'wasm' });
    expect(dup).toMatchObject({ status: 409, body: { code: 'device_exists' } });
    const bad = await gw.api('POST', '/api/devices', { id: 'a/b', board: 'nrf52840', vm: 'z80' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_input');
    expect(bad.body.issues).toHaveLength(2);
  });

  it('filters by tag and VM kind, edits tags and deletes', async () => {
    await gw.api('POST', '/api/devices', {
      id: 'a',
      board: 'nrf52840',
      vm: 'mips1',
      tags: ['lab'],
    });
    await gw.api('POST', '/api/devices', { id: 'b', board: 'esp32', vm: 'wasm', tags: ['field'] });
    await gw.api('POST', '/api/devices', { id: 'c', board: 'esp32', vm: 'wasm' });
    const ids = async (q: string) =>
      (await gw.api('GET', `/api/devices${q}`)).body.items.map((d: { id: string }) => d.id);
    await expect(ids('')).resolves.toEqual(['a', 'b', 'c']);
    await expect(ids('?tag=lab')).resolves.toEqual(['a']);
    await expect(ids('?vm=wasm')).resolves.toEqual(['b', 'c']);
    await expect(ids('?online=true')).resolves.toEqual([]);
    const edited = await gw.api('PATCH', '/api/devices/c/tags', {
      add: ['lab', 'new'],
      remove: ['absent'],
    });
    expect(edited.body.tags).toEqual(['lab', 'new']);
    await expect(ids('?tag=lab')).resolves.toEqual(['a', 'c']);
    expect((await gw.api('DELETE', '/api/devices/a')).status).toBe(204);
    expect(await gw.api('GET', '/api/devices/a')).toMatchObject({
      status: 404,
      body: { code: 'device_not_found' },
    });
    expect((await gw.api('DELETE', '/api/devices/a')).status).toBe(404);
  });

  it('requires the bearer token everywhere but health', async () => {
    const noToken = await fetch(`${gw.httpUrl}/api/devices`);
    expect(noToken.status).toBe(401);
    expect(
      (await gw.api('GET', '/api/devices', undefined, { authorization: 'Bearer wrong' })).status,
    ).toBe(401);
    expect(
      (await gw.api('GET', '/metrics', undefined, { authorization: 'Bearer wrong' })).status,
    ).toBe(401);
    const health = await fetch(`${gw.httpUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      database: 'sqlite',
      mqtt: { port: gw.mqttPort },
      coap: { port: gw.coapPort },
    });
  });

  it('serves the OpenAPI document', async () => {
    const res = await fetch(`${gw.httpUrl}/api/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/devices', '/api/devices/{id}/telemetry', '/api/fleet/summary']),
    );
  });

  it('lets a device enroll itself with the fleet key only', async () => {
    const body = { id: 'self-1', board: 'esp32', vm: 'lua' };
    const wrong = await gw.api('POST', '/api/enroll', body, {
      authorization: '',
      'x-enrollment-key': 'nope',
    });
    expect(wrong).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    const ok = await gw.api('POST', '/api/enroll', body, {
      authorization: '',
      'x-enrollment-key': 'enroll-key-0123456789',
    });
    expect(ok.status).toBe(201);
    expect(ok.body.device.id).toBe('self-1');
    expect(ok.body.signingKey.kid).toMatch(/^[0-9a-f]{16}$/);
  });
});
