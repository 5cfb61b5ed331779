import type { AppsService } from '../apps/apps.service';
import type { App } from '../apps/domain/app';
import { AppExistsError } from '../common/domain-error';
import type { Config } from '../config/config';
import { BenchmarkImages, isMissing } from './benchmark-images';

/** Just what BenchmarkImages uses of AppsService, in memory, each call a tick late. */
class FakeApps {
  readonly apps: App[] = [];
  uploads = 0;
  private sequence = 0;

  async list(filter: { name?: string }): Promise<App[]> {
    await tick();
    return this.apps.filter((a) => !filter.name || a.name === filter.name).reverse();
  }

  async get(name: string, version: string): Promise<App> {
    await tick();
    const app = this.apps.find((a) => a.name === name && a.version === version);
    if (!app) throw new Error(`no ${name}@${version}`);
    return app;
  }

  async payload(name: string, version: string): Promise<{ app: App; bytes: Uint8Array }> {
    return { app: await this.get(name, version), bytes: new Uint8Array([1, 2, 3]) };
  }

  async upload(input: Pick<App, 'name' | 'version' | 'vm'>): Promise<App> {
    await tick();
    if (this.apps.some((a) => a.name === input.name && a.version === input.version)) {
      throw new AppExistsError(input.name, input.version);
    }
    this.uploads++;
    const app: App = {
      ...input,
      size: 3,
      sha256: 'ab'.repeat(32),
      sequence: ++this.sequence,
      needs: { ramBytes: 0, flashBytes: 0, stackBytes: 0 },
      kid: 'k',
      createdAt: 0,
    };
    this.apps.push(app);
    return app;
  }
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('BenchmarkImages.newerThan', () => {
  const program = 'ackermann';
  let fake: FakeApps;
  let images: BenchmarkImages;
  let first: App;

  beforeEach(async () => {
    fake = new FakeApps();
    const config = { benchImages: 'lazy' } as Config;
    images = new BenchmarkImages(config, fake as unknown as AppsService);
    const image = await images.imageOf(program, 'mips1');
    if (isMissing(image)) throw new Error(`firmware/ has no mips1 ${program}: ${image.reason}`);
    first = image;
  });

  it('publishes the next patch once when several devices ask at the same time', async () => {
    const before = fake.uploads;
    // Each device last ran something newer than the image (another program's).
    const ran = fake.apps.length;
    const asked = await Promise.all([1, 2, 3].map(() => images.newerThan(program, 'mips1', ran)));
    expect(asked.map((a) => a.version)).toEqual(['1.0.1', '1.0.1', '1.0.1']);
    expect(fake.uploads - before).toBe(1);
  });

  it('publishes again for a device already past the last republish', async () => {
    const a = await images.newerThan(program, 'mips1', first.sequence);
    const b = await images.newerThan(program, 'mips1', a.sequence);
    expect([a.version, b.version]).toEqual(['1.0.1', '1.0.2']);
  });

  it('takes a version another gateway published meanwhile with the same bytes', async () => {
    const other = await fake.upload({ name: first.name, version: '1.0.1', vm: 'mips1' });
    // This gateway's list is stale: it still thinks 1.0.0 is the newest.
    jest.spyOn(fake, 'list').mockResolvedValueOnce([first]);
    const got = await images.newerThan(program, 'mips1', first.sequence);
    expect(got).toEqual(other);
  });
});
