import type { VirtualDevice } from '../devices';
import { startTestGateway, TestGateway, waitFor } from './support/gateway';
import { deploy, firmwareImage, publishApp, startDevices, waitForDeployment } from './support/ota';

const HEALTH_MS = 300;

describe('OTA deployments with 20 virtual devices (e2e)', () => {
  let gw: TestGateway;
  let devices: VirtualDevice[] = [];

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await Promise.all(devices.map((d) => d.stop()));
    devices = [];
    await gw.stop();
  });

  const byTag = (tag: string, extra: Record<string, unknown> = {}) => ({
    target: { tag },
    healthWindowMs: HEALTH_MS,
    ...extra,
  });

  /** The device view's `slots` (docs/protocol.md §5.2), as hello and OTA reports left them. */
  const slotsOf = async (id: string): Promise<unknown> =>
    (await gw.api('GET', `/api/devices/${id}`)).body.slots;
  const empty = (slot: number) => ({ slot, active: false, state: 'empty', app: null, bytes: 0 });
  const holding = (slot: number, active: boolean, version: string, image: Uint8Array) => ({
    slot,
    active,
    state: 'complete',
    app: { id: 'demo', version },
    bytes: image.length,
  });

  it('rolls out to healthy, swaps a second version in at runtime, rolls a faulty one back and halts', async () => {
    devices = await startDevices(gw, { prefix: 'ota', count: 20, tags: ['field'] });
    const [blink, thermostat] = [firmwareImage('blink'), firmwareImage('thermostat')];
    await publishApp(gw, 'demo', '1.0.0', blink);
    await publishApp(gw, 'demo', '2.0.0', thermostat);
    await publishApp(gw, 'demo', '3.0.0', firmwareImage('wild-store'));
    // Their hello said it: nothing installed yet.
    await expect(slotsOf('ota-01')).resolves.toEqual([empty(0), empty(1)]);

    const first = await deploy(gw, byTag('field', { app: { name: 'demo', version: '1.0.0' } }));
    const v1 = await waitForDeployment(gw, first, 'v1 completed', (d) => d.status === 'completed');
    expect(v1.counts.healthy).toBe(20);
    expect(
      v1.targets.every(
        (t) =>
          t.history.map((h) => h.state).join() ===
          'pending,offered,transferring,verifying,installed,running,healthy',
      ),
    ).toBe(true);
    expect(devices.every((d) => d.vmStatus().app?.version === '1.0.0')).toBe(true);
    await expect(slotsOf('ota-01')).resolves.toEqual([empty(0), holding(1, true, '1.0.0', blink)]);

    const uptimeBefore = devices.map((d) => d.stats().uptimeMs);
    const second = await deploy(
      gw,
      byTag('field', {
        app: { name: 'demo', version: '2.0.0' },
        strategy: { kind: 'waves', percents: [25, 100] },
      }),
    );
    const v2 = await waitForDeployment(gw, second, 'v2 completed', (d) => d.status === 'completed');
    expect(v2.counts.healthy).toBe(20);
    expect(new Set(v2.targets.map((t) => t.wave))).toEqual(new Set([0, 1]));
    for (const [i, d] of devices.entries()) {
      expect(d.vmStatus()).toMatchObject({
        app: { id: 'demo', version: '2.0.0' },
        state: 'running',
      });
      // Swapped at runtime: the device never restarted or reconnected.
      expect(d.stats()).toMatchObject({ reconnects: 0, connected: true });
      expect(d.stats().uptimeMs).toBeGreaterThan(uptimeBefore[i]);
    }
    // Swapped: 2.0.0 runs from slot 0, 1.0.0 stays in slot 1 to go back to.
    await expect(slotsOf('ota-01')).resolves.toEqual([
      holding(0, true, '2.0.0', thermostat),
      holding(1, false, '1.0.0', blink),
    ]);

    const third = await deploy(
      gw,
      byTag('field', { app: { name: 'demo', version: '3.0.0' }, failureThreshold: 10 }),
    );
    const v3 = await waitForDeployment(
      gw,
      third,
      'v3 halted with every device rolled back',
      (d) => d.status === 'halted' && d.counts['rolled-back'] === 20,
    );
    expect(v3.reason).toMatch(/devices failed, above the 10% threshold/);
    for (const t of v3.targets) {
      expect(t).toMatchObject({ state: 'rolled-back', code: 'app_fault' });
      expect(t.reason).toMatch(/bad_address/);
    }
    // 3.0.0 went over 1.0.0 in slot 1 and was emptied by the revert: 2.0.0 runs again.
    await expect(slotsOf('ota-01')).resolves.toEqual([
      holding(0, true, '2.0.0', thermostat),
      empty(1),
    ]);
    await waitFor('every device back on 2.0.0 and running', () =>
      devices.every(
        (d) => d.vmStatus().app?.version === '2.0.0' && d.vmStatus().state === 'running',
      ),
    );
  }, 60_000);

  it('shows no slots for a device whose hello has none (firmware that does not report them)', async () => {
    // Without the gateway key a virtual device has no slot table and leaves the field out.
    devices = [
      ...(await startDevices(gw, { prefix: 'old', count: 1, withoutKey: true })),
      ...(await startDevices(gw, { prefix: 'new', count: 1 })),
    ];
    const [old, fresh] = await Promise.all(
      ['old-01', 'new-01'].map(async (id) => (await gw.api('GET', `/api/devices/${id}`)).body),
    );
    expect(old).toMatchObject({ online: true, slots: null, slotsAt: null });
    expect(fresh.slots).toEqual([empty(0), empty(1)]);
    expect(Date.parse(fresh.slotsAt)).toBeGreaterThanOrEqual(Date.parse(fresh.connectedAt));
  });

  it.each([
    ['ebpf', 'ebpf', 'rbf'],
    ['wasm', 'wasm', 'wasm'],
    ['wasm-fast', 'wasm', 'wasm'],
    ['lua', 'lua', 'lua'],
    ['micropython', 'python', 'py'],
    ['js', 'js', 'js'],
  ] as const)(
    'updates and rolls back %s devices the same way',
    async (vm, dir, ext) => {
      devices = await startDevices(gw, { prefix: vm, vm, count: 4, tags: [vm] });
      await publishApp(gw, `demo-${vm}`, '1.0.0', firmwareImage('blink', dir, ext), vm);
      await publishApp(gw, `demo-${vm}`, '2.0.0', firmwareImage('wild-store', dir, ext), vm);
      const good = await deploy(gw, byTag(vm, { app: { name: `demo-${vm}`, version: '1.0.0' } }));
      const v1 = await waitForDeployment(gw, good, 'healthy', (d) => d.status === 'completed');
      expect(v1.counts.healthy).toBe(4);
      const bad = await deploy(gw, byTag(vm, { app: { name: `demo-${vm}`, version: '2.0.0' } }));
      const v2 = await waitForDeployment(
        gw,
        bad,
        'rolled back',
        (d) => d.counts['rolled-back'] === 4,
      );
      expect(v2.targets.every((t) => t.code === 'app_fault')).toBe(true);
      await waitFor('back on 1.0.0', () =>
        devices.every(
          (d) => d.vmStatus().app?.version === '1.0.0' && d.vmStatus().state === 'running',
        ),
      );
    },
    30_000,
  );
});
