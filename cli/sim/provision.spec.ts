import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../api-client';
import { CliError } from '../errors';
import { FakeGateway, makeDevice, TEST_TOKEN } from '../testing/fake-gateway';
import { provisionDevices, simDeviceIds, type SimSpec } from './provision';
import { DeviceStore } from './state';

describe('simDeviceIds', () => {
  it.each([
    [
      { prefix: 'sim', board: 'nrf52840', vm: 'wasm' as const, count: 2 },
      ['sim-nrf52840-wasm-001', 'sim-nrf52840-wasm-002'],
    ],
    [
      { prefix: 'lab', board: 'esp32', vm: 'wasm-fast' as const, count: 1 },
      ['lab-esp32-wasm-fast-001'],
    ],
  ])('%j → %j', (spec, ids) => {
    expect(simDeviceIds(spec)).toEqual(ids);
  });

  it('widens the number past 999 so ids keep sorting', () => {
    const ids = simDeviceIds({ prefix: 'sim', board: 'native', vm: 'js', count: 1200 });
    expect([ids[0], ids[1199]]).toEqual(['sim-native-js-0001', 'sim-native-js-1200']);
  });

  it('refuses a prefix that makes ids too long', () => {
    expect(() =>
      simDeviceIds({ prefix: 'p'.repeat(60), board: 'native', vm: 'js', count: 1 }),
    ).toThrow(/use a shorter --prefix/);
  });
});

describe('provisionDevices', () => {
  let gateway: FakeGateway;
  let cwd: string;
  let client: ApiClient;
  const spec: SimSpec = { prefix: 'sim', board: 'esp32', vm: 'lua', count: 3, tags: ['demo'] };

  beforeEach(async () => {
    gateway = await FakeGateway.start();
    cwd = await mkdtemp(join(tmpdir(), 'vmfleet-prov-'));
    client = new ApiClient({ baseUrl: gateway.url, token: TEST_TOKEN });
  });

  afterEach(async () => {
    await gateway.close();
    await rm(cwd, { recursive: true, force: true });
  });

  const requestLog = () => gateway.requests.map((r) => `${r.method} ${r.path}`).sort();

  it('provisions every device, keeps the tokens, and reports progress', async () => {
    const store = await DeviceStore.open('state', cwd);
    const progress: Array<[number, number]> = [];
    const result = await provisionDevices(client, store, spec, {
      onProgress: (d, t) => progress.push([d, t]),
    });
    expect(result).toMatchObject({ created: 3, reused: 0, reprovisioned: 0 });
    expect(result.devices.map((d) => d.id)).toEqual([
      'sim-esp32-lua-001',
      'sim-esp32-lua-002',
      'sim-esp32-lua-003',
    ]);
    expect(new Set(result.devices.map((d) => d.token)).size).toBe(3);
    // Every device gets the key it verifies OTA manifests with.
    const key = (await client.signingKey()).publicKey;
    expect(result.devices.map((d) => d.signingKey)).toEqual([key, key, key]);
    expect(progress[0]).toEqual([0, 3]);
    expect(progress[progress.length - 1]).toEqual([3, 3]);
    expect(gateway.devices.get('sim-esp32-lua-002')?.tags).toEqual(['demo']);
    const reopened = await DeviceStore.open('state', cwd);
    expect(reopened.size).toBe(3);
  });

  it('on a restart reuses stored devices, provisions only missing ones and re-provisions deleted ones', async () => {
    const first = await provisionDevices(client, await DeviceStore.open('state', cwd), {
      ...spec,
      count: 2,
    });
    gateway.devices.delete('sim-esp32-lua-001');
    gateway.requests.length = 0;
    const store = await DeviceStore.open('state', cwd);
    const result = await provisionDevices(client, store, spec);
    expect(result).toMatchObject({ created: 1, reused: 1, reprovisioned: 1 });
    expect(requestLog()).toEqual([
      'GET /api/devices/sim-esp32-lua-001',
      'GET /api/devices/sim-esp32-lua-002',
      'GET /api/signing-key',
      'POST /api/devices',
      'POST /api/devices',
    ]);
    expect(store.get('sim-esp32-lua-002')?.token).toBe(first.devices[1].token);
    expect(store.get('sim-esp32-lua-001')?.token).not.toBe(first.devices[0].token);
  });

  it('adds new --tags to devices it reuses', async () => {
    await provisionDevices(client, await DeviceStore.open('state', cwd), { ...spec, count: 1 });
    await provisionDevices(client, await DeviceStore.open('state', cwd), {
      ...spec,
      count: 1,
      tags: ['demo', 'v2'],
    });
    expect(gateway.devices.get('sim-esp32-lua-001')?.tags).toEqual(['demo', 'v2']);
  });

  it('explains what to do when a device exists on the gateway without a stored token', async () => {
    gateway.devices.set('sim-esp32-lua-002', makeDevice('sim-esp32-lua-002'));
    const store = await DeviceStore.open('state', cwd);
    const run = provisionDevices(client, store, spec, { concurrency: 1 });
    await expect(run).rejects.toBeInstanceOf(CliError);
    await expect(run).rejects.toThrow(
      /sim-esp32-lua-002 already exists on the gateway but its token is not in .*devices\.json; remove it with `vmfleet devices rm sim-esp32-lua-002`/,
    );
    // What was provisioned before the failure is saved, so a rerun does not lose tokens.
    expect((await DeviceStore.open('state', cwd)).get('sim-esp32-lua-001')).toBeDefined();
  });

  describe('devices already online from another process', () => {
    async function firstRun(): Promise<void> {
      await provisionDevices(client, await DeviceStore.open('state', cwd), spec);
      // Another `vmfleet sim` with these ids is running: two of the devices are online.
      for (const id of ['sim-esp32-lua-001', 'sim-esp32-lua-003']) {
        gateway.devices.get(id)!.online = true;
      }
    }

    it('refuses them, naming them and the way out, and starts none', async () => {
      await firstRun();
      const run = provisionDevices(client, await DeviceStore.open('state', cwd), spec);
      await expect(run).rejects.toBeInstanceOf(CliError);
      await expect(run).rejects.toThrow(
        /^2 of the 3 devices are already online from another process \(sim-esp32-lua-001, sim-esp32-lua-003\): is another `vmfleet sim` running with the same --prefix\?.* pass --new-ids/,
      );
    });

    it('with newIds takes the next free ids instead', async () => {
      await firstRun();
      // Another state file's device, on the gateway without a token we hold: skipped too.
      gateway.devices.set('sim-esp32-lua-004', makeDevice('sim-esp32-lua-004'));
      const store = await DeviceStore.open('state', cwd);
      const result = await provisionDevices(client, store, { ...spec, newIds: true });
      expect(result.devices.map((d) => d.id)).toEqual([
        'sim-esp32-lua-002',
        'sim-esp32-lua-005',
        'sim-esp32-lua-006',
      ]);
      expect(result).toMatchObject({ created: 2, reused: 1, reprovisioned: 0 });
    });
  });
});
