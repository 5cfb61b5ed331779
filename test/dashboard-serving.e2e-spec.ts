import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestGateway, type TestGateway } from './support/gateway';

/** How the gateway serves a dashboard build (src/dashboard), without a browser. */
describe('dashboard static serving (e2e)', () => {
  let gw: TestGateway | undefined;
  let build: string;

  const html = (p: string) => fetch(gw!.httpUrl + p, { headers: { accept: 'text/html' } });

  beforeEach(() => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-dash-'));
    build = path.join(root, 'web');
    fs.mkdirSync(path.join(build, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(build, 'index.html'), '<!doctype html><div id="app"></div>');
    fs.writeFileSync(path.join(build, 'assets', 'index-1a2b.js'), 'console.log(1)');
    fs.writeFileSync(path.join(root, 'secret.txt'), 'outside the build');
  });
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
    fs.rmSync(path.dirname(build), { recursive: true, force: true });
  });

  it('answers index.html for / and client routes, with a strict CSP and no caching', async () => {
    gw = await startTestGateway({ VMFLEET_DASHBOARD_DIR: build });
    for (const p of ['/', '/devices/dev-1', '/deployments/3?x=1']) {
      const res = await html(p);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toMatch(
        /default-src 'self'.*frame-ancestors 'none'/,
      );
      expect(await res.text()).toContain('<div id="app">');
    }
  });

  it('serves hashed assets as immutable and nothing outside the build', async () => {
    gw = await startTestGateway({ VMFLEET_DASHBOARD_DIR: build });
    const asset = await fetch(`${gw.httpUrl}/assets/index-1a2b.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log(1)');
    for (const p of [
      '/assets/missing-0000.js',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
    ]) {
      const res = await fetch(gw.httpUrl + p);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('outside the build');
    }
  });

  it('leaves the API, its docs and /metrics to the gateway', async () => {
    gw = await startTestGateway({ VMFLEET_DASHBOARD_DIR: build });
    const unknown = await html('/api/nothing');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'not_found' });
    expect((await html('/api/devices')).status).toBe(401);
    expect(await (await html('/api/docs')).text()).toContain('swagger');
    expect((await html('/metrics')).headers.get('content-type')).not.toMatch(/^text\/html/);
  });

  it('says how to build the dashboard when there is no build', async () => {
    gw = await startTestGateway({ VMFLEET_DASHBOARD_DIR: path.join(build, 'absent') });
    const res = await html('/');
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/run `npm run build`/);
    expect((await fetch(`${gw.httpUrl}/api/health`)).status).toBe(200);
  });
});
