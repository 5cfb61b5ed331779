import { ApiClient, ApiError } from './api-client';
import { makeApp, TEST_SIGNING_KEY } from './testing/fake-app-repository';
import { parseMultipart, type MultipartForm } from './testing/multipart';
import { startStubServer, type StubHandler, type StubServer } from './testing/stub-server';

/** Every byte value, CR LF and something that looks like a boundary: nothing may be altered. */
const PAYLOAD = Buffer.concat([
  Buffer.from([...Array(256).keys()]),
  Buffer.from('\r\n--boundary\r\n\r\n'),
  Buffer.from([0, 0xff, 0x0d, 0x0a]),
]);

describe('ApiClient: app repository', () => {
  let server: StubServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function clientFor(handler: StubHandler) {
    server = await startStubServer(handler);
    return { client: new ApiClient({ baseUrl: server.url, token: 'secret' }), server };
  }

  describe('pushApp', () => {
    const upload = { name: 'blinky', version: '1.2.0-rc.1', vm: 'mips1', fileName: 'blinky.m1' };

    it('posts multipart/form-data whose fields and file bytes arrive intact', async () => {
      let form: MultipartForm | undefined;
      const { client, server } = await clientFor((req) => {
        form = parseMultipart(req.rawBody, req.headers['content-type']);
        return { status: 201, body: makeApp({ version: '1.2.0-rc.1', size: PAYLOAD.length }) };
      });
      const app = await client.pushApp({ ...upload, payload: PAYLOAD, ramBytes: 65_536 });
      expect(app).toMatchObject({ name: 'blinky', version: '1.2.0-rc.1', size: PAYLOAD.length });
      const req = server.requests[0];
      expect(`${req.method} ${req.path}`).toBe('POST /api/apps');
      expect(req.headers.authorization).toBe('Bearer secret');
      expect(req.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(req.body).toBeUndefined();
      expect(form!.names()).toEqual(['name', 'version', 'vm', 'ramBytes', 'file']);
      expect(['name', 'version', 'vm', 'ramBytes'].map((f) => form!.field(f))).toEqual([
        'blinky',
        '1.2.0-rc.1',
        'mips1',
        '65536',
      ]);
      const file = form!.file('file');
      expect(file.filename).toBe('blinky.m1');
      expect(file.contentType).toBe('application/octet-stream');
      expect(file.data.equals(PAYLOAD)).toBe(true);
    });

    it('leaves out the sizes it was not given, and sends both when it was', async () => {
      const forms: MultipartForm[] = [];
      const { client } = await clientFor((req) => {
        forms.push(parseMultipart(req.rawBody, req.headers['content-type']));
        return { status: 201, body: makeApp() };
      });
      await client.pushApp({ ...upload, payload: Buffer.from('M1') });
      await client.pushApp({ ...upload, payload: Buffer.from('M1'), ramBytes: 1, flashBytes: 2 });
      expect(forms.map((f) => f.names())).toEqual([
        ['name', 'version', 'vm', 'file'],
        ['name', 'version', 'vm', 'ramBytes', 'flashBytes', 'file'],
      ]);
      expect(forms[1].field('flashBytes')).toBe('2');
    });

    it.each([
      [400, { statusCode: 400, code: 'image_rejected', message: 'bad magic' }, 'bad magic'],
      [409, { code: 'app_exists' }, ''],
      [413, { statusCode: 413, message: 'File too large', error: 'Payload Too Large' }, null],
    ])('turns HTTP %p into an ApiError', async (status, body, message) => {
      const { client } = await clientFor(() => ({ status, body }));
      const error = await client
        .pushApp({ ...upload, payload: PAYLOAD })
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(ApiError);
      const code = 'code' in body ? body.code : `http_${status}`;
      expect(error).toMatchObject({ status, code });
      if (message !== null) expect((error as ApiError).message).toBe(message);
    });
  });

  it('lists apps with the filters it was given, and only those', async () => {
    const items = [makeApp({ version: '1.3.0', sequence: 2 }), makeApp()];
    const { client, server } = await clientFor(() => ({ status: 200, body: { items } }));
    await expect(client.listApps({ name: 'blinky', vm: 'mips1' })).resolves.toEqual(items);
    await client.listApps();
    expect(server.requests.map((r) => [r.path, Object.fromEntries(r.query)])).toEqual([
      ['/api/apps', { name: 'blinky', vm: 'mips1' }],
      ['/api/apps', {}],
    ]);
  });

  it('gets and deletes an app by name and version, encoded in the path', async () => {
    const app = makeApp({ version: '1.0.0-beta.2' });
    const { client, server } = await clientFor((req) =>
      req.method === 'DELETE' ? { status: 204 } : { status: 200, body: app },
    );
    await expect(client.getApp('blinky', '1.0.0-beta.2')).resolves.toEqual(app);
    await expect(client.deleteApp('a b', '1.0.0')).resolves.toBeUndefined();
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/apps/blinky/1.0.0-beta.2',
      'DELETE /api/apps/a%20b/1.0.0',
    ]);
  });

  it('rejects an app record that breaks the contract', async () => {
    const { client } = await clientFor(() => ({
      status: 200,
      body: { ...makeApp(), sha256: 'abc' },
    }));
    await expect(client.getApp('blinky', '1.2.0')).rejects.toMatchObject({
      code: 'invalid_response',
      message: 'GET /api/apps/blinky/1.2.0 returned an unexpected sha256: expected 64 hex digits',
    });
  });

  it('downloads the payload and the manifest as bytes, asking for their types', async () => {
    const manifest = Buffer.from([0xd2, 0x84, 0x43, 0xa1, 0x01, 0x27]);
    const { client, server } = await clientFor((req) =>
      req.path.endsWith('/payload')
        ? { status: 200, bytes: PAYLOAD }
        : { status: 200, bytes: manifest, contentType: 'application/cose' },
    );
    const payload = await client.downloadAppPayload('blinky', '1.2.0');
    expect(Buffer.from(payload).equals(PAYLOAD)).toBe(true);
    const cose = await client.downloadAppManifest('blinky', '1.2.0');
    expect(Buffer.from(cose).equals(manifest)).toBe(true);
    expect(server.requests.map((r) => [r.path, r.headers.accept])).toEqual([
      ['/api/apps/blinky/1.2.0/payload', 'application/octet-stream'],
      ['/api/apps/blinky/1.2.0/manifest', 'application/cose'],
    ]);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer secret',
      'Bearer secret',
    ]);
  });

  it('turns a failed download into the ApiError of its JSON body', async () => {
    const { client } = await clientFor(() => ({
      status: 404,
      body: { statusCode: 404, code: 'app_not_found', message: 'app blinky@9.9.9 not found' },
    }));
    await expect(client.downloadAppPayload('blinky', '9.9.9')).rejects.toMatchObject({
      status: 404,
      code: 'app_not_found',
      message: 'app blinky@9.9.9 not found',
    });
  });

  it("reads the gateway's signing key", async () => {
    const { client, server } = await clientFor(() => ({ status: 200, body: TEST_SIGNING_KEY }));
    await expect(client.signingKey()).resolves.toEqual(TEST_SIGNING_KEY);
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      path: '/api/signing-key',
      headers: { authorization: 'Bearer secret' },
    });
  });
});
