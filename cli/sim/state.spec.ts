import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../errors';
import { DeviceStore } from './state';

describe('DeviceStore', () => {
  let cwd: string;

  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'vmfleet-state-'));
  });

  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  const device = (n: number) => ({
    id: `sim-${n}`,
    token: `t${n}`,
    board: 'esp32',
    vm: 'lua' as const,
  });

  it('starts empty when there is no file, and creates it with mode 0600', async () => {
    const store = await DeviceStore.open('.vmfleet/sim', cwd);
    expect(store.size).toBe(0);
    expect(store.path).toBe(join(cwd, '.vmfleet/sim/devices.json'));
    store.set(device(1));
    await store.save();
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    const reopened = await DeviceStore.open('.vmfleet/sim', cwd);
    expect(reopened.get('sim-1')).toEqual(device(1));
  });

  it('coalesces concurrent saves and keeps the last state', async () => {
    const store = await DeviceStore.open('state', cwd);
    const saves: Array<Promise<void>> = [];
    for (let n = 1; n <= 20; n++) {
      store.set(device(n));
      saves.push(store.save());
    }
    await Promise.all(saves);
    const file = JSON.parse(await readFile(store.path, 'utf8')) as {
      version: number;
      devices: unknown[];
    };
    expect(file.version).toBe(1);
    expect(file.devices).toHaveLength(20);
  });

  it.each([
    ['not json', /is not valid JSON/],
    ['{"version":2,"devices":[]}', /is not a vmfleet sim state file \(version: /],
    [
      '{"version":1,"devices":[{"id":"a/b","token":"t","board":"esp32","vm":"lua"}]}',
      /\(devices\.0\.id: /,
    ],
  ])('refuses a damaged file: %s', async (content, message) => {
    await mkdir(join(cwd, 'state'));
    await writeFile(join(cwd, 'state', 'devices.json'), content);
    const opening = DeviceStore.open('state', cwd);
    await expect(opening).rejects.toBeInstanceOf(CliError);
    await expect(opening).rejects.toThrow(message);
  });
});
