import { AppsService } from '../src/apps/apps.service';
import { provision } from './support/fixtures';
import { startTestGateway, type TestGateway } from './support/gateway';
import { deploy, firmwareImage, publishApp } from './support/ota';

interface Listed {
  name?: string;
  origin: string;
}

/**
 * Benchmark images (`bench-*` apps) and the deployments campaigns make of them are marked
 * `origin: "benchmark"` and left out of the lists unless asked for with `all=true`.
 */
describe('benchmark apps and deployments in the lists (e2e)', () => {
  let gw: TestGateway;
  const image = firmwareImage('fibonacci');

  beforeEach(async () => {
    gw = await startTestGateway();
    // As BenchmarkImages publishes them: through the service, not the REST upload.
    await gw.app
      .get(AppsService)
      .upload({ name: 'bench-fibonacci-mips1', version: '1.0.0', vm: 'mips1' }, image);
    await publishApp(gw, 'blinky', '1.0.0', image);
  });
  afterEach(async () => {
    await gw.stop();
  });

  async function list(url: string): Promise<Listed[]> {
    const res = await gw.api<{ items: Listed[] }>('GET', url);
    expect(res.status).toBe(200);
    return res.body.items;
  }

  it('lists the user’s apps by default, every app with all=true or by name', async () => {
    expect(await list('/api/apps')).toEqual([
      expect.objectContaining({ name: 'blinky', origin: 'user' }),
    ]);
    const all = await list('/api/apps?all=true');
    expect(all.map((a) => [a.name, a.origin])).toEqual([
      ['blinky', 'user'],
      ['bench-fibonacci-mips1', 'benchmark'],
    ]);
    expect((await list('/api/apps?name=bench-fibonacci-mips1')).map((a) => a.name)).toEqual([
      'bench-fibonacci-mips1',
    ]);
    expect((await gw.api('GET', '/api/apps?all=yes')).status).toBe(400);
  });

  it('keeps the bench- prefix for benchmark images on upload', async () => {
    const form = new FormData();
    form.append('name', 'bench-mine');
    form.append('version', '1.0.0');
    form.append('vm', 'mips1');
    form.append('file', new Blob([Buffer.from(image)]), 'app.m1');
    const res = await fetch(`${gw.httpUrl}/api/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.apiToken}` },
      body: form,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/kept for the gateway's benchmark images/);
  });

  it('lists deployments of benchmark apps only with all=true', async () => {
    await provision(gw, 'dev-1');
    const target = { target: { devices: ['dev-1'] } };
    const bench = await deploy(gw, {
      app: { name: 'bench-fibonacci-mips1', version: '1.0.0' },
      ...target,
    });
    const mine = await deploy(gw, { app: { name: 'blinky', version: '1.0.0' }, ...target });
    const byDefault = await list('/api/deployments');
    expect(byDefault).toEqual([expect.objectContaining({ id: mine, origin: 'user' })]);
    const all = await list('/api/deployments?all=true');
    expect(all).toEqual([
      expect.objectContaining({ id: mine, origin: 'user' }),
      expect.objectContaining({ id: bench, origin: 'benchmark' }),
    ]);
  });
});
