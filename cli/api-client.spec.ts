import { ApiClient, ApiError, GatewayUnreachableError } from './api-client';
import { makeDevice } from './testing/fake-gateway';
import { startStubServer, type StubHandler, type StubServer } from './testing/stub-server';

describe('ApiClient against a real HTTP server', () => {
  let server: StubServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function clientFor(handler: StubHandler, token: string | undefined = 'secret') {
    server = await startStubServer(handler);
    return { client: new ApiClient({ baseUrl: `${server.url}/`, token }), server };
  }

  it('sends the bearer token and parses the device list', async () => {
    const { client, server } = await clientFor(() => ({
      status: 200,
      body: { items: [makeDevice('a'), makeDevice('b', { online: true })] },
    }));
    const items = await client.listDevices();
    expect(items.map((d) => [d.id, d.online])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect(server.requests[0].headers.authorization).toBe('Bearer secret');
    expect(server.requests[0].path).toBe('/api/devices');
    expect([...server.requests[0].query]).toEqual([]);
  });

  it('sends no Authorization header without a token, nor to /api/health', async () => {
    const health = {
      status: 'ok',
      version: '1',
      uptimeS: 3,
      database: 'sqlite',
      mqtt: { port: 1883, wsPath: '/mqtt' },
    };
    const { client, server } = await clientFor(() => ({ status: 200, body: health }));
    await expect(client.health()).resolves.toMatchObject({ mqtt: { port: 1883 } });
    const anonymous = new ApiClient({ baseUrl: server.url });
    await anonymous.health();
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
  });

  it('builds query strings for device filters, leaving out unset ones', async () => {
    const { client, server } = await clientFor(() => ({ status: 200, body: { items: [] } }));
    await client.listDevices({ tag: 'lab:1', vm: 'wasm', online: false });
    await client.listDevices({ online: true });
    expect(Object.fromEntries(server.requests[0].query)).toEqual({
      tag: 'lab:1',
      vm: 'wasm',
      online: 'false',
    });
    expect(Object.fromEntries(server.requests[1].query)).toEqual({ online: 'true' });
  });

  it('builds the telemetry query and encodes the device id in the path', async () => {
    const series = {
      deviceId: 'a.b',
      from: '2024-05-01T11:00:00Z',
      to: '2024-05-01T12:00:00Z',
      stepMs: 10_000,
      points: [],
    };
    const { client, server } = await clientFor(() => ({ status: 200, body: series }));
    await expect(client.telemetry('a.b', { from: '1714561200000', step: '5m' })).resolves.toEqual(
      series,
    );
    expect(server.requests[0].path).toBe('/api/devices/a.b/telemetry');
    expect(Object.fromEntries(server.requests[0].query)).toEqual({
      from: '1714561200000',
      step: '5m',
    });
  });

  it('posts JSON bodies and returns the created device with its token', async () => {
    const { client, server } = await clientFor((req) => ({
      status: 201,
      body: { device: makeDevice((req.body as { id: string }).id), token: 'tok' },
    }));
    const created = await client.createDevice({ id: 'x1', board: 'esp32', vm: 'lua', tags: ['t'] });
    expect(created.token).toBe('tok');
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: { id: 'x1', board: 'esp32', vm: 'lua', tags: ['t'] },
    });
  });

  it('accepts 204 for DELETE and PATCHes tags', async () => {
    const { client, server } = await clientFor((req) =>
      req.method === 'DELETE'
        ? { status: 204 }
        : { status: 200, body: makeDevice('x', { tags: ['n'] }) },
    );
    await expect(client.deleteDevice('x')).resolves.toBeUndefined();
    await expect(client.updateTags('x', { add: ['n'] })).resolves.toMatchObject({ tags: ['n'] });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'DELETE /api/devices/x',
      'PATCH /api/devices/x/tags',
    ]);
    expect(server.requests[1].body).toEqual({ add: ['n'] });
  });

  it('keeps fields the CLI does not know, so --json shows them', async () => {
    const { client } = await clientFor(() => ({
      status: 200,
      body: { ...makeDevice('x'), region: 'eu' },
    }));
    await expect(client.getDevice('x')).resolves.toMatchObject({ region: 'eu' });
  });

  it.each([
    [
      404,
      { statusCode: 404, code: 'device_not_found', message: 'device x not found' },
      'device_not_found',
      'device x not found',
    ],
    [
      401,
      { statusCode: 401, code: 'unauthorized', message: 'bad token' },
      'unauthorized',
      'bad token',
    ],
    [
      400,
      { statusCode: 400, code: 'validation_failed', message: ['id too long', 'vm unknown'] },
      'validation_failed',
      'id too long; vm unknown',
    ],
    [502, undefined, 'http_502', 'Bad Gateway'],
  ])('maps HTTP %p to ApiError %p', async (status, body, code, message) => {
    const { client } = await clientFor(() => ({ status, body }));
    const error = await client.getDevice('x').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status, code, message });
  });

  it('keeps a snippet of a non-JSON error page', async () => {
    const { client } = await clientFor(() => ({ status: 503, raw: '<html>maintenance</html>' }));
    await expect(client.fleetSummary()).rejects.toMatchObject({
      status: 503,
      code: 'http_503',
      message: '<html>maintenance</html>',
    });
  });

  it('reports a response that does not match the contract', async () => {
    const { client } = await clientFor(() => ({ status: 200, body: { items: [{ id: 7 }] } }));
    await expect(client.listDevices()).rejects.toMatchObject({
      code: 'invalid_response',
      message: expect.stringContaining(
        'GET /api/devices returned an unexpected items.0.id',
      ) as string,
    });
  });

  it('reports an unreachable gateway with its URL and the socket error', async () => {
    const { client, server } = await clientFor(() => ({ status: 200 }));
    const url = server.url;
    await server.close();
    const error = await client.health().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(GatewayUnreachableError);
    expect(error).toMatchObject({ url, reason: 'ECONNREFUSED' });
    expect((error as Error).message).toBe(
      `cannot reach the vmfleet gateway at ${url} (ECONNREFUSED)`,
    );
  });

  it('gives up after the timeout', async () => {
    server = await startStubServer(() => new Promise(() => undefined));
    const client = new ApiClient({ baseUrl: server.url, timeoutMs: 100 });
    await expect(client.health()).rejects.toMatchObject({ reason: 'no answer within 0.1s' });
  });
});
