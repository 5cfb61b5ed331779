import { Fleet, type DeviceCredentials } from '../devices';
import type { VmKind } from '../src/protocol';
import { startTestGateway, TestGateway, waitFor } from './support/gateway';

const FAST_BACKOFF = { initialMs: 50, maxMs: 400, jitter: 0.5 };

describe('virtual devices against the real gateway (e2e)', () => {
  let gw: TestGateway;
  let fleet: Fleet | undefined;

  async function provisionFleet(specs: [string, string, VmKind][]): Promise<DeviceCredentials[]> {
    const creds: DeviceCredentials[] = [];
    for (const [id, board, vm] of specs) {
      const res = await gw.api('POST', '/api/devices', { id, board, vm, tags: ['sim'] });
      expect(res.status).toBe(201);
      creds.push({ id, board, vm, token: res.body.token });
    }
    return creds;
  }

  const onlineCount = async () =>
    (await gw.api('GET', '/api/devices?online=true')).body.items.length;

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await fleet?.stop();
    fleet = undefined;
    await gw.stop();
  });

  it('brings a mixed fleet online, stores its telemetry and summarises it by VM and board', async () => {
    const boards = ['nrf52840', 'atmega328', 'esp32', 'native'];
    const vms: VmKind[] = ['mips1', 'wasm', 'lua'];
    const specs = Array.from(
      { length: 12 },
      (_, i) => [`mix-${i}`, boards[i % 4], vms[i % 3]] as [string, string, VmKind],
    );
    fleet = await Fleet.start({
      mqttUrl: gw.mqttUrl,
      devices: await provisionFleet(specs),
      telemetryIntervalMs: 200,
    });
    await waitFor('12 online', async () => (await onlineCount()) === 12);
    await waitFor('telemetry from every device', async () => {
      const items = (await gw.api('GET', '/api/devices')).body.items as { latest: unknown }[];
      return items.every((d) => d.latest);
    });
    const summary = (await gw.api('GET', '/api/fleet/summary')).body;
    expect(summary.devices).toEqual({ total: 12, online: 12 });
    expect(summary.byVm.map((g: { key: string; total: number }) => [g.key, g.total])).toEqual([
      ['lua', 4],
      ['mips1', 4],
      ['wasm', 4],
    ]);
    const atmega = summary.byBoard.find((g: { key: string }) => g.key === 'atmega328');
    expect(atmega).toMatchObject({ total: 3, ramTotal: 3 * 2048, flashTotal: 3 * 32768 });
    expect(atmega.ramUsed).toBeLessThan(atmega.ramTotal);
    const device = (await gw.api('GET', '/api/devices/mix-1')).body;
    expect(device).toMatchObject({
      board: 'atmega328',
      vm: { kind: 'wasm', version: 'vmfleet-sim/0.1' },
      limits: { ramBytes: 2048 },
    });
    await fleet.stop();
    fleet = undefined;
    await waitFor('all offline', async () => (await onlineCount()) === 0);
  });

  it('survives a gateway restart: devices reconnect by themselves and report again', async () => {
    const creds = await provisionFleet([
      ['r-1', 'nrf52840', 'mips1'],
      ['r-2', 'esp32', 'wasm'],
      ['r-3', 'native', 'js'],
    ]);
    fleet = await Fleet.start({
      mqttUrl: gw.mqttUrl,
      devices: creds,
      telemetryIntervalMs: 100,
      backoff: FAST_BACKOFF,
    });
    await waitFor('3 online', async () => (await onlineCount()) === 3);
    const { dataDir, mqttPort, apiToken } = gw;
    await gw.restartable();
    gw = await startTestGateway(
      { VMFLEET_MQTT_PORT: String(mqttPort), VMFLEET_API_TOKEN: apiToken },
      { dataDir },
    );
    // The gateway marks a device online on hello, a moment before the device counts its reconnect.
    await waitFor(
      '3 online again after reconnecting',
      async () => (await onlineCount()) === 3 && fleet!.stats().reconnects >= 3,
      15_000,
    );
    const before = Date.now();
    await waitFor('fresh telemetry after restart', async () => {
      const d = (await gw.api('GET', '/api/devices/r-2')).body;
      return d.latest && Date.parse(d.latest.at) >= before;
    });
  });
});
