import { startTestGateway, type TestGateway } from './support/gateway';

describe('REST body limit', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.stop());

  it('answers a 4 MB JSON body with 413 and the limit, and keeps serving', async () => {
    const res = await fetch(`${gw.httpUrl}/api/devices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'big', board: 'x'.repeat(4 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('payload_too_large');
    expect(body.message).toContain('the limit is 1048576 bytes (1 MiB)');
    const after = await gw.api('GET', '/api/devices');
    expect(after.status).toBe(200);
  });
});
